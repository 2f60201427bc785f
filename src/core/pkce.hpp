// PKCE (RFC 7636), shared by the server, the emulator and the client library.
#pragma once

#include <string>
#include <string_view>

namespace tokenswap::core {

// 43 to 128 characters of the unreserved set (RFC 7636 section 4.1). A verifier has this shape,
// and so has an S256 challenge, since base64url(SHA-256) is 43 characters.
bool is_pkce_value(std::string_view text);

// The S256 transform (RFC 7636 section 4.2): base64url without padding of SHA-256(verifier).
std::string s256_challenge(std::string_view verifier);

// True when the verifier is well formed and its S256 transform equals the challenge (compared in
// constant time).
bool verifier_matches(std::string_view verifier, std::string_view challenge);

} // namespace tokenswap::core
