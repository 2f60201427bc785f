// POST /api/token as Spotify's accounts service answers it: client authentication, the
// authorization_code, refresh_token and client_credentials grants, and its error bodies.
#pragma once

#include "emulator/client_registry.hpp"
#include "emulator/grant_store.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace tokenswap::emulator {

struct token_policy {
  std::chrono::seconds access_lifetime{3600};
  // Every refresh returns a new refresh token and the old one stops working.
  bool rotate_refresh_tokens = false;
  // Refresh tokens stop working this long after the login, whatever the activity.
  std::chrono::hours refresh_lifetime{24 * 182};
};

struct token_answer {
  unsigned status = 200;
  // JSON: the tokens, or {"error": ..., "error_description": ...}.
  std::string body;
  // The grant_type as sent (empty when absent), for the counters.
  std::string grant_type;
};

// Answers one token request. `authorization` is the Authorization header (empty when absent),
// `body` the form body as received.
token_answer answer_token_request(std::string_view authorization, std::string_view body,
                                  const client_registry& clients, grant_store& grants,
                                  const token_policy& policy, time_point now);

} // namespace tokenswap::emulator
