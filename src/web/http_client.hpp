// A small HTTP/1.1 client over TCP or TLS: one connection at a time, errors as values.
//
// client_connection is the building block (the upstream pool keeps these alive between
// requests); fetch() is the one-shot form for the client library and tests:
//
//   web::request req{http::verb::get, "", 11};
//   auto answer = co_await web::fetch("https://api.example.com/v1/me", std::move(req));
//   if (!answer) { ... answer.error() == web::client_error::timeout ... }
#pragma once

#include "web/asio.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct ssl_session_st;

namespace tokenswap::web {

// Why a connection or an exchange produced no response.
enum class client_error {
  bad_url = 1,  // not an http:// or https:// URL with a host
  unreachable,  // the name did not resolve or nothing accepted the connection
  tls_failed,   // the TLS handshake failed or the certificate was not trusted for the host
  timeout,      // the deadline passed
  not_sent,     // the connection failed before any byte of the request was written
  closed,       // the connection ended before any byte of the response arrived
  broken,       // the connection ended in the middle of the response
  bad_response, // the bytes that came back were not an HTTP response
  too_large,    // the response was over the size limit
};

std::string_view describe(client_error e);
// Lets client_result<T>::value() throw when it holds an error (found by argument-dependent lookup).
[[noreturn]] void throw_exception_from_error(client_error e, const boost::source_location& where);

template <typename T> using client_result = boost::system::result<T, client_error>;
using deadline = std::chrono::steady_clock::time_point;

// Where to connect: a host name or IP literal (without brackets), a port, and whether to use TLS.
struct origin {
  std::string host;
  std::string port;
  bool tls = false;

  // The Host header value: the port is left out when it is the scheme's default.
  std::string host_header() const;
};

struct url_parts {
  origin where;
  // Path and query, "/" when the URL has none.
  std::string target;
};

client_result<url_parts> parse_url(std::string_view url);

// The TLS settings every connection shares: peer verification against the system's trust
// store plus an optional CA file (PEM). Thread-safe once built.
class tls_client_context {
public:
  // Fails (tls_failed) when the CA file cannot be loaded.
  static client_result<std::shared_ptr<tls_client_context>> create(const std::string& ca_file);
  ~tls_client_context();

private:
  friend class client_connection;
  struct impl;
  explicit tls_client_context(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

// A TLS session that a new connection to the same origin may resume (saves a round trip and
// the key exchange). Empty when there is none.
using tls_session = std::shared_ptr<ssl_session_st>;

// One HTTP/1.1 connection. Not thread-safe: use it from the executor it was opened on.
class client_connection {
public:
  // Resolves, connects and (for TLS) handshakes with SNI and host name verification.
  static net::awaitable<client_result<client_connection>>
  open(const origin& to, std::shared_ptr<const tls_client_context> tls, deadline by,
       const tls_session& resume = {});

  client_connection(client_connection&&) noexcept;
  client_connection& operator=(client_connection&&) noexcept;
  ~client_connection();

  // Writes the request as given (the caller sets Host and prepares the payload) and reads one
  // response of at most body_limit body bytes. On any error the connection is no longer usable.
  net::awaitable<client_result<response>> exchange(const request& req, deadline by,
                                                   std::size_t body_limit);

  // True when the last exchange completed and both sides allow another request.
  bool is_reusable() const;
  // A non-blocking look at the socket: false once the peer has closed or reset the connection,
  // or sent bytes nobody asked for. Checked before reusing an idle connection. Known limit: on
  // TLS any record that arrives while idle (a late session ticket too) counts as noise, because
  // telling records apart would mean decrypting outside a read; such a connection is replaced.
  bool is_quiet() const;
  // True when the TLS handshake resumed an earlier session.
  bool resumed_session() const;
  // The TLS session to offer to the next connection to this origin, when there is one.
  tls_session session() const;

private:
  struct impl;
  explicit client_connection(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

struct fetch_options {
  std::chrono::milliseconds timeout{10'000};
  std::size_t body_limit = 1024 * 1024;
  // For https: the shared context to use; when empty, one is built from ca_file.
  std::shared_ptr<const tls_client_context> tls;
  std::string ca_file;
};

// One request on a new connection, closed afterwards. Sets Host and prepares the payload; the
// timeout covers everything from resolving to the last byte of the response.
net::awaitable<client_result<response>> fetch(std::string_view url, request req,
                                              fetch_options options = {});

} // namespace tokenswap::web
