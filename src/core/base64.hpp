#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tokenswap::core {

// URL-safe base64 (RFC 4648 section 5) without padding: the alphabet [A-Za-z0-9_-] survives a raw
// form post, where '+' would turn into a space and '=' would split the field.
std::string base64url_encode(std::string_view bytes);

// Strict: rejects padding, any character outside the URL-safe alphabet, a length that no encoding
// produces (remainder 1 modulo 4) and non-zero trailing bits, so each value has one spelling.
std::optional<std::string> base64url_decode(std::string_view text);

// Standard base64 (RFC 4648 section 4) with '=' padding.
std::string base64_encode(std::string_view bytes);

// Standard base64 as legacy tokens carry it: CR and LF anywhere are skipped (line-wrapped output),
// padding is optional; any other character outside the alphabet fails.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace tokenswap::core
