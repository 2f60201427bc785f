#include "web/http_client.hpp"
#include "web/wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>
#include <poll.h>

#include <charconv>
#include <stdexcept>
#include <variant>
#include <vector>

namespace tokenswap::web {
namespace {

namespace ssl = net::ssl;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::uint32_t response_header_limit = 16 * 1024;

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

// An IP literal needs no resolver (which would cost a thread hop); a name is resolved under the
// same deadline as the rest of the connection.
net::awaitable<client_result<std::vector<tcp::endpoint>>> resolve(const origin& to, deadline by) {
  auto executor = co_await net::this_coro::executor;
  boost::system::error_code ec;
  auto address = net::ip::make_address(to.host, ec);
  unsigned short port = 0;
  auto [end, parse_ec] = std::from_chars(to.port.data(), to.port.data() + to.port.size(), port);
  if (parse_ec != std::errc() || end != to.port.data() + to.port.size() || port == 0) {
    co_return client_error::bad_url;
  }
  if (!ec) {
    co_return std::vector<tcp::endpoint>{tcp::endpoint(address, port)};
  }

  auto resolver = std::make_shared<tcp::resolver>(executor);
  net::steady_timer timer(executor, by);
  timer.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](boost::system::error_code e) {
    if (auto alive = weak.lock(); alive && !e) {
      alive->cancel();
    }
  });
  auto [resolve_ec, results] = co_await resolver->async_resolve(to.host, to.port, use_tuple);
  timer.cancel();
  if (resolve_ec) {
    co_return std::chrono::steady_clock::now() >= by ? client_error::timeout
                                                     : client_error::unreachable;
  }
  co_return std::vector<tcp::endpoint>(results.begin(), results.end());
}

client_error write_error(const boost::system::error_code& ec, std::size_t written) {
  if (ec == beast::error::timeout) {
    return client_error::timeout;
  }
  return written == 0 ? client_error::not_sent : client_error::closed;
}

client_error read_error(const boost::system::error_code& ec, bool got_bytes) {
  if (ec == beast::error::timeout) {
    return client_error::timeout;
  }
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow) {
    return client_error::too_large;
  }
  if (ec == http::error::end_of_stream) {
    return got_bytes ? client_error::broken : client_error::closed;
  }
  if (ec == http::error::partial_message) {
    return client_error::broken;
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return client_error::bad_response;
  }
  return got_bytes ? client_error::broken : client_error::closed;
}

template <typename Stream>
net::awaitable<client_result<response>> exchange_on(Stream& stream, beast::flat_buffer& buffer,
                                                    const request& req, std::size_t body_limit,
                                                    bool& reusable) {
  reusable = false;
  auto [write_ec, written] = co_await write_message(stream, req);
  if (write_ec) {
    co_return write_error(write_ec, written);
  }

  // Interim 1xx answers (103 Early Hints, an unasked-for 100) precede the real one (RFC 9110
  // section 15.2); any bytes seen make a later failure "broken", never "closed".
  bool got_bytes = false;
  for (;;) {
    http::response_parser<http::string_body> parser;
    parser.header_limit(response_header_limit);
    parser.body_limit(body_limit);
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
    got_bytes = got_bytes || parser.got_some() || buffer.size() > 0;
    if (read_ec) {
      co_return read_error(read_ec, got_bytes);
    }
    auto status = parser.get().result_int();
    if (status >= 100 && status < 200 && status != 101) {
      continue;
    }
    // Bytes beyond the response mean the peer speaks out of turn: do not trust the connection.
    reusable = parser.keep_alive() && buffer.size() == 0;
    co_return parser.release();
  }
}

} // namespace

std::string_view describe(client_error e) {
  switch (e) {
  case client_error::bad_url:
    return "not an http or https URL";
  case client_error::unreachable:
    return "could not connect";
  case client_error::tls_failed:
    return "TLS handshake or certificate verification failed";
  case client_error::timeout:
    return "no complete response before the deadline";
  case client_error::not_sent:
    return "connection failed before the request was sent";
  case client_error::closed:
    return "connection closed before the response";
  case client_error::broken:
    return "connection broke during the response";
  case client_error::bad_response:
    return "malformed HTTP response";
  case client_error::too_large:
    return "response too large";
  }
  return "unknown HTTP client error";
}

void throw_exception_from_error(client_error e, const boost::source_location&) {
  throw std::runtime_error(std::string(describe(e)));
}

std::string origin::host_header() const {
  std::string header = host.find(':') == std::string::npos ? host : "[" + host + "]";
  if (port != (tls ? "443" : "80")) {
    header += ":" + port;
  }
  return header;
}

client_result<url_parts> parse_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return client_error::bad_url;
  }
  auto scheme = parsed->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) {
    return client_error::bad_url;
  }
  url_parts parts;
  parts.where.tls = scheme == boost::urls::scheme::https;
  parts.where.host = parsed->host_address();
  if (parts.where.host.empty()) {
    return client_error::bad_url;
  }
  parts.where.port = parsed->has_port() ? std::string(parsed->port())
                                        : std::string(parts.where.tls ? "443" : "80");
  if (parsed->has_port() && parsed->port_number() == 0) {
    return client_error::bad_url;
  }

  parts.target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) {
    parts.target += "?" + std::string(parsed->encoded_query());
  }
  return parts;
}

struct tls_client_context::impl {
  ssl::context context{ssl::context::tls_client};
};

tls_client_context::tls_client_context(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
tls_client_context::~tls_client_context() = default;

client_result<std::shared_ptr<tls_client_context>>
tls_client_context::create(const std::string& ca_file) {
  auto state = std::make_unique<impl>();
  boost::system::error_code ec;
  state->context.set_verify_mode(ssl::verify_peer, ec);
  if (!ec) {
    state->context.set_default_verify_paths(ec);
  }
  if (!ec && !ca_file.empty()) {
    state->context.load_verify_file(ca_file, ec);
  }
  if (ec || SSL_CTX_set_min_proto_version(state->context.native_handle(), TLS1_2_VERSION) != 1) {
    return client_error::tls_failed;
  }
  return std::shared_ptr<tls_client_context>(new tls_client_context(std::move(state)));
}

struct client_connection::impl {
  // Room for a whole token response in one read: a buffer that only ever grew to Beast's first
  // 512-byte read would take two reads for every answer.
  static constexpr std::size_t read_room = 4096;

  explicit impl(beast::tcp_stream plain) : stream(std::move(plain)) { buffer.reserve(read_room); }
  impl(tls_stream secure, std::shared_ptr<const tls_client_context> context)
      : stream(std::move(secure)), tls(std::move(context)) {
    buffer.reserve(read_room);
  }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  // Closing without close_notify would make OpenSSL mark the session unresumable (a TLS 1.0
  // rule, relaxed since TLS 1.1, RFC 4346 section 7.2.1); the session is still good.
  ~impl() {
    if (auto* secure = std::get_if<tls_stream>(&stream)) {
      SSL_set_shutdown(secure->native_handle(), SSL_SENT_SHUTDOWN);
    }
  }

  beast::tcp_stream& tcp() {
    if (auto* secure = std::get_if<tls_stream>(&stream)) {
      return secure->next_layer();
    }
    return std::get<beast::tcp_stream>(stream);
  }

  std::variant<beast::tcp_stream, tls_stream> stream;
  std::shared_ptr<const tls_client_context> tls;
  beast::flat_buffer buffer;
  bool reusable = false;
  bool resumed = false;
};

client_connection::client_connection(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
client_connection::client_connection(client_connection&&) noexcept = default;
client_connection& client_connection::operator=(client_connection&&) noexcept = default;
client_connection::~client_connection() = default;

net::awaitable<client_result<client_connection>>
client_connection::open(const origin& to, std::shared_ptr<const tls_client_context> tls,
                        deadline by, const tls_session& resume) {
  if (to.tls && !tls) {
    co_return client_error::tls_failed;
  }
  auto endpoints = co_await resolve(to, by);
  if (!endpoints) {
    co_return endpoints.error();
  }
  beast::tcp_stream plain(co_await net::this_coro::executor);
  plain.expires_at(by);
  auto [connect_ec, peer] = co_await plain.async_connect(*endpoints, use_tuple);
  if (connect_ec) {
    co_return connect_ec == beast::error::timeout ? client_error::timeout
                                                  : client_error::unreachable;
  }
  boost::system::error_code ignored;
  plain.socket().set_option(tcp::no_delay(true), ignored);
  if (!to.tls) {
    co_return client_connection(std::make_unique<impl>(std::move(plain)));
  }

  tls_stream secure(std::move(plain), tls->impl_->context);
  SSL* handle = secure.native_handle();
  // SNI is for names only (RFC 6066 section 3); an IP literal is still verified against the
  // certificate's IP addresses.
  auto* name = const_cast<char*>(to.host.c_str());
  if (!is_ip_literal(to.host) &&
      SSL_ctrl(handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, name) != 1) {
    co_return client_error::tls_failed;
  }
  secure.set_verify_callback(ssl::host_name_verification(to.host));
  static constexpr unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_set_alpn_protos(handle, alpn, sizeof alpn);
  if (resume) {
    SSL_set_session(handle, resume.get());
  }
  secure.next_layer().expires_at(by);
  auto [handshake_ec] = co_await secure.async_handshake(ssl::stream_base::client, use_tuple);
  if (handshake_ec) {
    co_return handshake_ec == beast::error::timeout ? client_error::timeout
                                                    : client_error::tls_failed;
  }
  auto state = std::make_unique<impl>(std::move(secure), std::move(tls));
  state->resumed = SSL_session_reused(handle) == 1;
  co_return client_connection(std::move(state));
}

net::awaitable<client_result<response>> client_connection::exchange(const request& req, deadline by,
                                                                    std::size_t body_limit) {
  impl_->tcp().expires_at(by);
  if (auto* secure = std::get_if<tls_stream>(&impl_->stream)) {
    co_return co_await exchange_on(*secure, impl_->buffer, req, body_limit, impl_->reusable);
  }
  auto& plain = std::get<beast::tcp_stream>(impl_->stream);
  co_return co_await exchange_on(plain, impl_->buffer, req, body_limit, impl_->reusable);
}

bool client_connection::is_reusable() const { return impl_->reusable; }

bool client_connection::is_quiet() const {
  pollfd check{impl_->tcp().socket().native_handle(), POLLIN | POLLRDHUP, 0};
  return ::poll(&check, 1, 0) == 0;
}

bool client_connection::resumed_session() const { return impl_->resumed; }

tls_session client_connection::session() const {
  auto* secure = std::get_if<tls_stream>(&impl_->stream);
  if (secure == nullptr) {
    return {};
  }
  SSL_SESSION* current = SSL_get1_session(secure->native_handle());
  if (current == nullptr || SSL_SESSION_is_resumable(current) != 1) {
    SSL_SESSION_free(current);
    return {};
  }
  return tls_session(current, SSL_SESSION_free);
}

net::awaitable<client_result<response>> fetch(std::string_view url, request req,
                                              fetch_options options) {
  auto parts = parse_url(url);
  if (!parts) {
    co_return parts.error();
  }
  auto by = std::chrono::steady_clock::now() + options.timeout;
  auto tls = options.tls;
  if (parts->where.tls && !tls) {
    auto made = tls_client_context::create(options.ca_file);
    if (!made) {
      co_return made.error();
    }
    tls = *made;
  }

  auto connection = co_await client_connection::open(parts->where, tls, by);
  if (!connection) {
    co_return connection.error();
  }
  req.target(parts->target);
  req.set(http::field::host, parts->where.host_header());
  req.keep_alive(false);
  req.prepare_payload();
  co_return co_await connection->exchange(req, by, options.body_limit);
}

} // namespace tokenswap::web
