// The real token-swap server against the real emulator, over loopback sockets.
#include "test_stack.hpp"

#include "core/log.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace tokenswap::testing {
namespace {

using namespace std::chrono_literals;

// Captures every log line written while it lives.
class log_capture {
public:
  log_capture() {
    core::set_log_sink([this](std::string_view line) {
      std::lock_guard lock(mutex_);
      text_ += std::string(line) + "\n";
    });
  }
  ~log_capture() { core::set_log_sink({}); }
  std::string text() const {
    std::lock_guard lock(mutex_);
    return text_;
  }

private:
  mutable std::mutex mutex_;
  std::string text_;
};

boost::json::object json(const reply& r) { return boost::json::parse(r.body).as_object(); }

std::string field(const reply& r, std::string_view name) {
  return std::string(json(r).at(name).as_string());
}

class ServerIntegration : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    shared_ = new test_stack([](core::config& c) { c.upstream_timeout = 1500ms; });
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  void SetUp() override {
    shared_->accounts().clear_faults();
    shared_->accounts().set_rotate_refresh_tokens(false);
    shared_->accounts().set_latency(std::chrono::milliseconds(0));
  }

  unsigned short port() { return shared_->port(); }
  test_stack& world() { return *shared_; }

  // A full login: a code from the emulator traded at the server.
  reply login(const std::string& route = "/exchange") { return world().login(route); }

  static test_stack* shared_;
};

test_stack* ServerIntegration::shared_ = nullptr;

TEST_F(ServerIntegration, ExchangeReturnsTokensAndSealedRefreshToken) {
  auto r = login();
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_EQ(r.header("pragma"), "no-cache");
  EXPECT_EQ(r.header("content-type"), "application/json");
  auto body = json(r);
  EXPECT_FALSE(body.at("access_token").as_string().empty());
  EXPECT_EQ(body.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(body.at("scope").as_string(), "user-read-email");
  EXPECT_TRUE(body.at("expires_in").is_int64());
  EXPECT_TRUE(body.at("refresh_token").as_string().starts_with("v1."));
}

TEST_F(ServerIntegration, AliasesJsonAndMissingContentTypeAllWork) {
  EXPECT_EQ(login("/swap").status, 200u);
  EXPECT_EQ(login("/api/token").status, 200u);
  auto json_body = R"({"code":")" + world().mint_code() + R"(","client_id":"x"})";
  EXPECT_EQ(
      send_request(port(), http::verb::post, "/exchange", json_body, "application/json").status,
      200u);
  auto bare =
      send_request(port(), http::verb::post, "/exchange", "code=" + world().mint_code(), "");
  EXPECT_EQ(bare.status, 200u) << bare.body;
}

TEST_F(ServerIntegration, RefreshPostedRawWorks) {
  auto sealed = field(login(), "refresh_token");
  auto r = post_form(port(), "/refresh", "refresh_token=" + sealed);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_FALSE(json(r).contains("refresh_token"));
  auto alias =
      post_form(port(), "/api/refresh_token",
                "grant_type=refresh_token&client_id=integration-app&refresh_token=" + sealed);
  EXPECT_EQ(alias.status, 200u) << alias.body;
}

TEST_F(ServerIntegration, ThreeHundredLoginsEachRefreshedRaw) {
  int succeeded = 0;
  for (int i = 0; i < 300; ++i) {
    auto exchanged = login();
    ASSERT_EQ(exchanged.status, 200u) << "login " << i << ": " << exchanged.body;
    auto refreshed =
        post_form(port(), "/refresh", "refresh_token=" + field(exchanged, "refresh_token"));
    ASSERT_EQ(refreshed.status, 200u) << "refresh " << i << ": " << refreshed.body;
    ++succeeded;
  }
  EXPECT_EQ(succeeded, 300);
}

TEST_F(ServerIntegration, RotatedRefreshTokenIsReturnedSealedAndWorks) {
  world().accounts().set_rotate_refresh_tokens(true);
  auto first = field(login(), "refresh_token");
  auto rotated = post_form(port(), "/refresh", "refresh_token=" + first);
  ASSERT_EQ(rotated.status, 200u) << rotated.body;
  auto second = field(rotated, "refresh_token");
  EXPECT_NE(second, first);
  auto again = post_form(port(), "/refresh", "refresh_token=" + second);
  EXPECT_EQ(again.status, 200u) << again.body;
}

TEST_F(ServerIntegration, SpotifyRefusalsPassThrough) {
  auto bad_code = post_form(port(), "/exchange", "code=not-a-real-code");
  EXPECT_EQ(bad_code.status, 400u);
  EXPECT_EQ(field(bad_code, "error"), "invalid_grant");

  auto code = world().mint_code();
  EXPECT_EQ(post_form(port(), "/exchange", "code=" + code).status, 200u);
  auto reused = post_form(port(), "/exchange", "code=" + code);
  EXPECT_EQ(reused.status, 400u);
  EXPECT_EQ(field(reused, "error"), "invalid_grant");
}

TEST_F(ServerIntegration, RevokedRefreshTokenIsInvalidGrant) {
  auto sealed = field(login(), "refresh_token");
  world().accounts().revoke_refresh_tokens();
  auto r = post_form(port(), "/refresh", "refresh_token=" + sealed);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(field(r, "error"), "invalid_grant");
}

TEST_F(ServerIntegration, TamperedOrForeignRefreshTokenIsInvalidGrant) {
  auto sealed = field(login(), "refresh_token");
  std::string tampered = sealed;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  for (const auto& token : {tampered, sealed.substr(0, sealed.size() - 4), std::string("v1.abc")}) {
    auto r = post_form(port(), "/refresh", "refresh_token=" + token);
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(field(r, "error"), "invalid_grant");
  }
}

TEST_F(ServerIntegration, ForeignRedirectUriIs400) {
  auto r = post_form(port(), "/exchange",
                     "code=" + world().mint_code() + "&redirect_uri=https%3A%2F%2Fevil.example%2F");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(field(r, "error"), "invalid_request");
}

TEST_F(ServerIntegration, ClientMistakesGetProperStatuses) {
  EXPECT_EQ(post_form(port(), "/exchange", "").status, 400u);
  EXPECT_EQ(post_form(port(), "/exchange", "code=a&code=b").status, 400u);
  EXPECT_EQ(post_form(port(), "/exchange", "code=%zz").status, 400u);
  EXPECT_EQ(post_form(port(), "/nowhere", "code=a").status, 404u);
  auto wrong_method = send_request(port(), http::verb::get, "/refresh");
  EXPECT_EQ(wrong_method.status, 405u);
  EXPECT_EQ(wrong_method.header("allow"), "POST, OPTIONS");
  EXPECT_EQ(send_request(port(), http::verb::post, "/exchange", "code=a", "text/xml").status, 415u);
  auto huge = post_form(port(), "/exchange", "code=" + std::string(17 * 1024, 'a'));
  EXPECT_EQ(huge.status, 413u);
  EXPECT_EQ(json(huge).at("error").as_string(), "invalid_request");
}

TEST_F(ServerIntegration, UpstreamRateLimitPassesRetryAfter) {
  emulator::fault limited;
  limited.status = 429;
  limited.retry_after = std::chrono::seconds(1);
  world().accounts().inject_fault(limited);
  auto r = login();
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(r.header("retry-after"), "1");
  // Nothing goes to Spotify until its Retry-After has passed.
  auto calls = world().accounts().counters().token_calls;
  auto held = login();
  EXPECT_EQ(held.status, 429u);
  EXPECT_EQ(held.header("retry-after"), "1");
  EXPECT_EQ(world().accounts().counters().token_calls, calls);
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  EXPECT_EQ(login().status, 200u);
}

TEST_F(ServerIntegration, UpstreamFailureIs502AndSlownessIs504) {
  emulator::fault failing;
  failing.status = 500;
  world().accounts().inject_fault(failing);
  EXPECT_EQ(login().status, 502u);

  emulator::fault slow;
  slow.kind = emulator::fault_kind::delay;
  slow.delay = std::chrono::milliseconds(2500);
  world().accounts().inject_fault(slow);
  auto started = std::chrono::steady_clock::now();
  auto r = login();
  EXPECT_EQ(r.status, 504u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2400));
  EXPECT_EQ(login().status, 200u);
}

TEST_F(ServerIntegration, ClientHangingUpMidRequestLeavesServerServing) {
  send_raw(port(), "POST /exchange HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\ncode=abc", 0);
  send_raw(port(), "POST /exchange HTTP/1.1\r\nHost: x\r\nContent-Le", 0);
  EXPECT_EQ(login().status, 200u);
}

TEST_F(ServerIntegration, PreflightIsAnswered) {
  auto r = send_request(
      port(), http::verb::options, "/exchange", "", "",
      {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(r.status, 204u);
  EXPECT_EQ(r.header("access-control-allow-origin"), "*");
}

TEST(ServerLogs, NeverContainSecretsCodesOrTokens) {
  log_capture capture;
  std::vector<std::string> sensitive{std::string(stack_client_secret),
                                     std::string(stack_encryption_secret)};
  {
    test_stack world([](core::config& c) { c.log_minimum = core::log_level::info; });
    auto code = world.mint_code();
    sensitive.push_back(code);
    auto exchanged = post_form(world.port(), "/exchange?code=" + code, "code=" + code);
    ASSERT_EQ(exchanged.status, 200u);
    auto body = json(exchanged);
    sensitive.emplace_back(body.at("access_token").as_string());
    sensitive.emplace_back(body.at("refresh_token").as_string());
    auto refreshed = post_form(world.port(), "/refresh", "refresh_token=" + sensitive.back());
    ASSERT_EQ(refreshed.status, 200u);
    sensitive.emplace_back(json(refreshed).at("access_token").as_string());
    post_form(world.port(), "/refresh", "refresh_token=v1.forged-token-value");
  }
  auto logs = capture.text();
  EXPECT_NE(logs.find("route=exchange"), std::string::npos);
  EXPECT_NE(logs.find("route=refresh"), std::string::npos);
  for (const auto& value : sensitive) {
    EXPECT_EQ(logs.find(value), std::string::npos) << "a sensitive value reached the logs";
  }
  EXPECT_EQ(logs.find("forged-token-value"), std::string::npos);
  EXPECT_EQ(logs.find("Basic "), std::string::npos);
}

} // namespace
} // namespace tokenswap::testing
