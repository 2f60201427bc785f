#include "emulator/authorize.hpp"

#include <gtest/gtest.h>

namespace tokenswap::emulator {
namespace {

using namespace std::chrono_literals;

const time_point start = time_point(std::chrono::seconds(1'800'000'000));
constexpr auto challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

class EmulatorAuthorize : public ::testing::Test {
protected:
  EmulatorAuthorize() { clients.add({"app", "secret", "App", {"https://app.example/cb"}}); }

  checked_authorize check(std::string_view query) {
    return check_authorize(core::decode_form(query).value(), clients);
  }

  std::string problem(std::string_view query) {
    auto checked = check(query);
    EXPECT_FALSE(checked.request) << query;
    return checked.problem;
  }

  static constexpr std::string_view base =
      "client_id=app&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb";
  client_registry clients;
};

TEST_F(EmulatorAuthorize, AcceptsAFullRequest) {
  auto checked =
      check(std::string(base) + "&state=s1&scope=user-read-email+streaming" +
            "&code_challenge_method=S256&code_challenge=" + challenge + "&show_dialog=true");
  ASSERT_TRUE(checked.request) << checked.problem;
  EXPECT_EQ(checked.request->state, "s1");
  EXPECT_EQ(checked.request->scopes, (std::vector<std::string>{"user-read-email", "streaming"}));
  EXPECT_EQ(checked.request->code_challenge, challenge);
  EXPECT_TRUE(checked.request->show_dialog);
}

TEST_F(EmulatorAuthorize, StateAndScopeAreOptional) {
  auto checked = check(base);
  ASSERT_TRUE(checked.request) << checked.problem;
  EXPECT_FALSE(checked.request->state);
  EXPECT_TRUE(checked.request->scopes.empty());
  EXPECT_FALSE(checked.request->show_dialog);
}

TEST_F(EmulatorAuthorize, NamesEachProblem) {
  EXPECT_EQ(problem("response_type=code"), "Missing required parameter: client_id");
  EXPECT_EQ(problem("client_id=nobody&response_type=code&redirect_uri=x"),
            "INVALID_CLIENT: Invalid client");
  EXPECT_EQ(problem("client_id=app&response_type=code"),
            "Missing required parameter: redirect_uri");
  EXPECT_EQ(problem("client_id=app&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2F"),
            "INVALID_CLIENT: Invalid redirect URI");
  EXPECT_EQ(problem("client_id=app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"),
            "Missing required parameter: response_type");
  EXPECT_EQ(
      problem("client_id=app&response_type=token&redirect_uri=https%3A%2F%2Fapp.example%2Fcb"),
      "unsupported_response_type: response_type must be code");
  EXPECT_EQ(problem(std::string(base) + "&scope=user-read-email+mind-read"),
            "INVALID_SCOPE: Invalid scope 'mind-read'");
  EXPECT_EQ(problem(std::string(base) + "&state=a&state=b"),
            "The parameter state appears more than once.");
}

TEST_F(EmulatorAuthorize, ChecksPkceParameters) {
  EXPECT_EQ(problem(std::string(base) + "&code_challenge=" + challenge),
            "code_challenge_method must be S256");
  EXPECT_EQ(problem(std::string(base) + "&code_challenge_method=plain&code_challenge=" + challenge),
            "code_challenge_method must be S256");
  EXPECT_FALSE(
      problem(std::string(base) + "&code_challenge_method=S256&code_challenge=short").empty());
  EXPECT_FALSE(problem(std::string(base) + "&code_challenge_method=S256").empty());
}

TEST_F(EmulatorAuthorize, RedirectsCarryCodeAndState) {
  authorize_request request{"app", "https://app.example/cb?x=1", "a b&c", {}, "", false};
  EXPECT_EQ(approved_redirect(request, "AQcode"),
            "https://app.example/cb?x=1&code=AQcode&state=a%20b%26c");
  EXPECT_EQ(denied_redirect(request),
            "https://app.example/cb?x=1&error=access_denied&state=a%20b%26c");
  request.state.reset();
  request.redirect_uri = "app://cb";
  EXPECT_EQ(denied_redirect(request), "app://cb?error=access_denied");
}

TEST_F(EmulatorAuthorize, PendingRequestIsAnsweredOnceAndExpires) {
  pending_consents pending;
  auto id = pending.add({"app", "app://cb", std::nullopt, {}, "", false}, start + 10min);
  auto late = pending.add({"app", "app://cb", std::nullopt, {}, "", false}, start + 1min);
  EXPECT_TRUE(pending.take(id, start));
  EXPECT_FALSE(pending.take(id, start));
  EXPECT_FALSE(pending.take(late, start + 1min));
  EXPECT_FALSE(pending.take("made-up", start));
}

TEST_F(EmulatorAuthorize, ApprovalsCoverOnlyGrantedScopes) {
  approvals approved;
  authorize_request request{"app", "app://cb", std::nullopt, {"streaming"}, "", false};
  EXPECT_FALSE(approved.covers(request));
  approved.remember(request);
  EXPECT_TRUE(approved.covers(request));
  request.scopes.push_back("user-read-email");
  EXPECT_FALSE(approved.covers(request));
}

} // namespace
} // namespace tokenswap::emulator
