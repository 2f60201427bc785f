#include "client/pkce.hpp"

#include "core/base64.hpp"
#include "core/pkce.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace tokenswap::client {

pkce_pair make_pkce() {
  auto verifier = random_urlsafe(48);
  auto challenge = core::s256_challenge(verifier);
  return {std::move(verifier), std::move(challenge)};
}

std::string make_state() { return random_urlsafe(24); }

std::string random_urlsafe(std::size_t octets) {
  std::vector<unsigned char> bytes(octets);
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  return core::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

} // namespace tokenswap::client
