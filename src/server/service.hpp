#pragma once

#include "core/config.hpp"
#include "web/asio.hpp"

#include <functional>

#include <memory>
#include <optional>
#include <string>

namespace tokenswap::web {
class io_pool;
}

namespace tokenswap::server {

// The whole token-swap server built from its configuration: the sealer, the pooled client for
// the accounts service, the endpoints and the HTTP listener. `serve` and `demo` both run one.
class service {
public:
  // Extra pages served beside the token routes (the demo page): an answer, or nothing to let the
  // token routes handle the request.
  using extra_routes = std::function<std::optional<web::response>(const web::request&)>;

  // Derives the sealing keys (scrypt: tens of milliseconds per secret). Throws
  // std::invalid_argument when the upstream settings are unusable.
  service(web::io_pool& pool, core::config settings, extra_routes extra = {});
  ~service();

  service(const service&) = delete;
  service& operator=(const service&) = delete;

  // What the parts would refuse at construction (an unusable accounts URL or CA file).
  static std::optional<std::string> check(const core::config& settings);

  // Binds to settings.host and settings.port (0 picks a free port).
  beast::error_code listen();
  unsigned short port() const;
  void start();
  // Stops accepting; connections finish their current request.
  void stop();
  // Graceful stop within SHUTDOWN_TIMEOUT (see web::http_server::shutdown); `done` runs on a pool
  // thread with true when every connection closed in time.
  void shutdown(std::function<void(bool drained)> done);

  const core::config& settings() const;

private:
  struct parts;
  std::unique_ptr<parts> parts_;
};

} // namespace tokenswap::server
