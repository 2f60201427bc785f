#include "core/pkce.hpp"

#include "core/base64.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>

namespace tokenswap::core {

bool is_pkce_value(std::string_view text) {
  if (text.size() < 43 || text.size() > 128) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  });
}

std::string s256_challenge(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

bool verifier_matches(std::string_view verifier, std::string_view challenge) {
  if (!is_pkce_value(verifier)) {
    return false;
  }
  auto computed = s256_challenge(verifier);
  return computed.size() == challenge.size() &&
         CRYPTO_memcmp(computed.data(), challenge.data(), computed.size()) == 0;
}

} // namespace tokenswap::core
