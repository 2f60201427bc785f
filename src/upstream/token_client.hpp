#pragma once

#include "web/asio.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace tokenswap::upstream {

// One POST to the accounts service's token endpoint.
struct token_call {
  // The form body, already encoded.
  std::string body;
  // The full Authorization header value ("Basic ..."), or empty for none (PKCE).
  std::string authorization;
  // False for a code exchange: a code is single-use, so once the request may have reached
  // Spotify it is never sent again. True for requests that may be repeated safely.
  bool retry_safe = false;
};

// What the accounts service answered, whatever its status.
struct token_reply {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  // The Retry-After header as sent, when there was one.
  std::optional<std::string> retry_after;
};

// Why there is no answer at all.
enum class token_failure {
  unreachable,  // could not connect, TLS failed, or the connection broke
  timeout,      // no complete answer before the deadline
  bad_response, // the bytes that came back were not HTTP, or too large
};

struct token_outcome {
  std::optional<token_reply> reply;
  token_failure failure = token_failure::unreachable;
  // How long the upstream exchange took, for the request log.
  std::chrono::milliseconds elapsed{0};
};

// The only way the server talks to Spotify. Tests substitute their own.
class token_client {
public:
  virtual ~token_client() = default;
  // Must be awaited on one of the pool's contexts.
  virtual net::awaitable<token_outcome> post_token(token_call call) = 0;
};

} // namespace tokenswap::upstream
