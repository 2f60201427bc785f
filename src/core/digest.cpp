#include "core/digest.hpp"

#include <cstring>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

namespace tokenswap::core {

namespace {

// Fetched once: handing EVP_Digest the legacy EVP_sha256() makes OpenSSL look the algorithm up
// on every call, which costs more than hashing a token.
const EVP_MD* sha256_algorithm() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> algorithm(
      EVP_MD_fetch(nullptr, "SHA256", nullptr), EVP_MD_free);
  if (!algorithm) {
    throw std::runtime_error("OpenSSL has no SHA-256");
  }
  return algorithm.get();
}

} // namespace

sha256_digest sha256(std::string_view data) {
  // One context per thread, reused: allocating one per call costs a third of the hashing.
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                                 EVP_MD_CTX_free);
  sha256_digest digest{};
  unsigned int length = 0;
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), sha256_algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) {
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
