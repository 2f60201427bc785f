#include "client/pkce.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tokenswap::client {
namespace {

// RFC 7636 appendix B.
TEST(ClientPkce, S256MatchesTheRfcExample) {
  EXPECT_EQ(s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(ClientPkce, VerifierIsValidAndItsChallengeMatches) {
  auto pair = make_pkce();
  EXPECT_EQ(pair.verifier.size(), 64u);
  EXPECT_TRUE(is_valid_verifier(pair.verifier));
  EXPECT_EQ(pair.challenge, s256_challenge(pair.verifier));
  EXPECT_EQ(pair.challenge.size(), 43u);
}

TEST(ClientPkce, EveryVerifierIsNew) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(seen.insert(make_pkce().verifier).second);
  }
}

TEST(ClientPkce, VerifierRulesFollowTheRfc) {
  EXPECT_FALSE(is_valid_verifier(std::string(42, 'a')));
  EXPECT_TRUE(is_valid_verifier(std::string(43, 'a')));
  EXPECT_TRUE(is_valid_verifier(std::string(128, '~')));
  EXPECT_FALSE(is_valid_verifier(std::string(129, 'a')));
  EXPECT_FALSE(is_valid_verifier(std::string(50, 'a') + "+"));
  EXPECT_FALSE(is_valid_verifier(std::string(50, 'a') + "="));
}

TEST(ClientPkce, StateIsUrlSafeAndUnique) {
  auto a = make_state();
  auto b = make_state();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

} // namespace
} // namespace tokenswap::client
