#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokenswap::core {

// Seals refresh tokens for the app to store, and opens them again.
//
// Format "v1." + base64url(nonce[12] | ciphertext | tag[16]): AES-256-GCM with a random nonce per
// token, the prefix and the client id as associated data (a token sealed for one app does not open
// for another). The alphabet [A-Za-z0-9._-] survives a raw, unencoded form post.
//
// Keys come from secrets through scrypt with fixed parameters and salt, so every replica derives
// the same keys and a weak secret still costs an attacker a memory-hard guess per try. New tokens
// are sealed with the current key; previous keys only open, which lets a secret be rotated without
// logging anyone out. All members are const and thread-safe: one sealer serves every thread.
class sealer {
public:
  // Runs scrypt once per secret (tens of milliseconds each): call at startup, not per request.
  // Throws std::runtime_error if OpenSSL cannot derive a key.
  static sealer derive(std::string_view current_secret,
                       const std::vector<std::string>& previous_secrets);

  // Uses ready keys, the current one first: for tests and fuzzers, which cannot afford scrypt in
  // every process. Throws std::invalid_argument when given no key.
  using raw_key = std::array<unsigned char, 32>;
  static sealer from_keys(const std::vector<raw_key>& keys);

  // Throws std::runtime_error only if OpenSSL fails (no randomness, out of memory).
  std::string seal(std::string_view refresh_token, std::string_view client_id) const;

  // nullopt for every failure alike (bad prefix or base64, truncated, tampered, unknown key, other
  // client id): the caller answers one invalid_grant and learns nothing finer on purpose.
  std::optional<std::string> open(std::string_view sealed, std::string_view client_id) const;

  // The same protection for values that never leave this process (nonce | ciphertext | tag, no
  // prefix, no base64): cheaper and a quarter smaller. `context` is bound like the client id.
  std::string seal_bytes(std::string_view plain, std::string_view context) const;
  std::optional<std::string> open_bytes(std::string_view sealed, std::string_view context) const;

  // How many keys open tokens: the current one plus each previous one.
  std::size_t key_count() const { return keys_.size(); }

private:
  // One key with cipher contexts already keyed for it, kept for reuse: setting up AES-GCM's key
  // schedule costs more than sealing a refresh token. Wiped from memory when destroyed.
  class keyed_cipher;

  explicit sealer(const std::vector<raw_key>& keys);

  std::optional<std::string> open_with(const keyed_cipher& k, std::string_view sealed_bytes,
                                       std::string_view context) const;

  std::vector<std::shared_ptr<keyed_cipher>> keys_; // copies of a sealer share them
};

// A fresh secret for ENCRYPTION_SECRET: 32 random bytes as base64url (43 characters).
std::string generate_secret();

// Secrets shorter than this are worth a startup warning (a generated one is 43 characters).
inline constexpr std::size_t min_strong_secret_length = 32;

bool is_weak_secret(std::string_view secret);

} // namespace tokenswap::core
