// Refresh tokens handed out by the servers tokenswap replaces, made here the way those servers
// made them, open on /refresh when the option is on and are refused when it is off.
#include "core/base64.hpp"
#include "test_stack.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>

namespace tokenswap::testing {
namespace {

constexpr std::string_view legacy_secret = "the old server's passphrase";

// EVP_BytesToKey(MD5) key and IV, then one-shot encryption, as OpenSSL's enc and Node's
// createCipher do.
std::string encrypt(const EVP_CIPHER* cipher, int rounds, const unsigned char* salt,
                    std::string_view plain) {
  unsigned char key[EVP_MAX_KEY_LENGTH];
  unsigned char iv[EVP_MAX_IV_LENGTH];
  EVP_BytesToKey(cipher, EVP_md5(), salt,
                 reinterpret_cast<const unsigned char*>(legacy_secret.data()),
                 static_cast<int>(legacy_secret.size()), rounds, key, iv);
  std::string out(plain.size() + 32, '\0');
  auto* ctx = EVP_CIPHER_CTX_new();
  int n = 0;
  int tail = 0;
  auto* buffer = reinterpret_cast<unsigned char*>(out.data());
  EVP_EncryptInit_ex(ctx, cipher, nullptr, key, iv);
  EVP_EncryptUpdate(ctx, buffer, &n, reinterpret_cast<const unsigned char*>(plain.data()),
                    static_cast<int>(plain.size()));
  EVP_EncryptFinal_ex(ctx, buffer + n, &tail);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string cryptojs(std::string_view token) {
  const unsigned char salt[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  auto sealed = encrypt(EVP_aes_256_cbc(), 1, salt, token);
  return core::base64_encode("Salted__" + std::string(salt, salt + 8) + sealed);
}

std::string ruby(std::string_view token) {
  auto text = core::base64_encode(encrypt(EVP_des_ede3_cbc(), 2048, nullptr, token));
  // Ruby's Base64.encode64 breaks lines every 60 characters; clients send them as "\n".
  std::string wrapped;
  for (std::size_t i = 0; i < text.size(); i += 60) {
    wrapped += text.substr(i, 60) + "\\n";
  }
  return wrapped;
}

struct legacy_case {
  const char* name;
  std::string (*make)(std::string_view);
};

const legacy_case cases[] = {
    {"cryptojs", cryptojs},
    {"node-cbc", [](std::string_view t) { return hex(encrypt(EVP_aes_256_cbc(), 1, nullptr, t)); }},
    {"node-ctr", [](std::string_view t) { return hex(encrypt(EVP_aes_256_ctr(), 1, nullptr, t)); }},
    {"ruby-3des", ruby},
};

TEST(LegacyRefresh, EachSchemeOpensAndIsAnsweredWithATokenInTokenswapsFormat) {
  test_stack world([](core::config& c) {
    c.legacy_schemes = core::parse_legacy_schemes("cryptojs,node-cbc,node-ctr,ruby-3des").schemes;
    c.legacy_encryption_secret = core::secret(std::string(legacy_secret));
  });
  for (const auto& each : cases) {
    auto legacy = each.make(world.spotify_refresh_token());
    // Posted raw, the way old clients post it: a '+' arrives as a space.
    auto r = post_form(world.port(), "/refresh", "refresh_token=" + legacy);
    ASSERT_EQ(r.status, 200u) << each.name << ": " << r.body;
    auto sealed = json_field(r, "refresh_token");
    EXPECT_TRUE(sealed.starts_with("v1.")) << each.name;

    auto next = post_form(world.port(), "/refresh", "refresh_token=" + sealed);
    EXPECT_EQ(next.status, 200u) << each.name << ": " << next.body;
  }
  world.expect_serving();
}

TEST(LegacyRefresh, LegacyTokensAreRefusedWhenTheOptionIsOff) {
  test_stack world;
  for (const auto& each : cases) {
    auto r = post_form(world.port(), "/refresh",
                       "refresh_token=" + each.make(world.spotify_refresh_token()));
    EXPECT_EQ(r.status, 400u) << each.name;
    EXPECT_EQ(json_field(r, "error"), "invalid_grant") << each.name;
  }
  world.expect_serving();
}

} // namespace
} // namespace tokenswap::testing
