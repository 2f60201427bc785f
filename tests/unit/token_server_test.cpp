#include "server/token_server.hpp"

#include "core/params.hpp"
#include "upstream/token_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace tokenswap::server {
namespace {

// Answers with whatever the test queued and records what was sent.
class fake_token_client : public upstream::token_client {
public:
  net::awaitable<upstream::token_outcome> post_token(upstream::token_call call) override {
    calls.push_back(std::move(call));
    co_return next;
  }

  void answer(unsigned status, std::string body, std::optional<std::string> retry_after = {}) {
    next = {upstream::token_reply{status, std::move(body), "application/json", retry_after},
            upstream::token_failure::unreachable, std::chrono::milliseconds(3)};
  }
  void fail(upstream::token_failure failure) { next = {std::nullopt, failure, {}}; }

  std::vector<upstream::token_call> calls;
  upstream::token_outcome next;
};

core::config test_config() {
  core::config c;
  c.client_id = "app";
  c.client_secret = core::secret("shh");
  c.callback_url = "myapp://callback";
  c.encryption_secret = core::secret("unused: keys are given directly");
  return c;
}

class TokenServer : public ::testing::Test {
protected:
  web::response post(std::string target, std::string body,
                     std::string content_type = "application/x-www-form-urlencoded") {
    web::request req{http::verb::post, target, 11};
    if (!content_type.empty()) {
      req.set(http::field::content_type, content_type);
    }
    req.body() = std::move(body);
    return send(std::move(req));
  }

  web::response send(web::request req) {
    auto result = net::co_spawn(context_, server_.handle(std::move(req), {}), net::use_future);
    context_.run();
    context_.restart();
    return result.get();
  }

  static boost::json::object json(const web::response& res) {
    return boost::json::parse(res.body()).as_object();
  }

  core::config config_ = test_config();
  core::sealer sealer_ = core::sealer::from_keys({core::sealer::raw_key{1, 2, 3}});
  fake_token_client upstream_;
  token_server server_{config_, sealer_, upstream_};
  net::io_context context_;
};

TEST_F(TokenServer, ExchangeSealsTheRefreshToken) {
  upstream_.answer(200, R"({"access_token":"at","token_type":"Bearer","scope":"s",
                           "expires_in":3600,"refresh_token":"spotify-rt"})");
  auto res = post("/exchange", "code=the-code");

  ASSERT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res[http::field::cache_control], "no-store");
  EXPECT_EQ(res[http::field::pragma], "no-cache");
  auto body = json(res);
  EXPECT_EQ(body.at("access_token").as_string(), "at");
  EXPECT_EQ(body.at("expires_in").as_int64(), 3600);
  std::string sealed(body.at("refresh_token").as_string());
  EXPECT_NE(sealed, "spotify-rt");
  EXPECT_EQ(sealer_.open(sealed, "app"), "spotify-rt");
}

TEST_F(TokenServer, ExchangeCallsSpotifyWithBasicAuthAndTheCallback) {
  upstream_.answer(200, R"({"access_token":"a","expires_in":1,"refresh_token":"r"})");
  post("/swap", "code=c1&client_id=ignored");

  ASSERT_EQ(upstream_.calls.size(), 1u);
  const auto& call = upstream_.calls[0];
  EXPECT_EQ(call.authorization, "Basic YXBwOnNoaA==");
  EXPECT_FALSE(call.retry_safe);
  auto form = core::decode_form(call.body);
  EXPECT_EQ(*form->required("grant_type"), "authorization_code");
  EXPECT_EQ(*form->required("code"), "c1");
  EXPECT_EQ(*form->required("redirect_uri"), "myapp://callback");
}

TEST_F(TokenServer, ForeignRedirectUriIsRefusedWithoutCallingSpotify) {
  auto res = post("/exchange", "code=c&redirect_uri=https%3A%2F%2Fevil.example%2Fcb");
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_EQ(json(res).at("error").as_string(), "invalid_request");
  EXPECT_TRUE(upstream_.calls.empty());
}

TEST_F(TokenServer, ConfiguredRedirectUriAndVerifierAreForwarded) {
  upstream_.answer(200, R"({"access_token":"a","expires_in":1,"refresh_token":"r"})");
  std::string verifier(43, 'v');
  auto res =
      post("/api/token",
           R"({"code":"c","redirect_uri":"myapp://callback","code_verifier":")" + verifier + "\"}",
           "application/json");
  ASSERT_EQ(res.result_int(), 200u);
  auto form = core::decode_form(upstream_.calls.at(0).body);
  EXPECT_EQ(*form->required("code_verifier"), verifier);
}

TEST_F(TokenServer, MalformedVerifierIsInvalidRequest) {
  EXPECT_EQ(post("/exchange", "code=c&code_verifier=short").result_int(), 400u);
  EXPECT_TRUE(upstream_.calls.empty());
}

TEST_F(TokenServer, MissingEmptyOrRepeatedCodeIsInvalidRequest) {
  for (auto body : {"", "code=", "code=a&code=b", "refresh_token=x"}) {
    auto res = post("/exchange", body);
    EXPECT_EQ(res.result_int(), 400u) << body;
    EXPECT_EQ(json(res).at("error").as_string(), "invalid_request") << body;
  }
  EXPECT_TRUE(upstream_.calls.empty());
}

TEST_F(TokenServer, RefreshOpensTokenAndKeepsOldOneWhenNotRotated) {
  upstream_.answer(200, R"({"access_token":"new-at","expires_in":3600,"scope":"s"})");
  auto sealed = sealer_.seal("spotify-rt", "app");
  auto res = post("/refresh", "grant_type=refresh_token&client_id=app&refresh_token=" + sealed);

  ASSERT_EQ(res.result_int(), 200u);
  EXPECT_FALSE(json(res).contains("refresh_token"));
  auto form = core::decode_form(upstream_.calls.at(0).body);
  EXPECT_EQ(*form->required("refresh_token"), "spotify-rt");
  EXPECT_TRUE(upstream_.calls[0].retry_safe);
}

TEST_F(TokenServer, RotatedRefreshTokenIsSealedAndReturned) {
  upstream_.answer(200, R"({"access_token":"a","expires_in":3600,"refresh_token":"rt-2"})");
  auto res = post("/api/refresh_token", "refresh_token=" + sealer_.seal("rt-1", "app"));
  ASSERT_EQ(res.result_int(), 200u);
  std::string sealed(json(res).at("refresh_token").as_string());
  EXPECT_EQ(sealer_.open(sealed, "app"), "rt-2");
}

TEST_F(TokenServer, TokenThatDoesNotOpenIsInvalidGrant) {
  auto other_app = sealer_.seal("rt", "other-app");
  for (std::string token : {std::string("garbage"), other_app, other_app.substr(0, 20)}) {
    auto res = post("/refresh", "refresh_token=" + token);
    EXPECT_EQ(res.result_int(), 400u);
    EXPECT_EQ(json(res).at("error").as_string(), "invalid_grant");
  }
  EXPECT_TRUE(upstream_.calls.empty());
}

TEST_F(TokenServer, SpotifyErrorsAndTroubleMapToStatuses) {
  upstream_.answer(400,
                   R"({"error":"invalid_grant","error_description":"Invalid authorization code"})");
  EXPECT_EQ(post("/exchange", "code=c").result_int(), 400u);
  upstream_.answer(429, "", "9");
  auto limited = post("/exchange", "code=c");
  EXPECT_EQ(limited.result_int(), 429u);
  EXPECT_EQ(limited[http::field::retry_after], "9");
  upstream_.fail(upstream::token_failure::timeout);
  EXPECT_EQ(post("/exchange", "code=c").result_int(), 504u);
  upstream_.fail(upstream::token_failure::unreachable);
  EXPECT_EQ(post("/exchange", "code=c").result_int(), 502u);
}

TEST_F(TokenServer, UnknownRouteIs404AndWrongMethodIs405) {
  EXPECT_EQ(post("/nope", "code=c").result_int(), 404u);
  auto res = send(web::request{http::verb::get, "/exchange", 11});
  EXPECT_EQ(res.result_int(), 405u);
  EXPECT_EQ(res[http::field::allow], "POST, OPTIONS");
}

TEST_F(TokenServer, UnsupportedContentTypeIs415) {
  EXPECT_EQ(post("/exchange", "code=c", "text/plain").result_int(), 415u);
}

TEST_F(TokenServer, PreflightIsAnsweredWith204) {
  web::request req{http::verb::options, "/refresh", 11};
  req.set(http::field::origin, "https://app.example.com");
  req.set(http::field::access_control_request_headers, "content-type");
  auto res = send(std::move(req));
  EXPECT_EQ(res.result_int(), 204u);
  EXPECT_EQ(res[http::field::access_control_allow_origin], "*");
  EXPECT_EQ(res[http::field::access_control_allow_headers], "content-type");
  EXPECT_TRUE(res[http::field::access_control_allow_credentials].empty());
}

TEST_F(TokenServer, OriginListNarrowsCors) {
  config_.cors_origins = {"https://app.example.com"};
  token_server narrowed{config_, sealer_, upstream_};
  web::request req{http::verb::options, "/exchange", 11};
  req.set(http::field::origin, "https://evil.example.com");
  auto denied = net::co_spawn(context_, narrowed.handle(req, {}), net::use_future);
  req.set(http::field::origin, "https://app.example.com");
  auto allowed = net::co_spawn(context_, narrowed.handle(req, {}), net::use_future);
  context_.run();
  EXPECT_TRUE(denied.get()[http::field::access_control_allow_origin].empty());
  EXPECT_EQ(allowed.get()[http::field::access_control_allow_origin], "https://app.example.com");
}

TEST_F(TokenServer, HealthAnswersGet) {
  EXPECT_EQ(send(web::request{http::verb::get, "/health", 11}).result_int(), 200u);
}

} // namespace
} // namespace tokenswap::server
