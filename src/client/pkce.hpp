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

// A fresh verifier of 64 characters from 48 random octets, and its S256 challenge
// (core::s256_challenge).
pkce_pair make_pkce();

// An unguessable `state` for one login (RFC 6749 section 10.12), URL-safe.
std::string make_state();

// base64url without padding of `octets` random octets from OpenSSL's CSPRNG.
std::string random_urlsafe(std::size_t octets);

} // namespace tokenswap::client
