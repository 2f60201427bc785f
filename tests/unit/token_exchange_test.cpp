#include "core/token_exchange.hpp"

#include "core/params.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace tokenswap::core {
namespace {

upstream_answer answer(unsigned status, std::string_view body,
                       std::optional<std::string_view> retry_after = std::nullopt) {
  return {status, "application/json", body, retry_after};
}

TEST(CodeGrantBody, EncodesEveryField) {
  auto body = code_grant_body({"c+d/e", "myapp://cb?x=1", std::nullopt});
  auto decoded = decode_form(body);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded->required("grant_type"), "authorization_code");
  EXPECT_EQ(*decoded->required("code"), "c+d/e");
  EXPECT_EQ(*decoded->required("redirect_uri"), "myapp://cb?x=1");
  EXPECT_EQ(decoded->count("code_verifier"), 0u);
}

// The server always authenticates with its secret (Basic), so the verifier travels alone.
TEST(CodeGrantBody, ForwardsPkceVerifier) {
  auto decoded = decode_form(code_grant_body({"c", "x://y", "verifier-123"}));
  EXPECT_EQ(*decoded->required("code_verifier"), "verifier-123");
  EXPECT_EQ(decoded->count("client_id"), 0u);
}

TEST(RefreshGrantBody, EncodesToken) {
  auto decoded = decode_form(refresh_grant_body("a+b=="));
  EXPECT_EQ(*decoded->required("grant_type"), "refresh_token");
  EXPECT_EQ(*decoded->required("refresh_token"), "a+b==");
}

TEST(BasicAuthorization, EncodesIdAndSecret) {
  EXPECT_EQ(basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(ReadTokenAnswer, ReadsSpotifySuccess) {
  auto tokens = read_token_answer(answer(200, R"({"access_token":"at","token_type":"Bearer",
      "scope":"user-read-email","expires_in":3600,"refresh_token":"rt"})"),
                                  true);
  ASSERT_TRUE(tokens);
  EXPECT_EQ(tokens->access_token, "at");
  EXPECT_EQ(tokens->scope, "user-read-email");
  EXPECT_EQ(tokens->expires_in, 3600);
  EXPECT_EQ(tokens->refresh_token, "rt");
}

TEST(ReadTokenAnswer, RefreshWithoutNewRefreshTokenIsFine) {
  auto tokens = read_token_answer(answer(200, R"({"access_token":"at","expires_in":3600})"), false);
  ASSERT_TRUE(tokens);
  EXPECT_FALSE(tokens->refresh_token);
  EXPECT_EQ(tokens->token_type, "Bearer");
}

TEST(ReadTokenAnswer, CodeGrantWithoutRefreshTokenIsUnusable) {
  auto tokens = read_token_answer(answer(200, R"({"access_token":"at","expires_in":3600})"), true);
  ASSERT_FALSE(tokens);
  EXPECT_EQ(tokens.error().status, 502u);
}

TEST(ReadTokenAnswer, ExpiresInAsStringBecomesNumber) {
  auto tokens =
      read_token_answer(answer(200, R"({"access_token":"at","expires_in":"3600"})"), false);
  ASSERT_TRUE(tokens);
  EXPECT_EQ(tokens->expires_in, 3600);
  auto json = boost::json::parse(token_response_json(*tokens));
  EXPECT_TRUE(json.at("expires_in").is_int64());
}

TEST(ReadTokenAnswer, MalformedSuccessIsBadGateway) {
  for (auto body : {"not json", "[]", R"({"expires_in":3600})", R"({"access_token":"a"})",
                    R"({"access_token":"","expires_in":1})", R"({"access_token":5,"expires_in":1})",
                    R"({"access_token":"a","expires_in":"soon"})",
                    R"({"access_token":"a","expires_in":-100})"}) {
    auto tokens = read_token_answer(answer(200, body), false);
    ASSERT_FALSE(tokens) << body;
    EXPECT_EQ(tokens.error().status, 502u) << body;
    EXPECT_EQ(tokens.error().error, "server_error");
  }
}

TEST(ReadTokenAnswer, SpotifyErrorsPassOnWithStatusAndCode) {
  struct row {
    unsigned status;
    const char* body;
    const char* error;
    const char* description;
  };
  const row rows[] = {
      {400, R"({"error":"invalid_grant","error_description":"Invalid authorization code"})",
       "invalid_grant", "Invalid authorization code"},
      {400, R"({"error":"invalid_grant","error_description":"Refresh token revoked"})",
       "invalid_grant", "Refresh token revoked"},
      {400, R"({"error":"invalid_client","error_description":"Invalid client secret"})",
       "invalid_client", "Invalid client secret"},
      {400, R"({"error":"invalid_request","error_description":"code_verifier required"})",
       "invalid_request", "code_verifier required"},
      {401, R"({"error":"invalid_client"})", "invalid_client",
       "the accounts service refused the request"},
      {400, "<html>bad</html>", "invalid_request", "the accounts service refused the request"},
      {403, "", "access_denied", "the accounts service refused the request"},
  };
  for (const auto& r : rows) {
    auto tokens = read_token_answer(answer(r.status, r.body), true);
    ASSERT_FALSE(tokens);
    EXPECT_EQ(tokens.error().status, r.status) << r.body;
    EXPECT_EQ(tokens.error().error, r.error) << r.body;
    EXPECT_EQ(tokens.error().description, r.description) << r.body;
  }
}

TEST(ReadTokenAnswer, RateLimitPassesRetryAfter) {
  auto tokens = read_token_answer(answer(429, "", "17"), false);
  ASSERT_FALSE(tokens);
  EXPECT_EQ(tokens.error().status, 429u);
  EXPECT_EQ(tokens.error().retry_after, std::chrono::seconds(17));
}

TEST(ReadTokenAnswer, RateLimitWithoutRetryAfterGetsDefault) {
  auto tokens = read_token_answer(answer(429, ""), false);
  EXPECT_EQ(tokens.error().retry_after, std::chrono::seconds(5));
}

TEST(ReadTokenAnswer, ServerErrorsAreBadGatewayExceptUnavailable) {
  EXPECT_EQ(read_token_answer(answer(500, ""), false).error().status, 502u);
  EXPECT_EQ(read_token_answer(answer(502, ""), false).error().status, 502u);
  EXPECT_EQ(read_token_answer(answer(302, ""), false).error().status, 502u);
  auto unavailable = read_token_answer(answer(503, "", "3"), false);
  EXPECT_EQ(unavailable.error().status, 503u);
  EXPECT_EQ(unavailable.error().retry_after, std::chrono::seconds(3));
}

TEST(TroubleError, TimeoutIsGatewayTimeout) {
  EXPECT_EQ(trouble_error(upstream_trouble::timeout).status, 504u);
  EXPECT_EQ(trouble_error(upstream_trouble::unreachable).status, 502u);
  EXPECT_EQ(trouble_error(upstream_trouble::unusable).status, 502u);
}

TEST(RetryAfterSeconds, ParsesDeltaSecondsOnly) {
  EXPECT_EQ(retry_after_seconds("120", 5), 120);
  EXPECT_EQ(retry_after_seconds("Wed, 21 Oct 2026 07:28:00 GMT", 5), 5);
  EXPECT_EQ(retry_after_seconds("-3", 5), 5);
  EXPECT_EQ(retry_after_seconds(std::nullopt, 5), 5);
  EXPECT_EQ(retry_after_seconds("999999", 5), 3600);
}

TEST(TokenResponseJson, OmitsAbsentRefreshToken) {
  token_response tokens{"at", "Bearer", "a b", 3600, std::nullopt};
  auto json = boost::json::parse(token_response_json(tokens)).as_object();
  EXPECT_EQ(json.at("access_token").as_string(), "at");
  EXPECT_EQ(json.at("expires_in").as_int64(), 3600);
  EXPECT_FALSE(json.contains("refresh_token"));
}

TEST(TokenResponseJson, EscapesWhatJsonRequiresAndKeepsUtf8) {
  const std::string awkward = "q\"b\\n\n\t\x01 caf\xc3\xa9 \xf0\x9f\x8e\xb5";
  token_response tokens{awkward, "Bearer", awkward, -1, awkward};
  auto json = boost::json::parse(token_response_json(tokens)).as_object();
  EXPECT_EQ(json.at("access_token").as_string(), awkward);
  EXPECT_EQ(json.at("scope").as_string(), awkward);
  EXPECT_EQ(json.at("refresh_token").as_string(), awkward);
  EXPECT_EQ(json.at("expires_in").as_int64(), -1);
  EXPECT_EQ(json.size(), 5u);
}

} // namespace
} // namespace tokenswap::core
