#include "emulator/token_endpoint.hpp"

#include "core/base64.hpp"
#include "core/params.hpp"
#include "emulator/encoding.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

namespace tokenswap::emulator {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

const time_point start = time_point(std::chrono::seconds(1'800'000'000));
constexpr auto redirect = "http://127.0.0.1:8888/callback";
constexpr auto verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr auto challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

std::string basic(std::string_view id, std::string_view secret) {
  return "Basic " + core::base64_encode(std::string(id) + ":" + std::string(secret));
}

class EmulatorTokenEndpoint : public ::testing::Test {
protected:
  EmulatorTokenEndpoint() {
    clients.add({"app", "secret", "App", {redirect}});
    clients.add({"other", "other-secret", "Other", {redirect}});
  }

  std::string code(std::string client = "app", std::string code_challenge = "") {
    authorization granted{client, "listener", {"user-read-email", "streaming"}, start};
    return grants.add_code({granted, redirect, std::move(code_challenge)}, start + 10min);
  }

  token_answer post(std::string_view body, std::string authorization = basic("app", "secret"),
                    time_point at = start) {
    return answer_token_request(authorization, body, clients, grants, policy, at);
  }

  token_answer exchange(const std::string& issued,
                        std::string authorization = basic("app", "secret")) {
    return post("grant_type=authorization_code&code=" + issued +
                    "&redirect_uri=" + core::form_encode(redirect),
                std::move(authorization));
  }

  token_answer refresh(const std::string& token, std::string authorization = basic("app", "secret"),
                       time_point at = start) {
    return post("grant_type=refresh_token&refresh_token=" + token, std::move(authorization), at);
  }

  static json::object body(const token_answer& answer) {
    return json::parse(answer.body).as_object();
  }

  static void expect_error(const token_answer& answer, std::string_view error,
                           std::string_view description) {
    EXPECT_EQ(answer.status, 400u);
    auto parsed = body(answer);
    EXPECT_EQ(parsed["error"].as_string(), error);
    EXPECT_EQ(parsed["error_description"].as_string(), description);
  }

  client_registry clients;
  grant_store grants;
  token_policy policy;
};

TEST_F(EmulatorTokenEndpoint, CodeGrantAnswersSpotifysFields) {
  auto answer = exchange(code());
  ASSERT_EQ(answer.status, 200u) << answer.body;
  auto parsed = body(answer);
  EXPECT_TRUE(parsed["access_token"].as_string().starts_with("BQ"));
  EXPECT_EQ(parsed["token_type"].as_string(), "Bearer");
  EXPECT_EQ(parsed["expires_in"].as_int64(), 3600);
  EXPECT_EQ(parsed["scope"].as_string(), "user-read-email streaming");
  EXPECT_TRUE(parsed["refresh_token"].as_string().starts_with("AQ"));
  EXPECT_EQ(answer.grant_type, "authorization_code");
}

TEST_F(EmulatorTokenEndpoint, CredentialsInTheBodyAuthenticateToo) {
  auto answer = post("grant_type=authorization_code&code=" + code() + "&redirect_uri=" +
                         core::form_encode(redirect) + "&client_id=app&client_secret=secret",
                     "");
  EXPECT_EQ(answer.status, 200u) << answer.body;
}

TEST_F(EmulatorTokenEndpoint, TokenLifetimeIsConfigurable) {
  policy.access_lifetime = 5s;
  EXPECT_EQ(body(exchange(code()))["expires_in"].as_int64(), 5);
}

TEST_F(EmulatorTokenEndpoint, ReusedCodeIsInvalidAndRevokesNothing) {
  auto issued = code();
  auto first = body(exchange(issued));
  expect_error(exchange(issued), "invalid_grant", "Invalid authorization code");
  EXPECT_EQ(refresh(std::string(first["refresh_token"].as_string())).status, 200u);
}

TEST_F(EmulatorTokenEndpoint, ExpiredCodeIsRefused) {
  auto issued = code();
  auto answer = post("grant_type=authorization_code&code=" + issued +
                         "&redirect_uri=" + core::form_encode(redirect),
                     basic("app", "secret"), start + 10min);
  expect_error(answer, "invalid_grant", "Authorization code expired");
}

TEST_F(EmulatorTokenEndpoint, CodeOfAnotherClientIsInvalid) {
  expect_error(exchange(code("other")), "invalid_grant", "Invalid authorization code");
}

TEST_F(EmulatorTokenEndpoint, DifferentRedirectUriIsRefused) {
  auto answer = post("grant_type=authorization_code&code=" + code() +
                     "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8888%2Fother");
  expect_error(answer, "invalid_grant", "Invalid redirect URI");
}

TEST_F(EmulatorTokenEndpoint, UnknownClientIsInvalidClientWith400) {
  expect_error(exchange(code(), basic("nobody", "secret")), "invalid_client", "Invalid client");
}

TEST_F(EmulatorTokenEndpoint, WrongSecretIsInvalidClientSecret) {
  expect_error(exchange(code(), basic("app", "guess")), "invalid_client", "Invalid client secret");
}

TEST_F(EmulatorTokenEndpoint, MalformedBasicHeaderIsInvalidClient) {
  expect_error(exchange(code(), "Basic !!!"), "invalid_client", "Invalid client");
  expect_error(exchange(code(), "Basic " + core::base64_encode("no-colon")), "invalid_client",
               "Invalid client");
}

TEST_F(EmulatorTokenEndpoint, MissingGrantTypeIsUnsupported) {
  expect_error(post("code=abc"), "unsupported_grant_type", "grant_type parameter is missing");
}

TEST_F(EmulatorTokenEndpoint, UnknownGrantTypeIsUnsupported) {
  expect_error(post("grant_type=password"), "unsupported_grant_type",
               "grant_type must be client_credentials, authorization_code or refresh_token");
}

TEST_F(EmulatorTokenEndpoint, RepeatedParameterIsInvalidRequest) {
  auto answer = post("grant_type=authorization_code&code=a&code=b&redirect_uri=x");
  EXPECT_EQ(answer.status, 400u);
  EXPECT_EQ(body(answer)["error"].as_string(), "invalid_request");
}

TEST_F(EmulatorTokenEndpoint, PkceCodeNeedsNoSecret) {
  auto answer =
      post("grant_type=authorization_code&client_id=app&code=" + code("app", challenge) +
               "&redirect_uri=" + core::form_encode(redirect) + "&code_verifier=" + verifier,
           "");
  EXPECT_EQ(answer.status, 200u) << answer.body;
}

TEST_F(EmulatorTokenEndpoint, PkceCodeWithoutVerifierIsRefused) {
  auto answer = post("grant_type=authorization_code&client_id=app&code=" + code("app", challenge) +
                         "&redirect_uri=" + core::form_encode(redirect),
                     "");
  expect_error(answer, "invalid_request", "code_verifier required");
}

TEST_F(EmulatorTokenEndpoint, PkceCodeWithWrongVerifierIsRefused) {
  auto answer = post("grant_type=authorization_code&client_id=app&code=" + code("app", challenge) +
                         "&redirect_uri=" + core::form_encode(redirect) +
                         "&code_verifier=" + std::string(43, 'x'),
                     "");
  expect_error(answer, "invalid_grant", "code_verifier was incorrect");
}

TEST_F(EmulatorTokenEndpoint, PlainCodeWithoutSecretIsRefused) {
  auto answer = post("grant_type=authorization_code&client_id=app&code=" + code() +
                         "&redirect_uri=" + core::form_encode(redirect),
                     "");
  expect_error(answer, "invalid_client", "Invalid client secret");
}

TEST_F(EmulatorTokenEndpoint, RefreshKeepsTheRefreshTokenByDefault) {
  auto token = std::string(body(exchange(code()))["refresh_token"].as_string());
  auto first = refresh(token);
  ASSERT_EQ(first.status, 200u) << first.body;
  auto parsed = body(first);
  EXPECT_FALSE(parsed.contains("refresh_token"));
  EXPECT_EQ(parsed["scope"].as_string(), "user-read-email streaming");
  EXPECT_EQ(refresh(token).status, 200u);
}

TEST_F(EmulatorTokenEndpoint, RotationReplacesTheRefreshToken) {
  policy.rotate_refresh_tokens = true;
  auto token = std::string(body(exchange(code()))["refresh_token"].as_string());
  auto rotated = body(refresh(token));
  ASSERT_TRUE(rotated.contains("refresh_token"));
  EXPECT_TRUE(rotated["refresh_token"].as_string() != token);
  expect_error(refresh(token), "invalid_grant", "Invalid refresh token");
  EXPECT_EQ(refresh(std::string(rotated["refresh_token"].as_string())).status, 200u);
}

TEST_F(EmulatorTokenEndpoint, PkceRefreshTokensAreSingleUse) {
  auto issued =
      post("grant_type=authorization_code&client_id=app&code=" + code("app", challenge) +
               "&redirect_uri=" + core::form_encode(redirect) + "&code_verifier=" + verifier,
           "");
  auto token = std::string(body(issued)["refresh_token"].as_string());
  auto answer = post("grant_type=refresh_token&client_id=app&refresh_token=" + token, "");
  ASSERT_EQ(answer.status, 200u) << answer.body;
  EXPECT_TRUE(body(answer).contains("refresh_token"));
  expect_error(post("grant_type=refresh_token&client_id=app&refresh_token=" + token, ""),
               "invalid_grant", "Invalid refresh token");
}

TEST_F(EmulatorTokenEndpoint, RefreshErrors) {
  expect_error(refresh("AQunknown"), "invalid_grant", "Invalid refresh token");
  expect_error(post("grant_type=refresh_token"), "invalid_request",
               "refresh_token must be supplied");
  auto token = std::string(body(exchange(code()))["refresh_token"].as_string());
  expect_error(refresh(token, basic("other", "other-secret")), "invalid_grant",
               "Invalid refresh token");
}

TEST_F(EmulatorTokenEndpoint, RefreshTokenStopsSixMonthsAfterLogin) {
  auto token = std::string(body(exchange(code()))["refresh_token"].as_string());
  EXPECT_EQ(refresh(token, basic("app", "secret"), start + 24h * 180).status, 200u);
  expect_error(refresh(token, basic("app", "secret"), start + 24h * 183), "invalid_grant",
               "Refresh token revoked");
}

TEST_F(EmulatorTokenEndpoint, RevokedRefreshTokenIsRefused) {
  auto token = std::string(body(exchange(code()))["refresh_token"].as_string());
  grants.revoke_refresh_tokens();
  expect_error(refresh(token), "invalid_grant", "Refresh token revoked");
}

TEST_F(EmulatorTokenEndpoint, ClientCredentialsGiveAnAccessTokenOnly) {
  auto answer = post("grant_type=client_credentials");
  ASSERT_EQ(answer.status, 200u);
  auto parsed = body(answer);
  EXPECT_TRUE(parsed.contains("access_token"));
  EXPECT_FALSE(parsed.contains("refresh_token"));
}

} // namespace
} // namespace tokenswap::emulator
