#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tokenswap::client {

// A PKCE pair (RFC 7636): the verifier stays with us, the challenge goes to /authorize.
struct pkce_pair {
  std::string verifier;
  std::string challenge;
};

// A fresh verifier of 64 characters from 48 random octets, and its S256 challenge.
pkce_pair make_pkce();

// S256 (RFC 7636 section 4.2): base64url without padding of SHA-256 over the verifier.
std::string s256_challenge(std::string_view verifier);

// RFC 7636 section 4.1: 43 to 128 characters, each unreserved (ALPHA / DIGIT / - . _ ~).
bool is_valid_verifier(std::string_view verifier);

// An unguessable `state` for one login (RFC 6749 section 10.12), URL-safe.
std::string make_state();

// base64url without padding of `octets` random octets from OpenSSL's CSPRNG.
std::string random_urlsafe(std::size_t octets);

} // namespace tokenswap::client
