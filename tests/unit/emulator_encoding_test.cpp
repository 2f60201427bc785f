#include "emulator/encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tokenswap::emulator {
namespace {

TEST(EmulatorEncoding, RandomTokensAreUrlSafeAndDistinct) {
  auto first = random_token("AQ");
  auto second = random_token("AQ");
  EXPECT_TRUE(first != second);
  EXPECT_TRUE(first.starts_with("AQ"));
  EXPECT_EQ(first.size(), 2u + 64u);
  EXPECT_EQ(
      first.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(EmulatorEncoding, ReadsCredentialsOfTheNamedSchemeInAnyCase) {
  EXPECT_EQ(credentials_for("Basic YWJj", "Basic"), "YWJj");
  EXPECT_EQ(credentials_for("bearer  BQx", "Bearer"), "BQx");
  EXPECT_FALSE(credentials_for("Bearer BQx", "Basic"));
  EXPECT_FALSE(credentials_for("Basic", "Basic"));
  EXPECT_FALSE(credentials_for("BasicYWJj", "Basic"));
}

} // namespace
} // namespace tokenswap::emulator
