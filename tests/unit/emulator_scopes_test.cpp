#include "emulator/scopes.hpp"

#include <gtest/gtest.h>

namespace tokenswap::emulator {
namespace {

using names = std::vector<std::string>;

TEST(EmulatorScopes, SplitsOnSpacesKeepingOrder) {
  auto parsed = parse_scopes("user-read-email playlist-read-private");
  EXPECT_EQ(parsed.names, (names{"user-read-email", "playlist-read-private"}));
  EXPECT_FALSE(parsed.unknown);
}

TEST(EmulatorScopes, IgnoresExtraSpacesAndRepeats) {
  auto parsed = parse_scopes("  streaming  streaming user-read-private ");
  EXPECT_EQ(parsed.names, (names{"streaming", "user-read-private"}));
}

TEST(EmulatorScopes, EmptyListIsValid) {
  auto parsed = parse_scopes("");
  EXPECT_TRUE(parsed.names.empty());
  EXPECT_FALSE(parsed.unknown);
}

TEST(EmulatorScopes, ReportsTheFirstUnknownName) {
  auto parsed = parse_scopes("user-read-email user-read-mind user-read-thoughts");
  ASSERT_TRUE(parsed.unknown);
  EXPECT_EQ(*parsed.unknown, "user-read-mind");
}

TEST(EmulatorScopes, CommaSeparatedListIsOneUnknownName) {
  auto parsed = parse_scopes("user-read-email,streaming");
  ASSERT_TRUE(parsed.unknown);
  EXPECT_EQ(*parsed.unknown, "user-read-email,streaming");
}

TEST(EmulatorScopes, EveryKnownScopeHasAnExplanation) {
  for (const auto& scope : known_scopes()) {
    EXPECT_FALSE(scope.explanation.empty()) << scope.name;
    EXPECT_EQ(find_scope(scope.name), &scope);
  }
}

TEST(EmulatorScopes, JoinsWithSingleSpaces) {
  EXPECT_EQ(join_scopes({"a", "b", "c"}), "a b c");
  EXPECT_EQ(join_scopes({}), "");
}

} // namespace
} // namespace tokenswap::emulator
