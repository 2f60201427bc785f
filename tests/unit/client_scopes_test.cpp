#include "client/scopes.hpp"

#include <gtest/gtest.h>

namespace tokenswap::client {
namespace {

using list = std::vector<std::string>;

TEST(ClientScopes, ParsesSpacesAndCommasIntoASortedSet) {
  EXPECT_EQ(parse_scopes("user-read-email, user-read-private  user-read-email"),
            (list{"user-read-email", "user-read-private"}));
}

TEST(ClientScopes, EmptyTextIsNoScopes) {
  EXPECT_TRUE(parse_scopes("").empty());
  EXPECT_TRUE(parse_scopes(" , ").empty());
}

TEST(ClientScopes, OrderDoesNotMatter) {
  EXPECT_TRUE(same_scopes({"a", "b", "c"}, {"c", "a", "b"}));
}

TEST(ClientScopes, RepeatsDoNotMatter) { EXPECT_TRUE(same_scopes({"a", "a", "b"}, {"b", "a"})); }

TEST(ClientScopes, AnAddedOrMissingScopeIsAChange) {
  EXPECT_FALSE(same_scopes({"a", "b"}, {"a", "b", "c"}));
  EXPECT_FALSE(same_scopes({"a", "b"}, {"a"}));
  EXPECT_FALSE(same_scopes({"a"}, {"b"}));
}

TEST(ClientScopes, JoinsWithSingleSpaces) {
  EXPECT_EQ(join_scopes({"a", "b"}), "a b");
  EXPECT_EQ(join_scopes({}), "");
}

} // namespace
} // namespace tokenswap::client
