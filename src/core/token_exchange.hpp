#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tokenswap::core {

// A successful answer of the token endpoint (RFC 6749 section 5.1), as Spotify sends it.
struct token_response {
  std::string access_token;
  std::string token_type = "Bearer";
  std::string scope;
  std::int64_t expires_in = 0;
  std::optional<std::string> refresh_token;
};

// What came back from the accounts service, whatever its status.
struct upstream_answer {
  unsigned status = 0;
  std::string_view content_type;
  std::string_view body;
  std::optional<std::string_view> retry_after;
};

// Why no answer came back at all.
enum class upstream_trouble { unreachable, timeout, unusable };

struct code_grant {
  std::string_view code;
  std::string_view redirect_uri;
  std::optional<std::string_view> code_verifier;
};

// Form bodies for the token endpoint (the client authenticates with a Basic header).
std::string code_grant_body(const code_grant& grant);
std::string refresh_grant_body(std::string_view refresh_token);
// "Basic base64(client_id:client_secret)" (RFC 6749 section 2.3.1).
std::string basic_authorization(std::string_view client_id, std::string_view client_secret);

// Turns the accounts service's answer into tokens or the error to pass on: its own 4xx with
// status and code; 429 with Retry-After; 502 for 5xx (503 passed on as 503) and for anything
// unusable. A code grant must bring a refresh token.
result<token_response> read_token_answer(const upstream_answer& answer, bool needs_refresh_token);

// The error for an exchange that got no answer: 502 unreachable or unusable, 504 timed out.
oauth_error trouble_error(upstream_trouble trouble);

// The JSON the server answers its client with; refresh_token already sealed when present.
std::string token_response_json(const token_response& response);

// Seconds from a Retry-After value (delta-seconds; an HTTP date or junk gives the fallback).
std::int64_t retry_after_seconds(std::optional<std::string_view> value, std::int64_t fallback);

} // namespace tokenswap::core
