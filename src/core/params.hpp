#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokenswap::core {

// Request parameters as they arrived, in order, repeats kept so that they can be refused.
class params {
public:
  params() = default;
  explicit params(std::vector<std::pair<std::string, std::string>> items)
      : items_(std::move(items)) {}

  // The one non-empty value of a required parameter; invalid_request when it is missing, empty
  // or repeated.
  result<std::string> required(std::string_view name) const;
  // Like required(), but absence is fine (an empty optional); empty or repeated still fail.
  result<std::optional<std::string>> optional(std::string_view name) const;

  std::size_t count(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// application/x-www-form-urlencoded: '&'-separated pairs, '+' is a space, %XX escapes decoded.
// A malformed escape or a decoded value that is not UTF-8 is an invalid_request.
result<params> decode_form(std::string_view body);

// A JSON object; string values are taken as they are, numbers and booleans in their JSON
// spelling, null as empty. Nested values are refused.
result<params> decode_json(std::string_view body);

// Chooses by Content-Type: form (also when the header is absent or empty, as some clients send
// no Content-Type at all), JSON, or 415 for anything else.
result<params> decode_body(std::string_view content_type, std::string_view body);

// Percent-encodes for a form body (RFC 3986 unreserved characters stay as they are).
std::string form_encode(std::string_view text);

} // namespace tokenswap::core
