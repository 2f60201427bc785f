#pragma once

#include "error.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace tokenswap::client {

using time_point = std::chrono::system_clock::time_point;

// A logged-in session: what a profile's file holds. The refresh token is the one the token-swap
// server sealed; only that server can use it, so the session remembers which server issued it.
struct session {
  std::string client_id;
  // The scopes the login asked for, sorted and without repeats.
  std::vector<std::string> scopes;
  std::string exchange_url;
  std::string refresh_url;

  std::string access_token;
  std::string token_type = "Bearer";
  // The scopes the accounts service granted, as it spelled them.
  std::string granted_scope;
  time_point expires_at;
  std::string refresh_token;

  bool operator==(const session&) const = default;
};

// True while the access token stays valid for at least `margin` more.
bool is_fresh(const session& s, time_point now, std::chrono::seconds margin);

// When a token that is valid for `expires_in` from `now` expires; a non-positive lifetime gives
// `now` (already expired).
time_point expiry_after(time_point now, std::chrono::seconds expires_in);

// The file format: JSON with a version number, expires_at in Unix seconds.
std::string to_json(const session& s);
// A file that does not parse or lacks a field gives needs_login: its refresh token is gone.
result<session> session_from_json(std::string_view text);

} // namespace tokenswap::client
