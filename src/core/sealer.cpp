#include "core/sealer.hpp"

#include "core/base64.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <pthread.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
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

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* bytes_of(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

int int_size(std::string_view text) { return static_cast<int>(text.size()); }

// Nonces come from OpenSSL's generator a block at a time: one call per 341 nonces instead of one
// per seal, which cost as much as the sealing itself. A forked child starts with an empty block,
// so parent and child never hand out the same nonce.
class nonce_block {
public:
  static void take(unsigned char* out) {
    static std::once_flag registered;
    std::call_once(registered,
                   [] { pthread_atfork(nullptr, nullptr, [] { local().used_ = size; }); });
    local().next(out);
  }

private:
  static constexpr std::size_t size = 341 * nonce_size;

  static nonce_block& local() {
    thread_local nonce_block block;
    return block;
  }

  void next(unsigned char* out) {
    if (used_ == size) {
      if (RAND_bytes(bytes_.data(), static_cast<int>(size)) != 1) {
        throw std::runtime_error("sealer: no randomness for a nonce");
      }
      used_ = 0;
    }
    std::memcpy(out, bytes_.data() + used_, nonce_size);
    used_ += nonce_size;
  }

  std::array<unsigned char, size> bytes_{};
  std::size_t used_ = size;
};

// GCM takes associated data in pieces: the prefix and the context go in without a joined copy.
bool add_associated_data(EVP_CIPHER_CTX* ctx, std::string_view context) {
  int length = 0;
  return EVP_CipherUpdate(ctx, nullptr, &length, bytes_of(version_prefix),
                          int_size(version_prefix)) == 1 &&
         EVP_CipherUpdate(ctx, nullptr, &length, bytes_of(context), int_size(context)) == 1;
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

// Contexts for one direction, keyed once and handed out one caller at a time. The pool grows to
// the number of threads that used it at once and no further.
class context_pool {
public:
  context_pool(const EVP_CIPHER* cipher, const sealer::raw_key& key, bool encrypt)
      : cipher_(cipher), key_(key), encrypt_(encrypt) {}
  context_pool(const context_pool&) = delete;
  context_pool& operator=(const context_pool&) = delete;
  ~context_pool() {
    for (auto* ctx : idle_) {
      EVP_CIPHER_CTX_free(ctx); // wipes the key schedule
    }
  }

  // Returns the context to the pool when it goes out of scope.
  class lease {
  public:
    lease(context_pool& pool, EVP_CIPHER_CTX* ctx) : pool_(pool), ctx_(ctx) {}
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease() { pool_.give_back(ctx_); }
    EVP_CIPHER_CTX* get() const { return ctx_; }

  private:
    context_pool& pool_;
    EVP_CIPHER_CTX* ctx_;
  };

  lease take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto* ctx = idle_.back();
        idle_.pop_back();
        return lease(*this, ctx);
      }
    }
    return lease(*this, make());
  }

private:
  EVP_CIPHER_CTX* make() const {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    if (ctx == nullptr ||
        EVP_CipherInit_ex2(ctx, cipher_, key_.data(), nullptr, encrypt_ ? 1 : 0, nullptr) != 1) {
      EVP_CIPHER_CTX_free(ctx);
      throw std::runtime_error("sealer: cannot set up an AES-GCM context");
    }
    return ctx;
  }

  void give_back(EVP_CIPHER_CTX* ctx) {
    std::lock_guard lock(mutex_);
    idle_.push_back(ctx);
  }

  const EVP_CIPHER* cipher_;
  const sealer::raw_key& key_;
  const bool encrypt_;
  std::mutex mutex_;
  std::vector<EVP_CIPHER_CTX*> idle_;
};

} // namespace

class sealer::keyed_cipher {
public:
  keyed_cipher(std::shared_ptr<EVP_CIPHER> cipher, const raw_key& key)
      : cipher_(std::move(cipher)), key_(key), sealing_(cipher_.get(), key_, true),
        opening_(cipher_.get(), key_, false) {}
  keyed_cipher(const keyed_cipher&) = delete;
  keyed_cipher& operator=(const keyed_cipher&) = delete;
  ~keyed_cipher() { OPENSSL_cleanse(key_.data(), key_.size()); }

  context_pool& sealing() const { return sealing_; }
  context_pool& opening() const { return opening_; }

private:
  std::shared_ptr<EVP_CIPHER> cipher_;
  raw_key key_;
  mutable context_pool sealing_;
  mutable context_pool opening_;
};

sealer::sealer(const std::vector<raw_key>& keys) {
  std::shared_ptr<EVP_CIPHER> cipher(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr),
                                     EVP_CIPHER_free);
  if (!cipher) {
    throw std::runtime_error("sealer: OpenSSL has no AES-256-GCM");
  }
  for (const auto& key : keys) {
    keys_.push_back(std::make_shared<keyed_cipher>(cipher, key));
  }
}

sealer sealer::from_keys(const std::vector<raw_key>& keys) {
  if (keys.empty()) {
    throw std::invalid_argument("sealer: no key");
  }
  return sealer(keys);
}

sealer sealer::derive(std::string_view current_secret,
                      const std::vector<std::string>& previous_secrets) {
  std::unique_ptr<EVP_KDF, kdf_deleter> kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_SCRYPT, nullptr));
  if (!kdf) {
    throw std::runtime_error("sealer: OpenSSL has no scrypt");
  }

  std::vector<raw_key> keys(1);
  scrypt_key(kdf.get(), current_secret, keys.back());
  std::vector<std::string_view> seen{current_secret};
  for (const auto& previous : previous_secrets) {
    if (previous.empty() || std::find(seen.begin(), seen.end(), previous) != seen.end()) {
      continue;
    }
    scrypt_key(kdf.get(), previous, keys.emplace_back());
    seen.push_back(previous);
  }
  sealer made(keys);
  for (auto& key : keys) {
    OPENSSL_cleanse(key.data(), key.size());
  }
  return made;
}

std::string sealer::seal(std::string_view refresh_token, std::string_view client_id) const {
  return std::string(version_prefix) + base64url_encode(seal_bytes(refresh_token, client_id));
}

std::optional<std::string> sealer::open(std::string_view sealed, std::string_view client_id) const {
  if (!sealed.starts_with(version_prefix) || sealed.size() > 2 * max_token_size) {
    return std::nullopt;
  }
  auto raw = base64url_decode(sealed.substr(version_prefix.size()));
  if (!raw) {
    return std::nullopt;
  }
  return open_bytes(*raw, client_id);
}

std::string sealer::seal_bytes(std::string_view plain, std::string_view context) const {
  if (plain.size() > max_token_size) {
    throw std::length_error("sealer: value too long to seal");
  }
  std::string raw(nonce_size + plain.size() + tag_size, '\0');
  unsigned char* nonce = bytes_of(raw);
  unsigned char* ciphertext = nonce + nonce_size;
  unsigned char* tag = ciphertext + plain.size();
  nonce_block::take(nonce);

  auto ctx = keys_.front()->sealing().take();
  int length = 0;
  bool ok =
      EVP_CipherInit_ex2(ctx.get(), nullptr, nullptr, nonce, 1, nullptr) == 1 &&
      add_associated_data(ctx.get(), context) &&
      EVP_CipherUpdate(ctx.get(), ciphertext, &length, bytes_of(plain), int_size(plain)) == 1 &&
      EVP_CipherFinal_ex(ctx.get(), ciphertext + length, &length) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, tag_size, tag) == 1;
  if (!ok) {
    throw std::runtime_error("sealer: AES-GCM encryption failed");
  }
  return raw;
}

std::optional<std::string> sealer::open_bytes(std::string_view sealed,
                                              std::string_view context) const {
  if (sealed.size() < nonce_size + tag_size || sealed.size() > max_token_size + 64) {
    return std::nullopt;
  }
  for (const auto& k : keys_) {
    if (auto plain = open_with(*k, sealed, context)) {
      return plain;
    }
  }
  return std::nullopt;
}

std::optional<std::string> sealer::open_with(const keyed_cipher& k, std::string_view sealed_bytes,
                                             std::string_view context) const {
  const auto* nonce = bytes_of(sealed_bytes);
  const std::string_view ciphertext =
      sealed_bytes.substr(nonce_size, sealed_bytes.size() - nonce_size - tag_size);
  std::array<unsigned char, tag_size> tag{};
  std::copy_n(bytes_of(sealed_bytes) + nonce_size + ciphertext.size(), tag_size, tag.begin());

  auto ctx = k.opening().take();
  std::string plain(ciphertext.size(), '\0');
  int length = 0;
  bool ok = EVP_CipherInit_ex2(ctx.get(), nullptr, nullptr, nonce, 0, nullptr) == 1 &&
            add_associated_data(ctx.get(), context) &&
            EVP_CipherUpdate(ctx.get(), bytes_of(plain), &length, bytes_of(ciphertext),
                             int_size(ciphertext)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, tag_size, tag.data()) == 1 &&
            EVP_CipherFinal_ex(ctx.get(), bytes_of(plain) + length, &length) == 1;
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
