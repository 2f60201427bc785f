#include "core/legacy_tokens.hpp"

#include "core/base64.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace tokenswap::core {
namespace {

struct scheme_name {
  legacy_scheme scheme;
  std::string_view name;
};

constexpr std::array<scheme_name, 4> scheme_names = {{
    {legacy_scheme::cryptojs_aes, "cryptojs"},
    {legacy_scheme::node_aes_256_cbc, "node-cbc"},
    {legacy_scheme::node_aes_256_ctr, "node-ctr"},
    {legacy_scheme::ruby_3des, "ruby-3des"},
}};

// Far above any refresh token; bounds the work spent on garbage.
constexpr std::size_t max_token_size = 16 * 1024;
constexpr std::string_view cryptojs_magic = "Salted__";
constexpr std::size_t cryptojs_salt_size = 8;
constexpr int ruby_rounds = 2048;

struct cipher_deleter {
  void operator()(EVP_CIPHER* cipher) const { EVP_CIPHER_free(cipher); }
};
struct cipher_ctx_deleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using cipher_ptr = std::unique_ptr<EVP_CIPHER, cipher_deleter>;

cipher_ptr fetch_cipher(const char* name) {
  cipher_ptr cipher(EVP_CIPHER_fetch(nullptr, name, nullptr));
  if (!cipher) {
    throw std::runtime_error(std::string("legacy tokens: OpenSSL has no ") + name);
  }
  return cipher;
}

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// A key and IV, wiped from memory when destroyed.
struct key_iv {
  std::array<unsigned char, EVP_MAX_KEY_LENGTH> key{};
  std::array<unsigned char, EVP_MAX_IV_LENGTH> iv{};

  key_iv() = default;
  key_iv(const key_iv&) = delete;
  key_iv& operator=(const key_iv&) = delete;
  ~key_iv() {
    OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(iv.data(), iv.size());
  }
};

// OpenSSL's original passphrase derivation, as CryptoJS, Node's createCipher and Ruby's
// pkcs5_keyivgen all use it; salt is null or 8 bytes.
void bytes_to_key(const EVP_CIPHER* cipher, std::string_view secret, const unsigned char* salt,
                  int rounds, key_iv& out) {
  if (EVP_BytesToKey(cipher, EVP_md5(), salt, bytes_of(secret), static_cast<int>(secret.size()),
                     rounds, out.key.data(), out.iv.data()) == 0) {
    throw std::runtime_error("legacy tokens: key derivation failed");
  }
}

std::optional<std::string> decrypt(const EVP_CIPHER* cipher, const key_iv& k,
                                   std::string_view ciphertext) {
  std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_deleter> ctx(EVP_CIPHER_CTX_new());
  std::string plain(ciphertext.size() + EVP_MAX_BLOCK_LENGTH, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  int length = 0;
  int final_length = 0;
  bool ok = ctx &&
            EVP_DecryptInit_ex2(ctx.get(), cipher, k.key.data(), k.iv.data(), nullptr) == 1 &&
            EVP_DecryptUpdate(ctx.get(), out, &length, bytes_of(ciphertext),
                              static_cast<int>(ciphertext.size())) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), out + length, &final_length) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return std::nullopt;
  }
  plain.resize(static_cast<std::size_t>(length + final_length));
  return plain;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int high = hex_digit(text[i]);
    int low = hex_digit(text[i + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

// Undoes what clients do to base64 in transit: a raw form post turns '+' into a space, and the
// Ruby service's line breaks often come back as the two characters "\n". Real CR/LF are skipped
// by base64_decode itself.
std::optional<std::string> legacy_base64_decode(std::string_view token) {
  std::string text;
  text.reserve(token.size());
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '\\' && i + 1 < token.size() && (token[i + 1] == 'n' || token[i + 1] == 'r')) {
      ++i;
    } else {
      text.push_back(token[i] == ' ' ? '+' : token[i]);
    }
  }
  return base64_decode(text);
}

// Every Spotify refresh token is visible ASCII; random bytes from a wrong key almost never are.
bool is_visible_ascii(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < '\x7f'; });
}

std::string lowercase_trimmed(std::string_view text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

} // namespace

std::string_view legacy_scheme_name(legacy_scheme scheme) {
  for (const auto& entry : scheme_names) {
    if (entry.scheme == scheme) {
      return entry.name;
    }
  }
  return "unknown";
}

legacy_scheme_list parse_legacy_schemes(std::string_view list) {
  legacy_scheme_list parsed;
  while (!list.empty()) {
    const std::size_t comma = std::min(list.find(','), list.size());
    const std::string name = lowercase_trimmed(list.substr(0, comma));
    list.remove_prefix(std::min(comma + 1, list.size()));
    if (name.empty()) {
      continue;
    }
    auto known = std::find_if(scheme_names.begin(), scheme_names.end(),
                              [&name](const scheme_name& entry) { return entry.name == name; });
    if (known == scheme_names.end()) {
      parsed.unknown.push_back(name);
    } else if (std::find(parsed.schemes.begin(), parsed.schemes.end(), known->scheme) ==
               parsed.schemes.end()) {
      parsed.schemes.push_back(known->scheme);
    }
  }
  return parsed;
}

struct legacy_opener::state {
  std::string secret; // CryptoJS salts each token, so its key is derived per token
  cipher_ptr aes_256_cbc = fetch_cipher("AES-256-CBC");
  cipher_ptr aes_256_ctr = fetch_cipher("AES-256-CTR");
  cipher_ptr des_ede3_cbc = fetch_cipher("DES-EDE3-CBC");
  key_iv node; // createCipher: the same key and IV for cbc and ctr
  key_iv ruby;

  ~state() { OPENSSL_cleanse(secret.data(), secret.size()); }

  std::optional<std::string> open(legacy_scheme scheme, std::string_view token) const;
  std::optional<std::string> open_cryptojs(std::string_view token) const;
  std::optional<std::string> open_node(const EVP_CIPHER* cipher, std::string_view token) const;
  std::optional<std::string> open_ruby(std::string_view token) const;
};

std::optional<std::string> legacy_opener::state::open(legacy_scheme scheme,
                                                      std::string_view token) const {
  switch (scheme) {
  case legacy_scheme::cryptojs_aes:
    return open_cryptojs(token);
  case legacy_scheme::node_aes_256_cbc:
    return open_node(aes_256_cbc.get(), token);
  case legacy_scheme::node_aes_256_ctr:
    return open_node(aes_256_ctr.get(), token);
  case legacy_scheme::ruby_3des:
    return open_ruby(token);
  }
  return std::nullopt;
}

std::optional<std::string> legacy_opener::state::open_cryptojs(std::string_view token) const {
  auto raw = legacy_base64_decode(token);
  const std::size_t header = cryptojs_magic.size() + cryptojs_salt_size;
  if (!raw || raw->size() <= header || !raw->starts_with(cryptojs_magic)) {
    return std::nullopt;
  }
  key_iv k;
  bytes_to_key(aes_256_cbc.get(), secret, bytes_of(*raw) + cryptojs_magic.size(), 1, k);
  return decrypt(aes_256_cbc.get(), k, std::string_view(*raw).substr(header));
}

std::optional<std::string> legacy_opener::state::open_node(const EVP_CIPHER* cipher,
                                                           std::string_view token) const {
  auto raw = hex_decode(token);
  if (!raw || raw->empty()) {
    return std::nullopt;
  }
  return decrypt(cipher, node, *raw);
}

std::optional<std::string> legacy_opener::state::open_ruby(std::string_view token) const {
  auto raw = legacy_base64_decode(token);
  if (!raw || raw->empty()) {
    return std::nullopt;
  }
  return decrypt(des_ede3_cbc.get(), ruby, *raw);
}

legacy_opener::legacy_opener(std::string_view secret, std::vector<legacy_scheme> schemes)
    : schemes_(std::move(schemes)), state_(std::make_unique<state>()) {
  state_->secret = secret;
  auto uses = [this](legacy_scheme s) {
    return std::find(schemes_.begin(), schemes_.end(), s) != schemes_.end();
  };
  if (uses(legacy_scheme::node_aes_256_cbc) || uses(legacy_scheme::node_aes_256_ctr)) {
    bytes_to_key(state_->aes_256_cbc.get(), secret, nullptr, 1, state_->node);
  }
  if (uses(legacy_scheme::ruby_3des)) {
    bytes_to_key(state_->des_ede3_cbc.get(), secret, nullptr, ruby_rounds, state_->ruby);
  }
}

legacy_opener::~legacy_opener() = default;
legacy_opener::legacy_opener(legacy_opener&&) noexcept = default;
legacy_opener& legacy_opener::operator=(legacy_opener&&) noexcept = default;

std::optional<std::string> legacy_opener::open(std::string_view token) const {
  if (token.size() > max_token_size) {
    return std::nullopt;
  }
  for (legacy_scheme scheme : schemes_) {
    auto plain = state_->open(scheme, token);
    if (plain && is_visible_ascii(*plain)) {
      return plain;
    }
  }
  return std::nullopt;
}

std::optional<std::string> open_legacy(legacy_scheme scheme, std::string_view token,
                                       std::string_view secret) {
  return legacy_opener(secret, {scheme}).open(token);
}

} // namespace tokenswap::core
