#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokenswap::core {

// Refresh-token protections of the servers tokenswap replaces. Opening them lets users of those
// servers keep their session across the switch: the server answers their next refresh with a
// token sealed in its own format. These paths decrypt only; nothing is ever encrypted with them.
enum class legacy_scheme {
  // 2018 tutorial, CryptoJS AES.encrypt(token, secret): base64 of "Salted__" | salt[8] |
  // AES-256-CBC ciphertext, key and IV from EVP_BytesToKey(MD5, 1 round, salt).
  cryptojs_aes,
  // Node crypto.createCipher('aes-256-cbc', secret), hex: EVP_BytesToKey(MD5, 1 round, no salt).
  node_aes_256_cbc,
  // Node crypto.createCipher('aes-256-ctr', secret), hex: same derivation. CTR has no integrity
  // check, so a wrong secret or a tampered token is only caught by the printable-text check below.
  node_aes_256_ctr,
  // Ruby service, des-ede3-cbc, key and IV from EVP_BytesToKey(MD5, 2048 rounds, no salt), base64
  // wrapped every 60 characters.
  ruby_3des,
};

// The names used in configuration: "cryptojs", "node-cbc", "node-ctr", "ruby-3des".
std::string_view legacy_scheme_name(legacy_scheme scheme);

// "cryptojs, node-cbc,ruby-3des": names separated by commas, spaces and case ignored, empty
// entries and repeats skipped, order kept. Unknown names are returned for the config error message.
struct legacy_scheme_list {
  std::vector<legacy_scheme> schemes;
  std::vector<std::string> unknown;
};
legacy_scheme_list parse_legacy_schemes(std::string_view list);

// Opens legacy tokens with one ENCRYPTION_SECRET, trying the given schemes in order. The unsalted
// schemes' keys are derived once here (the Ruby one costs 4,096 MD5 rounds), so build one opener at
// startup and share it: open() is const and safe to call from many threads at once.
//
// Tokens are accepted as clients really send them: base64 with '+' turned into a space by a raw
// form post, with real line breaks or with the two characters "\n" in their place; hex in either
// case. A result is accepted only if it is non-empty visible ASCII, as every Spotify refresh token
// is; nullopt for everything else, whatever the cause.
class legacy_opener {
public:
  legacy_opener(std::string_view secret, std::vector<legacy_scheme> schemes);
  ~legacy_opener();
  legacy_opener(legacy_opener&&) noexcept;
  legacy_opener& operator=(legacy_opener&&) noexcept;

  std::optional<std::string> open(std::string_view token) const;

  const std::vector<legacy_scheme>& schemes() const { return schemes_; }

private:
  struct state;

  std::vector<legacy_scheme> schemes_;
  std::unique_ptr<state> state_;
};

// One scheme, one token: a convenience for tests and tools (derives the key on every call).
std::optional<std::string> open_legacy(legacy_scheme scheme, std::string_view token,
                                       std::string_view secret);

} // namespace tokenswap::core
