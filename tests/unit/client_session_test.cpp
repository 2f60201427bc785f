#include "client/session.hpp"

#include <gtest/gtest.h>

namespace tokenswap::client {
namespace {

using namespace std::chrono_literals;

const time_point t0 = time_point(std::chrono::seconds(1'800'000'000));

session sample() {
  session s;
  s.client_id = "app";
  s.scopes = {"user-read-email", "user-read-private"};
  s.exchange_url = "https://swap.example/exchange";
  s.refresh_url = "https://swap.example/refresh";
  s.access_token = "access-1";
  s.granted_scope = "user-read-email user-read-private";
  s.expires_at = t0 + 3600s;
  s.refresh_token = "sealed-1";
  return s;
}

TEST(ClientSession, JsonRoundTripKeepsEveryField) {
  auto text = to_json(sample());
  auto back = session_from_json(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, sample());
}

TEST(ClientSession, ExpiryIsStoredInUnixSeconds) {
  EXPECT_NE(to_json(sample()).find(R"("expires_at":1800003600)"), std::string::npos);
}

TEST(ClientSession, FreshUntilTheMarginBeforeExpiry) {
  auto s = sample();
  EXPECT_TRUE(is_fresh(s, t0, 30s));
  EXPECT_TRUE(is_fresh(s, t0 + 3569s, 30s));
  EXPECT_FALSE(is_fresh(s, t0 + 3570s, 30s));
  EXPECT_FALSE(is_fresh(s, t0 + 4000s, 30s));
}

TEST(ClientSession, ZeroMarginMeansUntilTheExpirySecond) {
  auto s = sample();
  EXPECT_TRUE(is_fresh(s, t0 + 3599s, 0s));
  EXPECT_FALSE(is_fresh(s, t0 + 3600s, 0s));
}

TEST(ClientSession, MarginLongerThanTheLifetimeIsNeverFresh) {
  auto s = sample();
  s.expires_at = expiry_after(t0, 20s);
  EXPECT_FALSE(is_fresh(s, t0, 30s));
}

TEST(ClientSession, ExpiryAfterAddsTheLifetime) { EXPECT_EQ(expiry_after(t0, 3600s), t0 + 3600s); }

TEST(ClientSession, ExpiryIsRoundedDownToWholeSeconds) {
  EXPECT_EQ(expiry_after(t0 + 900ms, 60s), t0 + 60s);
  auto s = session{};
  s.client_id = "app";
  s.refresh_url = "r";
  s.access_token = "a";
  s.refresh_token = "t";
  s.expires_at = expiry_after(t0 + 900ms, 60s);
  EXPECT_EQ(session_from_json(to_json(s)).value(), s) << "memory and file agree";
}

TEST(ClientSession, NonPositiveLifetimeIsAlreadyExpired) {
  EXPECT_EQ(expiry_after(t0, 0s), t0);
  EXPECT_EQ(expiry_after(t0, -5s), t0);
}

TEST(ClientSession, GarbageNeedsALogin) {
  auto r = session_from_json("{not json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::needs_login);
}

TEST(ClientSession, MissingRefreshTokenNeedsALogin) {
  auto s = sample();
  s.refresh_token.clear();
  auto r = session_from_json(to_json(s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::needs_login);
}

TEST(ClientSession, UnknownFieldsAreIgnored) {
  auto text = to_json(sample());
  text.insert(text.find("\"refresh_token\""), R"("added_later":[1,2],)");
  EXPECT_TRUE(session_from_json(text));
}

TEST(ClientSession, UnknownVersionIsRefused) {
  auto text = to_json(sample());
  text.replace(text.find("\"version\":1"), 11, "\"version\":9");
  EXPECT_FALSE(session_from_json(text));
}

TEST(ClientSession, ErrorMessagesHoldNoToken) {
  auto s = sample();
  s.client_id.clear();
  auto r = session_from_json(to_json(s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find("access-1"), std::string::npos);
  EXPECT_EQ(r.error().message.find("sealed-1"), std::string::npos);
}

} // namespace
} // namespace tokenswap::client
