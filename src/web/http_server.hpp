#pragma once

#include "web/asio.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace tokenswap::web {

class io_pool;

// What a server accepts before it answers with a prompt error instead of waiting.
struct server_limits {
  std::size_t body_bytes = 16 * 1024;
  std::size_t header_bytes = 8 * 1024;
  // From the first byte of a request to its last header line (slow senders are cut off).
  std::chrono::milliseconds header_timeout{10'000};
  // How long a keep-alive connection may sit between requests.
  std::chrono::milliseconds idle_timeout{60'000};
  // Reading a body and writing a response each get this long.
  std::chrono::milliseconds transfer_timeout{30'000};
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

// An HTTP/1.1 server: accepts on one context and spreads connections over the pool; each
// connection is one coroutine that reads a request, awaits the handler, writes, and keeps the
// connection alive when both sides want it.
class http_server {
public:
  http_server(io_pool& pool, server_limits limits, handler on_request);
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds and listens; port 0 picks a free port. Returns what failed, if anything.
  beast::error_code listen(const std::string& host, unsigned short port);
  unsigned short port() const;
  // Starts accepting (call after listen()).
  void start();
  // Stops accepting; connections finish their current request and then close.
  void stop();

  std::size_t open_connections() const;

private:
  struct state;
  std::shared_ptr<state> state_;
};

// The JSON error answer the plumbing itself sends (bad request, too large, too slow).
response make_error_response(unsigned status, std::string_view error, std::string_view description,
                             unsigned version = 11);

} // namespace tokenswap::web
