#pragma once

#include "config.hpp"
#include "error.hpp"
#include "session.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tokenswap::client {

class transport;

// A Web API answer, whatever its status.
struct api_response {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// The session of one profile, kept valid. Thread-safe: callers in one process share one refresh
// or login (single flight); processes share the session file under its lock. Synchronous: each
// call runs its own event loop, so apps need no Asio.
class session_manager {
public:
  explicit session_manager(config settings);
  // Talks to the token-swap server through `network` (tests use a fake).
  session_manager(config settings, std::shared_ptr<transport> network);
  ~session_manager();
  session_manager(const session_manager&) = delete;
  session_manager& operator=(const session_manager&) = delete;

  // A session whose access token is valid past the margin: the stored one without any request,
  // else refreshed through the server, else (no session, changed scopes, refused refresh token)
  // a browser login.
  result<session> authorize();
  // Like authorize() but never opens a browser: needs_login instead.
  result<session> token();
  // A new access token after the Web API refused `rejected_access_token`; when another caller
  // has already replaced that token, its replacement is returned without a request.
  result<session> refresh(std::string_view rejected_access_token);
  // Always runs the browser login.
  result<session> login();
  // Removes the stored session.
  result<void> forget();

  // Calls the Web API with the access token (Authorization: Bearer); a 401 refreshes once and
  // retries. `url` is absolute; `body`, when given, is sent as JSON.
  result<api_response> call_api(std::string_view method, std::string_view url,
                                std::optional<std::string> body = std::nullopt);

  const config& settings() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// One-call forms for apps that keep no manager around.
result<session> authorize(const config& settings);
result<void> forget(const config& settings);

} // namespace tokenswap::client
