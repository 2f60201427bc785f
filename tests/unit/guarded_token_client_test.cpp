#include "upstream/guarded_token_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

namespace tokenswap::upstream {
namespace {

using namespace std::chrono_literals;

class scripted_client : public token_client {
public:
  net::awaitable<token_outcome> post_token(token_call) override {
    ++calls;
    co_return next;
  }
  int calls = 0;
  token_outcome next;
};

class GuardedTokenClient : public ::testing::Test {
protected:
  token_outcome post() {
    auto result = net::co_spawn(context_, guarded_.post_token({}), net::use_future);
    context_.run();
    context_.restart();
    return result.get();
  }

  void answer(unsigned status, std::optional<std::string> retry_after = {}) {
    inner_.next = {token_reply{status, "{}", "application/json", retry_after},
                   token_failure::unreachable, 1ms};
  }

  scripted_client inner_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
  guarded_token_client guarded_{inner_, guard_settings{2, 4s, 5s}, [this] { return now_; }};
  net::io_context context_;
};

TEST_F(GuardedTokenClient, SpotifyRateLimitStopsCallsAndAnswers429WithTheRemainingWait) {
  answer(429, "12");
  EXPECT_EQ(post().reply->status, 429u);
  now_ += 2s;
  auto refused = post();

  EXPECT_EQ(inner_.calls, 1);
  ASSERT_TRUE(refused.reply);
  EXPECT_EQ(refused.reply->status, 429u);
  EXPECT_EQ(refused.reply->retry_after, "10");
  EXPECT_NE(refused.reply->body.find("temporarily_unavailable"), std::string::npos);
}

TEST_F(GuardedTokenClient, FailuresOpenTheCircuitAndTheNextCallFailsFastWith503) {
  inner_.next = {std::nullopt, token_failure::timeout, 10s};
  post();
  answer(502);
  post();
  auto refused = post();

  EXPECT_EQ(inner_.calls, 2);
  ASSERT_TRUE(refused.reply);
  EXPECT_EQ(refused.reply->status, 503u);
  EXPECT_EQ(refused.reply->retry_after, "4");
}

TEST_F(GuardedTokenClient, SpotifyRefusalsAreNotFailures) {
  answer(400);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(post().reply->status, 400u);
  }
  EXPECT_EQ(inner_.calls, 5);
}

TEST(Classify, SortsOutcomes) {
  EXPECT_EQ(classify({std::nullopt, token_failure::unreachable, {}}), call_result::failed);
  EXPECT_EQ(classify({token_reply{500, "", "", {}}, {}, {}}), call_result::failed);
  EXPECT_EQ(classify({token_reply{429, "", "", {}}, {}, {}}), call_result::rate_limited);
  EXPECT_EQ(classify({token_reply{400, "", "", {}}, {}, {}}), call_result::answered);
  EXPECT_EQ(classify({token_reply{200, "", "", {}}, {}, {}}), call_result::answered);
}

} // namespace
} // namespace tokenswap::upstream
