#include "core/digest.hpp"

#include <cstring>
#include <stdexcept>

#include <openssl/evp.h>

namespace tokenswap::core {

sha256_digest sha256(std::string_view data) {
  sha256_digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return digest;
}

std::size_t digest_hash::operator()(const sha256_digest& digest) const {
  std::size_t value = 0;
  std::memcpy(&value, digest.data(), sizeof value);
  return value;
}

} // namespace tokenswap::core
