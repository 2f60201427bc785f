// Random identifiers and reading an Authorization header.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tokenswap::emulator {

// A fresh random opaque value: the prefix then `bytes` random bytes in URL-safe base64.
std::string random_token(std::string_view prefix, std::size_t bytes = 48);

// The credentials after `scheme` in an Authorization header ("Basic xyz" gives "xyz"), the
// scheme matched without regard to case (RFC 9110 section 11.1); nullopt for another scheme.
std::optional<std::string_view> credentials_for(std::string_view header, std::string_view scheme);

} // namespace tokenswap::emulator
