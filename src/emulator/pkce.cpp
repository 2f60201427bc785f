#include "emulator/pkce.hpp"

#include "emulator/encoding.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace tokenswap::emulator {

bool is_pkce_value(std::string_view text) {
  if (text.size() < 43 || text.size() > 128) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  });
}

bool verifier_matches(std::string_view verifier, std::string_view challenge) {
  if (!is_pkce_value(verifier)) {
    return false;
  }
  auto computed = sha256_base64url(verifier);
  return computed.size() == challenge.size() &&
         CRYPTO_memcmp(computed.data(), challenge.data(), computed.size()) == 0;
}

} // namespace tokenswap::emulator
