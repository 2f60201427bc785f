// Random identifiers and the PKCE transform.
#pragma once

#include <string>
#include <string_view>

namespace tokenswap::emulator {

// A fresh random opaque value: the prefix then `bytes` random bytes in URL-safe base64.
std::string random_token(std::string_view prefix, std::size_t bytes = 48);

// base64url(SHA-256(text)), the PKCE S256 transform (RFC 7636 section 4.2).
std::string sha256_base64url(std::string_view text);

} // namespace tokenswap::emulator
