#include "core/sealer.hpp"

#include "core/base64.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tokenswap::core {
namespace {

constexpr std::string_view token = "AQD2n4tL0kM8zq_example-refresh-token-value";
constexpr std::string_view client = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

sealer::raw_key key_filled_with(unsigned char value) {
  sealer::raw_key key;
  key.fill(value);
  return key;
}

// Ready keys keep these tests fast: ctest runs each test in its own process, and scrypt is slow on
// purpose. Derivation from secrets has its own suite below.
class Sealer : public ::testing::Test {
protected:
  const sealer old_only_ = sealer::from_keys({key_filled_with(1)});
  const sealer rotated_ = sealer::from_keys({key_filled_with(2), key_filled_with(1)});
  const sealer other_ = sealer::from_keys({key_filled_with(3)});
};

TEST_F(Sealer, OpensWhatItSealed) {
  const std::string sealed = rotated_.seal(token, client);
  EXPECT_EQ(rotated_.open(sealed, client), std::string(token));
}

TEST_F(Sealer, SealedTokenDoesNotContainThePlainToken) {
  const std::string sealed = rotated_.seal(token, client);
  EXPECT_EQ(sealed.find(token), std::string::npos);
  EXPECT_EQ(sealed.find(base64url_encode(token)), std::string::npos);
}

TEST_F(Sealer, StartsWithTheVersionPrefix) {
  EXPECT_TRUE(rotated_.seal(token, client).starts_with("v1."));
}

TEST_F(Sealer, RoundTripsAnEmptyToken) {
  const std::string sealed = rotated_.seal("", client);
  EXPECT_EQ(rotated_.open(sealed, client), std::string());
}

TEST_F(Sealer, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
  }
  EXPECT_EQ(rotated_.open(rotated_.seal(bytes, client), client), bytes);
}

TEST_F(Sealer, FlippingAnyBitOfAnyCharacterIsRejected) {
  const std::string sealed = rotated_.seal(token, client);
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string tampered = sealed;
      tampered[i] = static_cast<char>(tampered[i] ^ (1 << bit));
      EXPECT_EQ(rotated_.open(tampered, client), std::nullopt) << "position " << i;
    }
  }
}

TEST_F(Sealer, FlippingAnyBitOfTheSealedBytesIsRejected) {
  const std::string sealed = rotated_.seal(token, client);
  const std::string raw = *base64url_decode(std::string_view(sealed).substr(3));
  for (std::size_t i = 0; i < raw.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string tampered = raw;
      tampered[i] = static_cast<char>(tampered[i] ^ (1 << bit));
      EXPECT_EQ(rotated_.open("v1." + base64url_encode(tampered), client), std::nullopt)
          << "byte " << i << " bit " << bit;
    }
  }
}

TEST_F(Sealer, TruncationAtAnyLengthIsRejected) {
  const std::string sealed = rotated_.seal(token, client);
  for (std::size_t length = 0; length < sealed.size(); ++length) {
    EXPECT_EQ(rotated_.open(sealed.substr(0, length), client), std::nullopt) << length;
  }
}

TEST_F(Sealer, AppendedCharactersAreRejected) {
  const std::string sealed = rotated_.seal(token, client);
  EXPECT_EQ(rotated_.open(sealed + "A", client), std::nullopt);
  EXPECT_EQ(rotated_.open(sealed + "AAAA", client), std::nullopt);
}

TEST_F(Sealer, TokenFromAnotherKeyIsRejected) {
  EXPECT_EQ(rotated_.open(other_.seal(token, client), client), std::nullopt);
  EXPECT_EQ(other_.open(rotated_.seal(token, client), client), std::nullopt);
}

TEST_F(Sealer, TokenSealedForAnotherClientIsRejected) {
  const std::string sealed = rotated_.seal(token, client);
  EXPECT_EQ(rotated_.open(sealed, "another-client-id"), std::nullopt);
  EXPECT_EQ(rotated_.open(sealed, ""), std::nullopt);
}

TEST_F(Sealer, PreviousSecretStillOpensOldTokens) {
  const std::string old_token = old_only_.seal(token, client);
  EXPECT_EQ(rotated_.open(old_token, client), std::string(token));
}

TEST_F(Sealer, NewTokensAreSealedWithTheCurrentSecret) {
  const std::string new_token = rotated_.seal(token, client);
  EXPECT_EQ(old_only_.open(new_token, client), std::nullopt);
  const sealer current_only = sealer::from_keys({key_filled_with(2)});
  EXPECT_EQ(current_only.open(new_token, client), std::string(token));
}

TEST_F(Sealer, CountsCurrentAndDistinctPreviousKeys) {
  EXPECT_EQ(old_only_.key_count(), 1u);
  EXPECT_EQ(rotated_.key_count(), 2u);
}

TEST_F(Sealer, RejectsWrongPrefixAndBadBase64) {
  const std::string sealed = rotated_.seal(token, client);
  const std::string body = sealed.substr(3);
  EXPECT_EQ(rotated_.open("v2." + body, client), std::nullopt);
  EXPECT_EQ(rotated_.open(body, client), std::nullopt);
  EXPECT_EQ(rotated_.open("v1." + body + "=", client), std::nullopt);
  EXPECT_EQ(rotated_.open("v1.!!!!" + body, client), std::nullopt);
  EXPECT_EQ(rotated_.open("", client), std::nullopt);
  EXPECT_EQ(rotated_.open("v1.", client), std::nullopt);
}

TEST_F(Sealer, EverySealedTokenSurvivesARawFormPost) {
  for (int i = 0; i < 500; ++i) {
    const std::string sealed = rotated_.seal(std::string(token) + std::to_string(i), client);
    ASSERT_EQ(sealed.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789._-"),
              std::string::npos)
        << sealed;
  }
}

TEST_F(Sealer, EachSealUsesAFreshNonce) {
  std::set<std::string> nonces;
  std::set<std::string> sealed_tokens;
  for (int i = 0; i < 1000; ++i) {
    const std::string sealed = rotated_.seal(token, client);
    sealed_tokens.insert(sealed);
    nonces.insert(base64url_decode(std::string_view(sealed).substr(3))->substr(0, 12));
  }
  EXPECT_EQ(nonces.size(), 1000u);
  EXPECT_EQ(sealed_tokens.size(), 1000u);
}

TEST_F(Sealer, SealsAndOpensFromManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t, &failures] {
      for (int i = 0; i < 200; ++i) {
        const std::string plain = std::to_string(t) + "-" + std::to_string(i);
        if (rotated_.open(rotated_.seal(plain, client), client) != plain) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(Sealer, RefusesToBeBuiltWithoutAKey) {
  EXPECT_THROW(sealer::from_keys({}), std::invalid_argument);
}

// Python's hashlib.scrypt(b"MY_SECRET_KEY", salt=b"tokenswap refresh-token sealing key v1",
// n=2**15, r=8, p=1, dklen=32) computed the key; a token sealed by the first release was checked
// against it with the cryptography package's AESGCM. A change of parameters, salt or format would
// log out every user, so these values are fixed for good.
constexpr sealer::raw_key my_secret_key_v1 = {
    0x29, 0x6e, 0xa7, 0xff, 0xc7, 0x2b, 0x58, 0xa4, 0x6c, 0xf7, 0x73, 0xe3, 0xd5, 0x2a, 0x46, 0x25,
    0x5c, 0xb0, 0xc0, 0x14, 0x73, 0x90, 0x29, 0x1e, 0x9f, 0xa9, 0xc2, 0x99, 0x05, 0x6f, 0x1c, 0x03};
constexpr std::string_view sealed_by_v1 =
    "v1.YrFaeKs7ZLKknKEWgyZe6LhV_UywkWfrWTOBY6_MYi_ipEvLo6pQsC6AhPUj8u4-"
    "OdbNUn1Tg7kmx8xNK1FW7a9kb3WIog";

TEST(SealerDerivation, DerivesTheScryptKeyAndOpensTokensOfEarlierReleases) {
  const sealer derived = sealer::derive("MY_SECRET_KEY", {});
  EXPECT_EQ(derived.open(sealed_by_v1, client), std::string(token));
  const sealer reference = sealer::from_keys({my_secret_key_v1});
  EXPECT_EQ(reference.open(derived.seal(token, client), client), std::string(token));
}

TEST(SealerDerivation, SealsWithTheCurrentSecretAndOpensWithPreviousOnes) {
  const sealer before = sealer::derive("old secret", {});
  const sealer after = sealer::derive("new secret", {"old secret"});
  EXPECT_EQ(after.open(before.seal(token, client), client), std::string(token));
  EXPECT_EQ(before.open(after.seal(token, client), client), std::nullopt);
}

TEST(SealerDerivation, SkipsEmptyAndRepeatedPreviousSecrets) {
  const sealer s = sealer::derive("new secret", {"", "new secret", "old secret", "old secret"});
  EXPECT_EQ(s.key_count(), 2u);
}

TEST(SealerSecrets, GeneratedSecretsAreStrongUrlSafeAndDistinct) {
  const std::string first = generate_secret();
  const std::string second = generate_secret();
  EXPECT_EQ(first.size(), 43u);
  EXPECT_EQ(base64url_decode(first)->size(), 32u);
  EXPECT_FALSE(is_weak_secret(first));
  EXPECT_NE(first, second);
}

TEST(SealerSecrets, SecretsShorterThan32CharactersAreWeak) {
  EXPECT_TRUE(is_weak_secret(""));
  EXPECT_TRUE(is_weak_secret("MY_SECRET_KEY"));
  EXPECT_TRUE(is_weak_secret(std::string(31, 'x')));
  EXPECT_FALSE(is_weak_secret(std::string(32, 'x')));
}

} // namespace
} // namespace tokenswap::core
