#pragma once

#include "client/error.hpp"
#include "client/session.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tokenswap::client {

// What the token-swap server grants on /exchange or /refresh.
struct token_grant {
  std::string access_token;
  std::string token_type;
  std::string scope;
  std::chrono::seconds expires_in{0};
  // Always present after a code exchange; after a refresh only when the token was rotated.
  std::optional<std::string> refresh_token;
};

enum class token_call { exchange, refresh };

// Reads the server's answer (RFC 6749 sections 5.1 and 5.2): a grant, or the error kind that
// tells the caller what to do. A refused refresh (400 invalid_grant) means logging in again.
result<token_grant> read_token_answer(token_call call, unsigned status, std::string_view body);

// The session after a grant: new access token and expiry, and a rotated refresh token replacing
// the old one (the old one must be discarded, RFC 6749 section 6).
session apply_grant(session base, const token_grant& grant, time_point now);

} // namespace tokenswap::client
