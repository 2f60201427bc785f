// The real server and the real emulator on one io_pool, over loopback sockets, with settings a
// test may adjust before the server is built. It logs at the settings' log_minimum: warn unless a
// test asks for more.
#pragma once

#include "core/config.hpp"
#include "emulator/accounts_emulator.hpp"
#include "server/service.hpp"
#include "test_http.hpp"
#include "web/http_server.hpp"
#include "web/io_pool.hpp"

#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace tokenswap::testing {

inline constexpr std::string_view stack_client_id = "integration-app";
inline constexpr std::string_view stack_client_secret = "emulated-client-secret-value";
inline constexpr std::string_view stack_encryption_secret =
    "hardening-encryption-secret-0123456789";

class test_stack {
public:
  explicit test_stack(std::function<void(core::config&)> adjust = {});
  ~test_stack();

  unsigned short port() const { return service_->port(); }
  emulator::accounts_emulator& accounts() { return emulator_; }
  server::service& service() { return *service_; }

  std::string mint_code();
  // A login through the server at `route`: its answer (with a sealed refresh token).
  reply login(const std::string& route = "/exchange");
  // A login straight at the emulator: Spotify's own, unsealed refresh token.
  std::string spotify_refresh_token();
  // The server still answers an ordinary login and the refresh of its token.
  void expect_serving();

private:
  web::io_pool pool_{2};
  emulator::accounts_emulator emulator_;
  web::http_server emulator_server_;
  std::unique_ptr<server::service> service_;
  std::thread runner_;
};

std::string json_field(const reply& r, std::string_view name);

} // namespace tokenswap::testing
