#include "core/sealer.hpp"

#include "core/base64.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <stdexcept>

namespace tokenswap::core {
namespace {

constexpr std::string_view version_prefix = "v1.";
constexpr std::size_t nonce_size = 12;
constexpr std::size_t tag_size = 16;
// Far above any refresh token; keeps lengths within OpenSSL's int and bounds work on garbage.
constexpr std::size_t max_token_size = 16 * 1024;

// scrypt N=2^15, r=8, p=1: 32 MiB and roughly 0.1 s per guess. The salt is fixed so that every
// replica derives the same key from the same secret; it is versioned so that new parameters can
// come with a new prefix. A fixed salt lets one dictionary serve against every deployment: a
// generated secret (tokenswap keygen) is what actually defeats guessing.
constexpr std::uint64_t scrypt_n = std::uint64_t{1} << 15;
constexpr std::uint32_t scrypt_r = 8;
constexpr std::uint32_t scrypt_p = 1;
constexpr std::uint64_t scrypt_max_memory = std::uint64_t{64} << 20;
constexpr std::string_view scrypt_salt = "tokenswap refresh-token sealing key v1";

struct kdf_deleter {
  void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

struct cipher_ctx_deleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

using cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_deleter>;

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* bytes_of(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

int int_size(std::string_view text) { return static_cast<int>(text.size()); }

std::string associated_data(std::string_view client_id) {
  std::string aad(version_prefix);
  aad += client_id;
  return aad;
}

cipher_ctx_ptr new_cipher_ctx() {
  cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) {
    throw std::runtime_error("sealer: cannot allocate a cipher context");
  }
  return ctx;
}

void scrypt_key(EVP_KDF* kdf, std::string_view secret, std::span<unsigned char> out) {
  std::unique_ptr<EVP_KDF_CTX, kdf_deleter> ctx(EVP_KDF_CTX_new(kdf));
  std::uint64_t n = scrypt_n;
  std::uint32_t r = scrypt_r;
  std::uint32_t p = scrypt_p;
  std::uint64_t max_memory = scrypt_max_memory;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<char*>(secret.data()),
                                        secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(scrypt_salt.data()),
                                        scrypt_salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &max_memory),
      OSSL_PARAM_construct_end()};
  if (!ctx || EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    throw std::runtime_error("sealer: scrypt key derivation failed");
  }
}

} // namespace

sealer::key::~key() { OPENSSL_cleanse(bytes.data(), bytes.size()); }

sealer::sealer(std::vector<key> keys)
    : keys_(std::move(keys)),
      cipher_(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr), EVP_CIPHER_free) {
  if (!cipher_) {
    throw std::runtime_error("sealer: OpenSSL has no AES-256-GCM");
  }
}

sealer sealer::from_keys(const std::vector<raw_key>& keys) {
  if (keys.empty()) {
    throw std::invalid_argument("sealer: no key");
  }
  std::vector<key> own(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    own[i].bytes = keys[i];
  }
  return sealer(std::move(own));
}

sealer sealer::derive(std::string_view current_secret,
                      const std::vector<std::string>& previous_secrets) {
  std::unique_ptr<EVP_KDF, kdf_deleter> kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_SCRYPT, nullptr));
  if (!kdf) {
    throw std::runtime_error("sealer: OpenSSL has no scrypt");
  }

  std::vector<key> keys(1);
  scrypt_key(kdf.get(), current_secret, keys.back().bytes);
  std::vector<std::string_view> seen{current_secret};
  for (const auto& previous : previous_secrets) {
    if (previous.empty() || std::find(seen.begin(), seen.end(), previous) != seen.end()) {
      continue;
    }
    scrypt_key(kdf.get(), previous, keys.emplace_back().bytes);
    seen.push_back(previous);
  }
  return sealer(std::move(keys));
}

std::string sealer::seal(std::string_view refresh_token, std::string_view client_id) const {
  if (refresh_token.size() > max_token_size) {
    throw std::length_error("sealer: refresh token too long to seal");
  }
  std::string raw(nonce_size + refresh_token.size() + tag_size, '\0');
  unsigned char* nonce = bytes_of(raw);
  unsigned char* ciphertext = nonce + nonce_size;
  unsigned char* tag = ciphertext + refresh_token.size();
  if (RAND_bytes(nonce, nonce_size) != 1) {
    throw std::runtime_error("sealer: no randomness for a nonce");
  }

  auto ctx = new_cipher_ctx();
  const std::string aad = associated_data(client_id);
  int length = 0;
  bool ok = EVP_EncryptInit_ex2(ctx.get(), cipher_.get(), keys_.front().bytes.data(), nonce,
                                nullptr) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes_of(aad), int_size(aad)) == 1 &&
            EVP_EncryptUpdate(ctx.get(), ciphertext, &length, bytes_of(refresh_token),
                              int_size(refresh_token)) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), ciphertext + length, &length) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, tag_size, tag) == 1;
  if (!ok) {
    throw std::runtime_error("sealer: AES-GCM encryption failed");
  }
  return std::string(version_prefix) + base64url_encode(raw);
}

std::optional<std::string> sealer::open(std::string_view sealed, std::string_view client_id) const {
  if (!sealed.starts_with(version_prefix) || sealed.size() > 2 * max_token_size) {
    return std::nullopt;
  }
  auto raw = base64url_decode(sealed.substr(version_prefix.size()));
  if (!raw || raw->size() < nonce_size + tag_size) {
    return std::nullopt;
  }

  const std::string aad = associated_data(client_id);
  for (const auto& k : keys_) {
    if (auto plain = open_with(k, *raw, aad)) {
      return plain;
    }
  }
  return std::nullopt;
}

std::optional<std::string> sealer::open_with(const key& k, std::string_view sealed_bytes,
                                             std::string_view aad) const {
  const auto* nonce = bytes_of(sealed_bytes);
  const std::string_view ciphertext =
      sealed_bytes.substr(nonce_size, sealed_bytes.size() - nonce_size - tag_size);
  std::array<unsigned char, tag_size> tag{};
  std::copy_n(bytes_of(sealed_bytes) + nonce_size + ciphertext.size(), tag_size, tag.begin());

  auto ctx = new_cipher_ctx();
  std::string plain(ciphertext.size(), '\0');
  int length = 0;
  bool ok = EVP_DecryptInit_ex2(ctx.get(), cipher_.get(), k.bytes.data(), nonce, nullptr) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes_of(aad), int_size(aad)) == 1 &&
            EVP_DecryptUpdate(ctx.get(), bytes_of(plain), &length, bytes_of(ciphertext),
                              int_size(ciphertext)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, tag_size, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), bytes_of(plain) + length, &length) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return std::nullopt;
  }
  return plain;
}

std::string generate_secret() {
  std::string bytes(32, '\0');
  if (RAND_bytes(bytes_of(bytes), int_size(bytes)) != 1) {
    throw std::runtime_error("keygen: no randomness available");
  }
  std::string secret = base64url_encode(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return secret;
}

bool is_weak_secret(std::string_view secret) { return secret.size() < min_strong_secret_length; }

} // namespace tokenswap::core
