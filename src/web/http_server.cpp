#include "web/http_server.hpp"

#include "core/log.hpp"
#include "core/oauth_error.hpp"
#include "web/io_pool.hpp"
#include "web/wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <list>
#include <sstream>

#include <unistd.h>

namespace tokenswap::web {
namespace {

using namespace std::chrono_literals;

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// An idle connection holds only this much buffer while it waits for its next request.
constexpr std::size_t first_read_bytes = 1024;
// Refused connections being answered at once; past it they are closed without an answer, so a
// flood of connections cannot pile up coroutines either.
constexpr std::size_t max_refusals = 256;
// After an error answer the client may still be sending; reading a little of it before closing
// keeps the kernel from resetting the connection before the client has read the answer.
constexpr std::size_t drain_bytes = 64 * 1024;
constexpr auto drain_time = 500ms;

class count_guard {
public:
  // Adopts one unit already added to the count.
  explicit count_guard(std::atomic<std::size_t>& count) : count_(count) {}
  ~count_guard() { count_.fetch_sub(1, std::memory_order_relaxed); }
  count_guard(const count_guard&) = delete;
  count_guard& operator=(const count_guard&) = delete;

private:
  std::atomic<std::size_t>& count_;
};

// What the read step produced: a request to handle, an answer to send before closing, or
// nothing (the client went away or stayed silent).
struct read_outcome {
  std::optional<request> message;
  std::optional<response> rejection;
};

// A live connection, listed so that shutdown can close the idle ones at once.
struct session_entry {
  beast::tcp_stream* socket = nullptr;
  bool idle = false;
};

// Keeps a session listed for exactly as long as its coroutine lives.
class registration {
public:
  explicit registration(std::list<session_entry>& list)
      : list_(list), it_(list.insert(list.end(), session_entry{})) {}
  ~registration() { list_.erase(it_); }
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;

  session_entry& entry() { return *it_; }

private:
  std::list<session_entry>& list_;
  std::list<session_entry>::iterator it_;
};

beast::tcp_stream& lowest(beast::tcp_stream& stream) { return stream; }
beast::tcp_stream& lowest(tls_stream& stream) { return beast::get_lowest_layer(stream); }

void count(std::atomic<std::uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }

// Ends the connection the way a broken peer would; SO_LINGER with a zero timeout makes close()
// send a reset instead of an orderly shutdown.
template <typename Stream>
net::awaitable<void> break_connection(Stream& stream, const response& res, connection_fate fate) {
  auto& socket = lowest(stream).socket();
  beast::error_code ignored;
  if (fate == connection_fate::reset_mid_response) {
    std::ostringstream out;
    out << res;
    auto text = out.str();
    co_await net::async_write(stream, net::buffer(text.data(), text.size() / 2), use_tuple);
    socket.set_option(net::socket_base::linger(true, 0), ignored);
  }
  socket.close(ignored);
}

response overloaded(std::chrono::seconds retry_after, unsigned version) {
  auto res = make_error_response(503, "temporarily_unavailable", "the server is busy", version);
  res.set(http::field::retry_after, std::to_string(retry_after.count()));
  return res;
}

void log_failure(std::string_view what, std::exception_ptr failure) {
  if (!failure) {
    return;
  }
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    core::log(core::log_level::error, what, {{"reason", e.what()}});
  }
}

} // namespace

response make_error_response(unsigned status, std::string_view error, std::string_view description,
                             unsigned version) {
  core::oauth_error answer{status, std::string(error), std::string(description), std::nullopt};
  response res{static_cast<http::status>(status), version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = answer.to_json();
  res.prepare_payload();
  return res;
}

struct http_server::state : std::enable_shared_from_this<http_server::state> {
  state(io_pool& p, server_limits l, handler h)
      : pool(p), limits(l), on_request(std::move(h)), acceptor(p.at(0)), sessions(p.size()) {}

  io_pool& pool;
  server_limits limits;
  handler on_request;
  tcp::acceptor acceptor;
  std::shared_ptr<net::ssl::context> tls;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<std::size_t> refusing{0};
  std::atomic<std::uint64_t> next_id{1};
  struct {
    std::atomic<std::uint64_t> accepted{0}, refused{0}, shed{0}, header_too_large{0},
        body_too_large{0}, timed_out{0}, malformed{0}, tls_failed{0};
  } counters;
  // One list per context, touched only by that context's thread.
  std::vector<std::list<session_entry>> sessions;

  net::awaitable<void> accept_loop();
  void accept_waiting();
  void start_connection(tcp::socket socket, net::io_context& context);
  net::awaitable<void> refuse(tcp::socket socket);
  net::awaitable<void> run_connection(tcp::socket socket);
  net::awaitable<void> run_tls(beast::tcp_stream stream, session_entry& entry, tcp::endpoint peer);
  template <typename Stream>
  net::awaitable<void> run_session(Stream& stream, session_entry& entry, tcp::endpoint peer);
  template <typename Stream>
  net::awaitable<read_outcome> read_request(Stream& stream, beast::flat_buffer& buffer,
                                            session_entry& entry, bool first);
  template <typename Stream>
  net::awaitable<read_outcome> read_body(Stream& stream, beast::flat_buffer& buffer,
                                         http::request_parser<http::string_body>& parser);
  net::awaitable<response> answer(request req, tcp::endpoint peer, connection_fate& fate);
  net::awaitable<response> handle(request req, request_info info);
  net::awaitable<void> drain(beast::tcp_stream& stream);
  net::awaitable<void> wait_drained(std::chrono::milliseconds grace,
                                    std::function<void(bool)> done);
  void close_sessions(bool idle_only);
  read_outcome read_failed(beast::error_code ec);
  read_outcome reject(std::atomic<std::uint64_t>& counter, unsigned status,
                      std::string_view description);
};

net::awaitable<void> http_server::state::accept_loop() {
  auto self = shared_from_this();
  while (!stopping) {
    auto& context = pool.next();
    auto [ec, socket] = co_await acceptor.async_accept(context, use_tuple);
    if (stopping || ec == net::error::operation_aborted) {
      co_return;
    }
    if (ec) {
      // Out of descriptors or a transient network error: back off instead of spinning.
      core::log(core::log_level::warn, "accept failed", {{"reason", ec.message()}});
      net::steady_timer pause(acceptor.get_executor(), 50ms);
      co_await pause.async_wait(use_tuple);
      continue;
    }
    start_connection(std::move(socket), context);
    accept_waiting();
  }
}

// Takes every connection already queued in the kernel, so that a burst of new clients is not
// accepted one per turn of a busy event loop (their first requests would wait seconds). Each is
// accepted on the acceptor's context and then handed to the next one in turn.
void http_server::state::accept_waiting() {
  beast::error_code ec;
  acceptor.non_blocking(true, ec);
  while (!ec && !stopping) {
    tcp::socket accepted(acceptor.get_executor());
    acceptor.accept(accepted, ec);
    if (ec) {
      return;
    }
    auto protocol = accepted.local_endpoint(ec).protocol();
    auto handle = accepted.release(ec);
    if (ec) {
      return;
    }
    auto& context = pool.next();
    tcp::socket socket(context);
    socket.assign(protocol, handle, ec);
    if (ec) {
      ::close(handle);
      return;
    }
    start_connection(std::move(socket), context);
  }
}

void http_server::state::start_connection(tcp::socket socket, net::io_context& context) {
  count(counters.accepted);
  if (connections.fetch_add(1, std::memory_order_relaxed) >= limits.max_connections) {
    connections.fetch_sub(1, std::memory_order_relaxed);
    count(counters.refused);
    net::co_spawn(context, refuse(std::move(socket)), net::detached);
    return;
  }
  net::co_spawn(context, run_connection(std::move(socket)),
                [](std::exception_ptr failure) { log_failure("connection failed", failure); });
}

// A prompt 503 for a connection over the cap, then close: the client learns to come back
// instead of waiting in a queue that would only grow.
net::awaitable<void> http_server::state::refuse(tcp::socket socket) {
  auto self = shared_from_this();
  if (refusing.fetch_add(1, std::memory_order_relaxed) >= max_refusals) {
    refusing.fetch_sub(1, std::memory_order_relaxed);
    co_return;
  }
  count_guard counted(refusing);
  beast::tcp_stream stream(std::move(socket));
  auto res = overloaded(limits.retry_after, 11);
  res.keep_alive(false);
  stream.expires_after(2s);
  co_await http::async_write(stream, res, use_tuple);
  co_await drain(stream);
}

net::awaitable<void> http_server::state::run_connection(tcp::socket socket) {
  auto self = shared_from_this();
  count_guard counted(connections);
  auto index = pool.index_of(co_await net::this_coro::executor);
  if (index >= sessions.size()) {
    index = 0;
  }
  registration listed(sessions[index]);

  beast::error_code ignored;
  auto peer = socket.remote_endpoint(ignored);
  socket.set_option(tcp::no_delay(true), ignored);
  beast::tcp_stream stream(std::move(socket));
  listed.entry().socket = &stream;
  if (tls) {
    co_await run_tls(std::move(stream), listed.entry(), peer);
    co_return;
  }
  co_await run_session(stream, listed.entry(), peer);
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> http_server::state::run_tls(beast::tcp_stream plain, session_entry& entry,
                                                 tcp::endpoint peer) {
  tls_stream stream(std::move(plain), *tls);
  entry.socket = &lowest(stream);
  lowest(stream).expires_after(limits.header_timeout);
  auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
  if (ec) {
    count(counters.tls_failed);
    co_return;
  }
  co_await run_session(stream, entry, peer);
  // close_notify, but never wait long for a client that does not answer it.
  lowest(stream).expires_after(1s);
  co_await stream.async_shutdown(use_tuple);
}

template <typename Stream>
net::awaitable<void> http_server::state::run_session(Stream& stream, session_entry& entry,
                                                     tcp::endpoint peer) {
  beast::flat_buffer buffer;
  for (bool first = true; !stopping; first = false) {
    auto outcome = co_await read_request(stream, buffer, entry, first);
    if (outcome.rejection) {
      outcome.rejection->keep_alive(false);
      lowest(stream).expires_after(limits.transfer_timeout);
      co_await http::async_write(stream, *outcome.rejection, use_tuple);
      if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        co_await drain(stream);
      }
      co_return;
    }
    if (!outcome.message) {
      co_return;
    }

    bool keep_alive = outcome.message->keep_alive();
    auto version = outcome.message->version();
    auto fate = connection_fate::answer;
    auto res = co_await answer(std::move(*outcome.message), peer, fate);
    res.version(version);
    res.keep_alive(keep_alive && !stopping);
    res.prepare_payload();
    if (fate != connection_fate::answer) {
      co_await break_connection(stream, res, fate);
      co_return;
    }

    lowest(stream).expires_after(limits.transfer_timeout);
    auto [ec, n] = co_await write_message(stream, res);
    if (ec || !res.keep_alive()) {
      co_return;
    }
    if (buffer.size() == 0) {
      buffer.shrink_to_fit();
    }
  }
}

read_outcome http_server::state::reject(std::atomic<std::uint64_t>& counter, unsigned status,
                                        std::string_view description) {
  count(counter);
  return read_outcome{{}, make_error_response(status, "invalid_request", description)};
}

read_outcome http_server::state::read_failed(beast::error_code ec) {
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return reject(counters.header_too_large, 431, "request headers too large");
  }
  if (ec == http::error::body_limit) {
    return reject(counters.body_too_large, 413, "request body too large");
  }
  if (ec == beast::error::timeout) {
    // The stream has already closed the socket: a slow sender is cut off without an answer.
    count(counters.timed_out);
    return read_outcome{};
  }
  if (ec == http::error::end_of_stream || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::error::operation_aborted) {
    return read_outcome{};
  }
  return reject(counters.malformed, 400, "malformed HTTP request");
}

template <typename Stream>
net::awaitable<read_outcome> http_server::state::read_request(Stream& stream,
                                                              beast::flat_buffer& buffer,
                                                              session_entry& entry, bool first) {
  if (buffer.size() == 0) {
    // A fresh connection must speak within the header deadline; a kept-alive one may rest.
    entry.idle = true;
    lowest(stream).expires_after(first ? limits.header_timeout : limits.idle_timeout);
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(first_read_bytes), use_tuple);
    entry.idle = false;
    if (ec) {
      if (first && ec == beast::error::timeout) {
        count(counters.timed_out);
      }
      co_return read_outcome{};
    }
    buffer.commit(n);
    if (!first) {
      // The rest of the header must follow its first byte within the header deadline.
      lowest(stream).expires_after(limits.header_timeout);
    }
  } else {
    // Pipelined bytes are already here: the next header gets a deadline of its own.
    lowest(stream).expires_after(limits.header_timeout);
  }

  // On a fresh connection the deadline set before the first read still runs: it counts from the
  // accept, so trickling one header line at a time never buys a sender more time.
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  parser.body_limit(limits.body_bytes);
  auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
  if (ec) {
    // A Content-Length over the limit fails here, before a single body byte is read.
    co_return read_failed(ec);
  }
  co_return co_await read_body(stream, buffer, parser);
}

template <typename Stream>
net::awaitable<read_outcome>
http_server::state::read_body(Stream& stream, beast::flat_buffer& buffer,
                              http::request_parser<http::string_body>& parser) {
  if (parser.get()[http::field::expect] == "100-continue") {
    http::response<http::empty_body> proceed{http::status::continue_, 11};
    lowest(stream).expires_after(limits.transfer_timeout);
    co_await http::async_write(stream, proceed, use_tuple);
  }

  lowest(stream).expires_after(limits.transfer_timeout);
  auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
  if (ec) {
    co_return read_failed(ec);
  }
  co_return read_outcome{parser.release(), {}};
}

net::awaitable<response> http_server::state::answer(request req, tcp::endpoint peer,
                                                    connection_fate& fate) {
  auto busy = in_flight.fetch_add(1, std::memory_order_relaxed);
  count_guard counted(in_flight);
  if (busy >= limits.max_in_flight) {
    count(counters.shed);
    co_return overloaded(limits.retry_after, req.version());
  }
  request_info info{next_id.fetch_add(1, std::memory_order_relaxed), peer,
                    std::chrono::steady_clock::now(), &fate};
  co_return co_await handle(std::move(req), info);
}

net::awaitable<response> http_server::state::handle(request req, request_info info) {
  std::string failure;
  try {
    co_return co_await on_request(std::move(req), info);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  core::log(core::log_level::error, "handler failed", {{"id", info.id}, {"reason", failure}});
  co_return make_error_response(500, "server_error", "internal error");
}

net::awaitable<void> http_server::state::drain(beast::tcp_stream& stream) {
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.expires_after(drain_time);
  std::array<char, 4096> sink;
  for (std::size_t read = 0; read < drain_bytes;) {
    auto [ec, n] = co_await stream.async_read_some(net::buffer(sink), use_tuple);
    if (ec) {
      break;
    }
    read += n;
  }
}

net::awaitable<void> http_server::state::wait_drained(std::chrono::milliseconds grace,
                                                      std::function<void(bool)> done) {
  auto self = shared_from_this();
  auto deadline = std::chrono::steady_clock::now() + grace;
  net::steady_timer tick(co_await net::this_coro::executor);
  while (connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(20ms);
    co_await tick.async_wait(use_tuple);
  }
  bool drained = connections.load() == 0;
  if (!drained) {
    close_sessions(false);
  }
  done(drained);
}

void http_server::state::close_sessions(bool idle_only) {
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    net::post(pool.at(i), [self = shared_from_this(), i, idle_only] {
      for (auto& entry : self->sessions[i]) {
        if (entry.socket && (entry.idle || !idle_only)) {
          entry.socket->cancel();
        }
      }
    });
  }
}

http_server::http_server(io_pool& pool, server_limits limits, handler on_request)
    : state_(std::make_shared<state>(pool, limits, std::move(on_request))) {}

http_server::~http_server() { stop(); }

void http_server::use_tls(std::shared_ptr<net::ssl::context> tls) { state_->tls = std::move(tls); }

beast::error_code http_server::listen(const std::string& host, unsigned short port) {
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) {
    return ec;
  }
  tcp::endpoint endpoint{address, port};
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(net::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    acceptor.close();
  }
  return ec;
}

unsigned short http_server::port() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

void http_server::start() {
  net::co_spawn(state_->acceptor.get_executor(), state_->accept_loop(), net::detached);
}

void http_server::stop() {
  if (state_->stopping.exchange(true)) {
    return;
  }
  net::post(state_->acceptor.get_executor(), [s = state_] {
    beast::error_code ignored;
    s->acceptor.close(ignored);
  });
}

void http_server::shutdown(std::chrono::milliseconds grace, std::function<void(bool)> done) {
  stop();
  state_->close_sessions(true);
  net::co_spawn(state_->acceptor.get_executor(), state_->wait_drained(grace, std::move(done)),
                [](std::exception_ptr failure) { log_failure("shutdown failed", failure); });
}

std::size_t http_server::open_connections() const { return state_->connections.load(); }

server_stats http_server::stats() const {
  const auto& c = state_->counters;
  server_stats s;
  s.open_connections = state_->connections.load(std::memory_order_relaxed);
  s.in_flight = state_->in_flight.load(std::memory_order_relaxed);
  s.accepted = c.accepted.load(std::memory_order_relaxed);
  s.refused_connections = c.refused.load(std::memory_order_relaxed);
  s.shed_requests = c.shed.load(std::memory_order_relaxed);
  s.header_too_large = c.header_too_large.load(std::memory_order_relaxed);
  s.body_too_large = c.body_too_large.load(std::memory_order_relaxed);
  s.timed_out = c.timed_out.load(std::memory_order_relaxed);
  s.malformed = c.malformed.load(std::memory_order_relaxed);
  s.tls_handshake_failed = c.tls_failed.load(std::memory_order_relaxed);
  return s;
}

} // namespace tokenswap::web
