#pragma once

#include "web/asio.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace tokenswap::web {

class io_pool;

// What a server accepts before it answers with a prompt error instead of waiting. The defaults
// suit a public deployment: ten thousand clients, most of them idle on keep-alive, cost a few
// kilobytes each; the in-flight cap bounds the memory held by requests being answered.
struct server_limits {
  std::size_t body_bytes = 16 * 1024;
  // The request line and every header together.
  std::size_t header_bytes = 8 * 1024;
  // From a connection's opening (or a kept-alive one's next byte) to the last header line: slow
  // senders are disconnected instead of holding a connection forever.
  std::chrono::milliseconds header_timeout{10'000};
  // How long a keep-alive connection may sit between requests.
  std::chrono::milliseconds idle_timeout{60'000};
  // Reading a body and writing a response each get this long.
  std::chrono::milliseconds transfer_timeout{30'000};
  // Past this many open connections a new one gets 503 with Retry-After and is closed.
  std::size_t max_connections = 10'000;
  // Past this many requests being handled at once, a request gets 503 with Retry-After.
  std::size_t max_in_flight = 2'048;
  // What a 503 for overload tells the client to wait.
  std::chrono::seconds retry_after{1};
};

// Counters of what the plumbing did on its own, for metrics.
struct server_stats {
  std::size_t open_connections = 0;
  std::size_t in_flight = 0;
  std::uint64_t accepted = 0;
  std::uint64_t refused_connections = 0; // over max_connections
  std::uint64_t shed_requests = 0;       // over max_in_flight
  std::uint64_t header_too_large = 0;    // 431
  std::uint64_t body_too_large = 0;      // 413
  std::uint64_t timed_out = 0;           // closed at the header or transfer deadline
  std::uint64_t malformed = 0;           // 400 before any handler saw the request
  std::uint64_t tls_handshake_failed = 0;
};

// How a connection ends after a handler returns. Only the emulator's fault controls ask for
// anything but `answer`, to show clients a peer that breaks.
enum class connection_fate {
  answer,             // send the response
  close_silently,     // close without sending anything
  reset_mid_response, // send the first half of the response, then reset the connection
};

// What a handler knows about the request besides the message itself.
struct request_info {
  std::uint64_t id = 0;
  tcp::endpoint peer;
  std::chrono::steady_clock::time_point received;
  // Valid while the handler runs; set it to break the connection instead of answering.
  connection_fate* fate = nullptr;
};

using handler = std::function<net::awaitable<response>(request, request_info)>;

// An HTTP/1.1 server, plain or over TLS: accepts on one context and spreads connections over the
// pool; each connection is one coroutine that reads a request, awaits the handler, writes, and
// keeps the connection alive when both sides want it.
class http_server {
public:
  http_server(io_pool& pool, server_limits limits, handler on_request);
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Serves HTTPS instead of HTTP on every connection accepted afterwards (call before start()).
  void use_tls(std::shared_ptr<net::ssl::context> tls);

  // Binds and listens; port 0 picks a free port. Returns what failed, if anything.
  beast::error_code listen(const std::string& host, unsigned short port);
  unsigned short port() const;
  // Starts accepting (call after listen()).
  void start();
  // Stops accepting; connections finish their current request and then close.
  void stop();
  // Graceful stop: stops accepting, closes idle keep-alive connections at once, lets requests
  // being handled finish and answer "Connection: close", and then calls `done` on a pool thread:
  // with true when every connection closed in time, false when `grace` ran out first.
  void shutdown(std::chrono::milliseconds grace, std::function<void(bool drained)> done);

  std::size_t open_connections() const;
  server_stats stats() const;

private:
  struct state;
  std::shared_ptr<state> state_;
};

// The JSON error answer the plumbing itself sends (bad request, too large, too slow).
response make_error_response(unsigned status, std::string_view error, std::string_view description,
                             unsigned version = 11);

} // namespace tokenswap::web
