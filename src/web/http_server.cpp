#include "web/http_server.hpp"

#include "core/log.hpp"
#include "core/oauth_error.hpp"
#include "web/io_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <sstream>

namespace tokenswap::web {
namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// The first read of a request waits up to the idle timeout for any byte at all; the header
// deadline starts once the client has begun to speak.
constexpr std::size_t first_read_bytes = 4096;

class connection_count {
public:
  explicit connection_count(std::atomic<std::size_t>& count) : count_(count) { ++count_; }
  ~connection_count() { --count_; }
  connection_count(const connection_count&) = delete;
  connection_count& operator=(const connection_count&) = delete;

private:
  std::atomic<std::size_t>& count_;
};

// What the read step produced: a request to handle, an answer to send before closing, or
// nothing (the client went away or stayed silent).
struct read_outcome {
  std::optional<request> message;
  std::optional<response> rejection;
};

// Ends the connection the way a broken peer would; SO_LINGER with a zero timeout makes close()
// send a reset instead of an orderly shutdown.
net::awaitable<void> break_connection(beast::tcp_stream& stream, const response& res,
                                      connection_fate fate) {
  auto& socket = stream.socket();
  beast::error_code ignored;
  if (fate == connection_fate::reset_mid_response) {
    std::ostringstream out;
    out << res;
    auto text = out.str();
    co_await net::async_write(socket, net::buffer(text.data(), text.size() / 2), use_tuple);
    socket.set_option(net::socket_base::linger(true, 0), ignored);
  }
  socket.close(ignored);
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
      : pool(p), limits(l), on_request(std::move(h)), acceptor(p.at(0)) {}

  io_pool& pool;
  server_limits limits;
  handler on_request;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::uint64_t> next_id{1};

  net::awaitable<void> accept_loop();
  net::awaitable<void> run_session(tcp::socket socket);
  net::awaitable<read_outcome> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer);
  net::awaitable<response> handle(request req, request_info info);
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
      net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    net::co_spawn(context, run_session(std::move(socket)), [](std::exception_ptr failure) {
      if (!failure) {
        return;
      }
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        core::log(core::log_level::error, "connection failed", {{"reason", e.what()}});
      }
    });
  }
}

net::awaitable<read_outcome> http_server::state::read_request(beast::tcp_stream& stream,
                                                              beast::flat_buffer& buffer) {
  if (buffer.size() == 0) {
    stream.expires_after(limits.idle_timeout);
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(first_read_bytes), use_tuple);
    if (ec) {
      co_return read_outcome{};
    }
    buffer.commit(n);
  }

  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  parser.body_limit(limits.body_bytes);
  stream.expires_after(limits.header_timeout);
  auto [header_ec, header_bytes] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
  if (header_ec == http::error::header_limit) {
    co_return read_outcome{{}, make_error_response(431, "invalid_request", "request headers too large")};
  }
  if (header_ec == beast::error::timeout) {
    co_return read_outcome{{}, make_error_response(408, "invalid_request", "request took too long")};
  }
  if (header_ec == http::error::end_of_stream || header_ec == net::error::eof ||
      header_ec == net::error::connection_reset) {
    co_return read_outcome{};
  }
  if (header_ec) {
    co_return read_outcome{{}, make_error_response(400, "invalid_request", "malformed HTTP request")};
  }

  auto length = parser.content_length();
  if (length && *length > limits.body_bytes) {
    co_return read_outcome{{}, make_error_response(413, "invalid_request", "request body too large")};
  }
  if (parser.get()[http::field::expect] == "100-continue") {
    http::response<http::empty_body> proceed{http::status::continue_, 11};
    stream.expires_after(limits.transfer_timeout);
    co_await http::async_write(stream, proceed, use_tuple);
  }

  stream.expires_after(limits.transfer_timeout);
  auto [body_ec, body_bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
  if (body_ec == http::error::body_limit) {
    co_return read_outcome{{}, make_error_response(413, "invalid_request", "request body too large")};
  }
  if (body_ec == beast::error::timeout) {
    co_return read_outcome{{}, make_error_response(408, "invalid_request", "request took too long")};
  }
  if (body_ec) {
    co_return read_outcome{};
  }
  co_return read_outcome{parser.release(), {}};
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

net::awaitable<void> http_server::state::run_session(tcp::socket socket) {
  auto self = shared_from_this();
  connection_count counted(connections);
  beast::error_code ignored;
  auto peer = socket.remote_endpoint(ignored);
  socket.set_option(tcp::no_delay(true), ignored);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;

  while (!stopping) {
    auto outcome = co_await read_request(stream, buffer);
    if (outcome.rejection) {
      outcome.rejection->keep_alive(false);
      stream.expires_after(limits.transfer_timeout);
      co_await http::async_write(stream, *outcome.rejection, use_tuple);
      break;
    }
    if (!outcome.message) {
      break;
    }

    bool keep_alive = outcome.message->keep_alive();
    auto version = outcome.message->version();
    auto fate = connection_fate::answer;
    request_info info{next_id++, peer, std::chrono::steady_clock::now(), &fate};
    auto res = co_await handle(std::move(*outcome.message), info);
    res.version(version);
    res.keep_alive(keep_alive && !stopping);
    res.prepare_payload();
    if (fate != connection_fate::answer) {
      co_await break_connection(stream, res, fate);
      co_return;
    }

    stream.expires_after(limits.transfer_timeout);
    auto [ec, n] = co_await http::async_write(stream, res, use_tuple);
    if (ec || !res.keep_alive()) {
      break;
    }
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

http_server::http_server(io_pool& pool, server_limits limits, handler on_request)
    : state_(std::make_shared<state>(pool, limits, std::move(on_request))) {}

http_server::~http_server() { stop(); }

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

std::size_t http_server::open_connections() const { return state_->connections.load(); }

} // namespace tokenswap::web
