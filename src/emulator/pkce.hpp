// PKCE (RFC 7636) checks on the accounts side: the shape of a challenge and a verifier, and the
// S256 comparison.
#pragma once

#include <string_view>

namespace tokenswap::emulator {

// 43 to 128 characters of the unreserved set (RFC 7636 section 4.1); a challenge has the same
// shape since base64url(SHA-256) is 43 characters.
bool is_pkce_value(std::string_view text);

// True when base64url(SHA-256(verifier)) equals the challenge recorded with the code.
bool verifier_matches(std::string_view verifier, std::string_view challenge);

} // namespace tokenswap::emulator
