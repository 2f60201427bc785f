#include "upstream/upstream_guard.hpp"

#include <gtest/gtest.h>

namespace tokenswap::upstream {
namespace {

using namespace std::chrono_literals;

class UpstreamGuard : public ::testing::Test {
protected:
  void fail_times(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_FALSE(guard_.admit(now_));
      guard_.record(call_result::failed, std::nullopt, now_);
    }
  }

  upstream_guard guard_{guard_settings{3, 5s, 7s}};
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
};

TEST_F(UpstreamGuard, AdmitsWhileSpotifyAnswers) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_FALSE(guard_.admit(now_));
    guard_.record(call_result::answered, std::nullopt, now_);
  }
  EXPECT_FALSE(guard_.stats().open);
}

TEST_F(UpstreamGuard, RateLimitRefusesWith429UntilRetryAfterPassed) {
  ASSERT_FALSE(guard_.admit(now_));
  guard_.record(call_result::rate_limited, 30s, now_);

  now_ += 10s;
  auto refused = guard_.admit(now_);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429u);
  EXPECT_EQ(refused->retry_after, 20s);

  now_ += 19s + 500ms;
  refused = guard_.admit(now_);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->retry_after, 1s);

  now_ += 500ms;
  EXPECT_FALSE(guard_.admit(now_));
  EXPECT_EQ(guard_.stats().refused_rate_limited, 2u);
}

TEST_F(UpstreamGuard, RateLimitWithoutRetryAfterWaitsTheDefault) {
  guard_.record(call_result::rate_limited, std::nullopt, now_);
  auto refused = guard_.admit(now_);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->retry_after, 7s);
  now_ += 7s;
  EXPECT_FALSE(guard_.admit(now_));
}

TEST_F(UpstreamGuard, FewerFailuresThanTheThresholdKeepTheCircuitClosed) {
  fail_times(2);
  guard_.record(call_result::answered, std::nullopt, now_);
  fail_times(2);
  EXPECT_FALSE(guard_.admit(now_));
  EXPECT_FALSE(guard_.stats().open);
}

TEST_F(UpstreamGuard, RepeatedFailuresOpenTheCircuitFor503WithTheCoolDown) {
  fail_times(3);
  auto refused = guard_.admit(now_);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503u);
  EXPECT_EQ(refused->retry_after, 5s);

  now_ += 2s;
  refused = guard_.admit(now_);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->retry_after, 3s);
  EXPECT_TRUE(guard_.stats().open);
  EXPECT_EQ(guard_.stats().times_opened, 1u);
}

TEST_F(UpstreamGuard, AfterTheCoolDownOneProbeGoesAndOthersWait) {
  fail_times(3);
  now_ += 5s;
  ASSERT_FALSE(guard_.admit(now_));
  auto other = guard_.admit(now_);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 503u);
  EXPECT_EQ(other->retry_after, 1s);
}

TEST_F(UpstreamGuard, ASuccessfulProbeClosesTheCircuit) {
  fail_times(3);
  now_ += 5s;
  ASSERT_FALSE(guard_.admit(now_));
  guard_.record(call_result::answered, std::nullopt, now_);
  EXPECT_FALSE(guard_.admit(now_));
  EXPECT_FALSE(guard_.admit(now_));
  EXPECT_FALSE(guard_.stats().open);
}

TEST_F(UpstreamGuard, AFailedProbeOpensTheCircuitAgain) {
  fail_times(3);
  now_ += 5s;
  ASSERT_FALSE(guard_.admit(now_));
  guard_.record(call_result::failed, std::nullopt, now_);
  auto refused = guard_.admit(now_);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->retry_after, 5s);
  EXPECT_EQ(guard_.stats().times_opened, 2u);
}

} // namespace
} // namespace tokenswap::upstream
