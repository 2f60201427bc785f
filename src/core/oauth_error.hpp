#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace tokenswap::core {

// An error answer in the shape of RFC 6749 section 5.2, with the HTTP status it goes out with.
struct oauth_error {
  unsigned status = 400;
  std::string error;
  std::string description;
  // Sent as Retry-After on 429 and 503.
  std::optional<std::chrono::seconds> retry_after;

  std::string to_json() const;
};

oauth_error invalid_request(std::string description);
oauth_error invalid_grant(std::string description);
oauth_error server_error(unsigned status, std::string error, std::string description);

} // namespace tokenswap::core
