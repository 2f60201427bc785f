// Random identifiers and the few encodings the emulator needs (tokens, PKCE, Basic auth).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tokenswap::emulator {

// URL-safe base64 without padding (RFC 4648 section 5), as PKCE and Spotify's tokens use.
std::string base64url_encode(std::string_view bytes);

// Standard base64 with padding, as in an HTTP Basic Authorization header; nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

// A fresh random opaque value: the prefix then `bytes` random bytes in URL-safe base64.
std::string random_token(std::string_view prefix, std::size_t bytes = 48);

// base64url(SHA-256(text)), the PKCE S256 transform (RFC 7636 section 4.2).
std::string sha256_base64url(std::string_view text);

} // namespace tokenswap::emulator
