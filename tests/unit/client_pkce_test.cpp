#include "client/pkce.hpp"

#include "core/pkce.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tokenswap::client {
namespace {

TEST(ClientPkce, VerifierIsValidAndItsChallengeMatches) {
  auto pair = make_pkce();
  EXPECT_EQ(pair.verifier.size(), 64u);
  EXPECT_TRUE(core::is_pkce_value(pair.verifier));
  EXPECT_EQ(pair.challenge, core::s256_challenge(pair.verifier));
  EXPECT_EQ(pair.challenge.size(), 43u);
}

TEST(ClientPkce, EveryVerifierIsNew) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(seen.insert(make_pkce().verifier).second);
  }
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
