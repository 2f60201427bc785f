#include "core/legacy_tokens.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace tokenswap::core {
namespace {

// The vectors below were made with OpenSSL's command line from this token and secret
// (TOKEN and SECRET in the commands):
constexpr std::string_view token =
    "AQBlegacyFAKE-refresh-token_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
constexpr std::string_view secret = "tutorial example secret";

// printf %s "$TOKEN" | openssl enc -aes-256-cbc -md md5 -pass "pass:$SECRET" -base64 -A
constexpr std::string_view cryptojs_token =
    "U2FsdGVkX1+O+6BgJz8Qx53TjYdmhrPKGILi8PHiuea+CQpGhf1pWpPG6nIZtqBNQ5CB1DX/"
    "dMIgBhfQSUyy6di8Q51utPSP58D7a9gG820NRuFwkSnAQ6CypseMqGUwF/liF63rDcKZzwmpaDh1JnAduS6X/"
    "nhl1muZiQ1UbyY6hMdkOYDszKrZOjTiSnCdAL18AbqdVOkgsCfMsa7E2A==";

// printf %s "$TOKEN" | openssl enc -aes-256-cbc -md md5 -pass "pass:$SECRET" -nosalt | xxd -p
// (identical to Node 20's crypto.createCipher('aes-256-cbc', SECRET) hex output)
constexpr std::string_view node_cbc_token =
    "df3896172014bd3ad4af240286dc25d4f1851a98bddc3e50ecce9a119466d77503b3c7955dac914628a564646a71"
    "7ff93a3f02a70d2f3470a7f8779222a6cefd9c9cc3fe99d6394f2f4ec992bb26aa42456dda1b8f56b9fbbf6da512"
    "56b828964833c4722a2b65a97cea2399f8f442decf3bea46879e32a91b4b86feed463aab9acd9fe72cbeddfca0cf"
    "715230359f9f";

// The same with -aes-256-ctr (identical to Node 20's createCipher('aes-256-ctr', SECRET)).
constexpr std::string_view node_ctr_token =
    "f9cf92c8dd1ea221eea711752b2d06309d136262b9bd9aa4ae3a644ce82db07089819aa6a48dc432b023bd8b190e"
    "ea5548ef1c9d7717a151270641afec3e1439576f46a6d582716fd29b747cebbf9894a07a2d25a7f58390dfa87016"
    "5a639a5a37c8aca4fd932476838d4defd7a299eaf1d4a7d7e45b64e9ce877980cdd203e5c8b0f546089782";

// openssl enc -des-ede3-cbc -K 951822ddad4209afe986edcdaba4dc3df4669b3aaf3d320a -iv
// b0477f22bf5c74c4 then base64 wrapped every 60 characters as Ruby's Base64.encode64 does. The key
// and IV are EVP_BytesToKey(MD5, 2048 rounds, no salt) of SECRET, computed separately with Python's
// hashlib (openssl enc -iter would mean PBKDF2, a different derivation).
constexpr std::string_view ruby_token =
    "jwcX+wn7FWJ0p1jjqDgPXvSvGbGeW9le9t3F1BLIxQ8Lb8wEBkgQiDcmuXHt\n"
    "KEjz84aKM/zAoNbUsfpb3cNCLpGNQ383LpjOeTedvMFra3AsJG1EMrCVeTUd\n"
    "4iAoHrcdddGac3Y/zNSqafHoCbyvgToB6G8TRd7podsjmk/N9+uacwjU0VMu\n"
    "Iw==\n";

constexpr std::string_view wrong_secret = "tutorial example secreT";

std::string replace_all(std::string text, char from, std::string_view to) {
  std::string out;
  for (char c : text) {
    if (c == from) {
      out += to;
    } else {
      out += c;
    }
  }
  return out;
}

std::string uppercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

TEST(LegacyTokens, OpensTheTutorialsCryptojsToken) {
  EXPECT_EQ(open_legacy(legacy_scheme::cryptojs_aes, cryptojs_token, secret), std::string(token));
}

TEST(LegacyTokens, OpensACryptojsTokenWhosePlusSignsArrivedAsSpaces) {
  const std::string posted_raw = replace_all(std::string(cryptojs_token), '+', " ");
  ASSERT_NE(posted_raw, cryptojs_token);
  EXPECT_EQ(open_legacy(legacy_scheme::cryptojs_aes, posted_raw, secret), std::string(token));
}

TEST(LegacyTokens, OpensNodeCreateCipherCbcToken) {
  EXPECT_EQ(open_legacy(legacy_scheme::node_aes_256_cbc, node_cbc_token, secret),
            std::string(token));
  EXPECT_EQ(open_legacy(legacy_scheme::node_aes_256_cbc, uppercase(node_cbc_token), secret),
            std::string(token));
}

TEST(LegacyTokens, OpensNodeCreateCipherCtrToken) {
  EXPECT_EQ(open_legacy(legacy_scheme::node_aes_256_ctr, node_ctr_token, secret),
            std::string(token));
}

TEST(LegacyTokens, OpensRubyTokenWithRealLineBreaks) {
  EXPECT_EQ(open_legacy(legacy_scheme::ruby_3des, ruby_token, secret), std::string(token));
  const std::string crlf = replace_all(std::string(ruby_token), '\n', "\r\n");
  EXPECT_EQ(open_legacy(legacy_scheme::ruby_3des, crlf, secret), std::string(token));
}

TEST(LegacyTokens, OpensRubyTokenWithLiteralBackslashN) {
  const std::string escaped = replace_all(std::string(ruby_token), '\n', "\\n");
  ASSERT_NE(escaped.find("\\n"), std::string::npos);
  EXPECT_EQ(open_legacy(legacy_scheme::ruby_3des, escaped, secret), std::string(token));
}

TEST(LegacyTokens, OpensRubyTokenWithoutLineBreaksOrWithSpacesForPlus) {
  const std::string joined = replace_all(std::string(ruby_token), '\n', "");
  EXPECT_EQ(open_legacy(legacy_scheme::ruby_3des, joined, secret), std::string(token));
  const std::string posted_raw = replace_all(joined, '+', " ");
  EXPECT_EQ(open_legacy(legacy_scheme::ruby_3des, posted_raw, secret), std::string(token));
}

TEST(LegacyTokens, WrongSecretOpensNothing) {
  EXPECT_EQ(open_legacy(legacy_scheme::cryptojs_aes, cryptojs_token, wrong_secret), std::nullopt);
  EXPECT_EQ(open_legacy(legacy_scheme::node_aes_256_cbc, node_cbc_token, wrong_secret),
            std::nullopt);
  EXPECT_EQ(open_legacy(legacy_scheme::ruby_3des, ruby_token, wrong_secret), std::nullopt);
}

// CTR has no integrity check: only the printable-text check turns the garbage away.
TEST(LegacyTokens, WrongSecretOnCtrTokenFailsTheVisibleTextCheck) {
  EXPECT_EQ(open_legacy(legacy_scheme::node_aes_256_ctr, node_ctr_token, wrong_secret),
            std::nullopt);
}

TEST(LegacyTokens, TamperedCbcTokensAreRejected) {
  std::string cbc(node_cbc_token);
  cbc[0] = cbc[0] == '0' ? '1' : '0';
  EXPECT_EQ(open_legacy(legacy_scheme::node_aes_256_cbc, cbc, secret), std::nullopt);
  std::string ruby(ruby_token);
  ruby[3] = ruby[3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(open_legacy(legacy_scheme::ruby_3des, ruby, secret), std::nullopt);
}

TEST(LegacyTokens, TruncatedTokensAreRejected) {
  EXPECT_EQ(open_legacy(legacy_scheme::node_aes_256_cbc, node_cbc_token.substr(0, 64), secret),
            std::nullopt);
  EXPECT_EQ(open_legacy(legacy_scheme::node_aes_256_cbc, node_cbc_token.substr(1), secret),
            std::nullopt);
  EXPECT_EQ(open_legacy(legacy_scheme::cryptojs_aes, cryptojs_token.substr(0, 24), secret),
            std::nullopt);
  EXPECT_EQ(open_legacy(legacy_scheme::cryptojs_aes, cryptojs_token.substr(0, 100), secret),
            std::nullopt);
  EXPECT_EQ(open_legacy(legacy_scheme::ruby_3des, ruby_token.substr(0, 120), secret), std::nullopt);
}

TEST(LegacyTokens, GarbageAndEmptyTokensAreRejected) {
  for (legacy_scheme scheme : {legacy_scheme::cryptojs_aes, legacy_scheme::node_aes_256_cbc,
                               legacy_scheme::node_aes_256_ctr, legacy_scheme::ruby_3des}) {
    EXPECT_EQ(open_legacy(scheme, "", secret), std::nullopt);
    EXPECT_EQ(open_legacy(scheme, "not a token at all!", secret), std::nullopt);
    EXPECT_EQ(open_legacy(scheme, "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", secret),
              std::nullopt);
    EXPECT_EQ(open_legacy(scheme, std::string(20000, 'a'), secret), std::nullopt);
  }
}

TEST(LegacyTokens, EachSchemeRejectsTheOtherSchemesTokens) {
  EXPECT_EQ(open_legacy(legacy_scheme::node_aes_256_cbc, cryptojs_token, secret), std::nullopt);
  EXPECT_EQ(open_legacy(legacy_scheme::cryptojs_aes, ruby_token, secret), std::nullopt);
  EXPECT_EQ(open_legacy(legacy_scheme::ruby_3des, node_cbc_token, secret), std::nullopt);
  EXPECT_EQ(open_legacy(legacy_scheme::node_aes_256_ctr, cryptojs_token, secret), std::nullopt);
}

TEST(LegacyOpener, OpensEveryEnabledSchemesTokens) {
  const legacy_opener opener(secret,
                             parse_legacy_schemes("cryptojs,node-cbc,node-ctr,ruby-3des").schemes);
  for (std::string_view legacy : {cryptojs_token, node_cbc_token, node_ctr_token, ruby_token}) {
    EXPECT_EQ(opener.open(legacy), std::string(token));
  }
}

TEST(LegacyOpener, RejectsTokensOfSchemesNotEnabled) {
  const legacy_opener only_ruby(secret, {legacy_scheme::ruby_3des});
  EXPECT_EQ(only_ruby.open(ruby_token), std::string(token));
  EXPECT_EQ(only_ruby.open(cryptojs_token), std::nullopt);
  EXPECT_EQ(only_ruby.open(node_cbc_token), std::nullopt);
  EXPECT_EQ(only_ruby.open(node_ctr_token), std::nullopt);
  const legacy_opener none(secret, {});
  EXPECT_EQ(none.open(ruby_token), std::nullopt);
}

TEST(LegacySchemes, ParsesNamesIgnoringCaseSpacesEmptyEntriesAndRepeats) {
  const auto parsed = parse_legacy_schemes(" Ruby-3DES, cryptojs,,node-ctr ,cryptojs,NODE-CBC,");
  const std::vector<legacy_scheme> expected = {
      legacy_scheme::ruby_3des, legacy_scheme::cryptojs_aes, legacy_scheme::node_aes_256_ctr,
      legacy_scheme::node_aes_256_cbc};
  EXPECT_EQ(parsed.schemes, expected);
  EXPECT_TRUE(parsed.unknown.empty());
}

TEST(LegacySchemes, ReportsUnknownNames) {
  const auto parsed = parse_legacy_schemes("cryptojs, rot13 ,aes");
  EXPECT_EQ(parsed.schemes, std::vector<legacy_scheme>{legacy_scheme::cryptojs_aes});
  EXPECT_EQ(parsed.unknown, (std::vector<std::string>{"rot13", "aes"}));
}

TEST(LegacySchemes, EmptyListEnablesNothing) {
  EXPECT_TRUE(parse_legacy_schemes("").schemes.empty());
  EXPECT_TRUE(parse_legacy_schemes(" , ").unknown.empty());
}

TEST(LegacySchemes, NamesRoundTrip) {
  for (legacy_scheme scheme : {legacy_scheme::cryptojs_aes, legacy_scheme::node_aes_256_cbc,
                               legacy_scheme::node_aes_256_ctr, legacy_scheme::ruby_3des}) {
    const auto parsed = parse_legacy_schemes(legacy_scheme_name(scheme));
    EXPECT_EQ(parsed.schemes, std::vector<legacy_scheme>{scheme});
  }
}

} // namespace
} // namespace tokenswap::core
