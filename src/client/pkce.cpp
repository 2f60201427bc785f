#include "client/pkce.hpp"

#include "core/base64.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace tokenswap::client {

pkce_pair make_pkce() {
  auto verifier = random_urlsafe(48);
  auto challenge = s256_challenge(verifier);
  return {std::move(verifier), std::move(challenge)};
}

std::string s256_challenge(std::string_view verifier) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(verifier.data(), verifier.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 is not available");
  }
  return core::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

bool is_valid_verifier(std::string_view verifier) {
  auto unreserved = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  };
  return verifier.size() >= 43 && verifier.size() <= 128 &&
         std::all_of(verifier.begin(), verifier.end(), unreserved);
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
