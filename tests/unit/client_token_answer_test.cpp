#include "client/token_answer.hpp"

#include <gtest/gtest.h>

namespace tokenswap::client {
namespace {

using namespace std::chrono_literals;

constexpr auto exchange_ok = R"({"access_token":"a1","token_type":"Bearer","scope":"s",
  "expires_in":3600,"refresh_token":"r1"})";

TEST(ClientTokenAnswer, ReadsAnExchangeGrant) {
  auto grant = read_token_answer(token_call::exchange, 200, exchange_ok);
  ASSERT_TRUE(grant) << grant.error().message;
  EXPECT_EQ(grant->access_token, "a1");
  EXPECT_EQ(grant->expires_in, 3600s);
  EXPECT_EQ(grant->refresh_token, "r1");
}

TEST(ClientTokenAnswer, ARefreshMayOmitTheRefreshToken) {
  auto grant = read_token_answer(token_call::refresh, 200,
                                 R"({"access_token":"a2","token_type":"Bearer","expires_in":60})");
  ASSERT_TRUE(grant);
  EXPECT_FALSE(grant->refresh_token);
}

TEST(ClientTokenAnswer, AnExchangeWithoutRefreshTokenIsUnusable) {
  auto grant =
      read_token_answer(token_call::exchange, 200, R"({"access_token":"a2","expires_in":60})");
  ASSERT_FALSE(grant);
  EXPECT_EQ(grant.error().kind, error_kind::server_error);
}

TEST(ClientTokenAnswer, ExpiresInAsAStringIsAccepted) {
  auto grant =
      read_token_answer(token_call::refresh, 200, R"({"access_token":"a","expires_in":"3600"})");
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->expires_in, 3600s);
}

TEST(ClientTokenAnswer, RefusedRefreshMeansLogInAgain) {
  auto r =
      read_token_answer(token_call::refresh, 400,
                        R"({"error":"invalid_grant","error_description":"Refresh token revoked"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::needs_login);
  EXPECT_NE(r.error().message.find("Refresh token revoked"), std::string::npos);
}

TEST(ClientTokenAnswer, RefusedCodeIsARejection) {
  auto r = read_token_answer(token_call::exchange, 400, R"({"error":"invalid_grant"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::rejected_by_spotify);
}

TEST(ClientTokenAnswer, InvalidClientIsARejection) {
  auto r = read_token_answer(token_call::refresh, 400, R"({"error":"invalid_client"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::rejected_by_spotify);
}

TEST(ClientTokenAnswer, ServerTroubleIsAServerError) {
  for (unsigned status : {500u, 502u, 504u, 429u}) {
    auto r =
        read_token_answer(token_call::refresh, status, R"({"error":"temporarily_unavailable"})");
    ASSERT_FALSE(r) << status;
    EXPECT_EQ(r.error().kind, error_kind::server_error) << status;
  }
  auto html = read_token_answer(token_call::refresh, 502, "<html>Bad Gateway</html>");
  ASSERT_FALSE(html);
  EXPECT_EQ(html.error().kind, error_kind::server_error);
}

TEST(ClientTokenAnswer, AnErrorWithStatus200IsStillAnError) {
  auto r = read_token_answer(token_call::exchange, 200, R"({"error":"invalid_grant"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::rejected_by_spotify);
}

TEST(ClientTokenAnswer, RotatedRefreshTokenReplacesTheStoredOne) {
  session old;
  old.refresh_token = "r-old";
  old.access_token = "a-old";
  auto now = time_point(std::chrono::seconds(1'000));
  token_grant grant{"a-new", "Bearer", "", 60s, std::string("r-new")};
  auto updated = apply_grant(old, grant, now);
  EXPECT_EQ(updated.refresh_token, "r-new");
  EXPECT_EQ(updated.access_token, "a-new");
  EXPECT_EQ(updated.expires_at, now + 60s);
}

TEST(ClientTokenAnswer, WithoutRotationTheOldRefreshTokenStays) {
  session old;
  old.refresh_token = "r-old";
  old.granted_scope = "s";
  token_grant grant{"a-new", "Bearer", "", 60s, std::nullopt};
  auto updated = apply_grant(old, grant, time_point());
  EXPECT_EQ(updated.refresh_token, "r-old");
  EXPECT_EQ(updated.granted_scope, "s");
}

} // namespace
} // namespace tokenswap::client
