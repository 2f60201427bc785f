// Spotify's accounts service and a corner of its Web API, emulated for tests and the demo:
// /authorize (consent page or auto-approve), /api/token, /v1/me, /v1/me/playlists, plus test
// controls (faults, latency, counters, minting codes). Safe to serve from several io_context
// threads: all state sits behind one mutex.
#pragma once

#include "emulator/client_registry.hpp"
#include "emulator/faults.hpp"
#include "emulator/grant_store.hpp"
#include "emulator/web_api.hpp"
#include "web/http_server.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tokenswap::emulator {

struct emulator_settings {
  // The registered apps; when empty, default_client() is registered.
  std::vector<registered_client> clients;
  // Redirect at once with a code instead of showing the consent page.
  bool auto_approve = false;
  // Redirect at once with error=access_denied, as if the person pressed Cancel (wins over
  // auto_approve).
  bool auto_deny = false;
  // Every refresh returns a new refresh token and invalidates the old one.
  bool rotate_refresh_tokens = false;
  std::chrono::seconds token_lifetime{3600};
  std::chrono::seconds code_lifetime{600};
  // Added before every answer.
  std::chrono::milliseconds latency{0};
  user_profile user = default_user();
};

// How many calls arrived, counted before any fault acts.
struct emulator_counters {
  std::uint64_t token_calls = 0;
  std::uint64_t authorization_code_grants = 0;
  std::uint64_t refresh_token_grants = 0;
  std::uint64_t client_credentials_grants = 0;
  // grant_type missing or unsupported.
  std::uint64_t other_grants = 0;
  // Token calls answered with an OAuth error (4xx) by the token logic itself.
  std::uint64_t token_errors = 0;
  std::uint64_t faults_applied = 0;
  std::uint64_t authorize_calls = 0;
  std::uint64_t api_calls = 0;
};

// What a code minted without the browser grants.
struct code_request {
  std::string client_id;
  std::string redirect_uri;
  std::vector<std::string> scopes;
  // PKCE S256 challenge; empty for none.
  std::string code_challenge;
};

using clock_function = std::function<time_point()>;

class accounts_emulator {
public:
  // Throws std::invalid_argument naming every problem with the configured clients.
  explicit accounts_emulator(emulator_settings settings = {}, clock_function clock = {});
  ~accounts_emulator();
  accounts_emulator(const accounts_emulator&) = delete;
  accounts_emulator& operator=(const accounts_emulator&) = delete;

  // The HTTP handler, for a web::http_server; the emulator must outlive the server.
  net::awaitable<web::response> handle(web::request req, web::request_info info);
  web::handler handler();

  // Every problem with the client, or nothing when it was added.
  std::vector<std::string> register_client(registered_client client);
  void set_auto_approve(bool on);
  void set_auto_deny(bool on);
  void set_rotate_refresh_tokens(bool on);
  void set_token_lifetime(std::chrono::seconds lifetime);
  void set_latency(std::chrono::milliseconds latency);

  void inject_fault(fault planned);
  void clear_faults();
  // Every refresh token issued so far answers "Refresh token revoked" from now on.
  void revoke_refresh_tokens();

  // A valid authorization code, as if the person had agreed on the consent page. Throws
  // std::invalid_argument for an unknown client, redirect URI or scope.
  std::string mint_code(const code_request& request);

  // The current switches (clients left out).
  emulator_settings settings() const;
  emulator_counters counters() const;
  void reset_counters();

private:
  struct state;
  std::unique_ptr<state> state_;
};

} // namespace tokenswap::emulator
