#include "server/refresh_coalescer.hpp"

#include "web/io_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace tokenswap::server {
namespace {

using namespace std::chrono_literals;
using answer = refresh_coalescer::answer;

class RefreshCoalescer : public ::testing::Test {
protected:
  // A refresh with Spotify that takes 100 ms and rotates the refresh token.
  refresh_coalescer::call rotating_call() {
    return [this]() -> net::awaitable<answer> {
      ++calls_;
      net::steady_timer wait(co_await net::this_coro::executor, 100ms);
      co_await wait.async_wait(net::as_tuple(net::use_awaitable));
      core::token_response tokens;
      tokens.access_token = "access-" + std::to_string(calls_.load());
      tokens.expires_in = 3600;
      tokens.refresh_token = "sealed-new-token";
      co_return tokens;
    };
  }

  std::future<answer> start_refresh(std::size_t context, const core::sha256_digest& key) {
    return net::co_spawn(pool_.at(context), coalescer_.refresh(key, rotating_call()),
                         net::use_future);
  }

  void SetUp() override {
    runner_ = std::thread([this] { pool_.run(); });
  }
  void TearDown() override {
    pool_.stop();
    runner_.join();
  }

  core::sealer sealer_ = core::sealer::from_keys({core::sealer::raw_key{9}});
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
  std::mutex clock_mutex_;
  refresh_coalescer coalescer_{sealer_, "app", coalescer_settings{60s, 100, 5s}, [this] {
                                 std::lock_guard lock(clock_mutex_);
                                 return now_;
                               }};
  std::atomic<int> calls_{0};
  web::io_pool pool_{2};
  std::thread runner_;
};

TEST_F(RefreshCoalescer, ConcurrentRefreshesOnSeveralThreadsShareOneCall) {
  auto key = core::sha256("spotify refresh token");
  std::vector<std::future<answer>> answers;
  for (std::size_t i = 0; i < 40; ++i) {
    answers.push_back(start_refresh(i % 2, key));
  }
  for (auto& each : answers) {
    auto result = each.get();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->access_token, "access-1");
    EXPECT_EQ(result->refresh_token, "sealed-new-token");
  }
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_EQ(coalescer_.stats().joins + coalescer_.stats().grace_hits, 39u);
}

TEST_F(RefreshCoalescer, ARepeatWithinTheGraceWindowGetsTheSameTokensAged) {
  auto key = core::sha256("spotify refresh token");
  ASSERT_TRUE(start_refresh(0, key).get());
  {
    std::lock_guard lock(clock_mutex_);
    now_ += 45s;
  }
  auto repeat = start_refresh(1, key).get();

  ASSERT_TRUE(repeat);
  EXPECT_EQ(repeat->access_token, "access-1");
  EXPECT_EQ(repeat->refresh_token, "sealed-new-token");
  EXPECT_EQ(repeat->expires_in, 3600 - 45);
  EXPECT_EQ(calls_.load(), 1);
  EXPECT_EQ(coalescer_.stats().grace_hits, 1u);
}

TEST_F(RefreshCoalescer, ARepeatAfterTheGraceWindowCallsSpotifyAgain) {
  auto key = core::sha256("spotify refresh token");
  ASSERT_TRUE(start_refresh(0, key).get());
  {
    std::lock_guard lock(clock_mutex_);
    now_ += 61s;
  }
  auto repeat = start_refresh(0, key).get();
  ASSERT_TRUE(repeat);
  EXPECT_EQ(repeat->access_token, "access-2");
  EXPECT_EQ(calls_.load(), 2);
}

TEST_F(RefreshCoalescer, DifferentTokensDoNotShare) {
  auto first = start_refresh(0, core::sha256("one"));
  auto second = start_refresh(1, core::sha256("two"));
  ASSERT_TRUE(first.get());
  ASSERT_TRUE(second.get());
  EXPECT_EQ(calls_.load(), 2);
}

TEST(RefreshCoalescerCache, KeepsOnlySealedValues) {
  auto sealer = core::sealer::from_keys({core::sealer::raw_key{9}});
  refresh_coalescer coalescer(sealer, "app", {});
  net::io_context context;
  auto call = []() -> net::awaitable<answer> {
    core::token_response tokens;
    tokens.access_token = "plain-access-token";
    tokens.expires_in = 3600;
    tokens.refresh_token = "sealed-new";
    co_return tokens;
  };
  auto key = core::sha256("rt");
  auto first = net::co_spawn(context, coalescer.refresh(key, call), net::use_future);
  context.run();
  ASSERT_TRUE(first.get());
  EXPECT_EQ(coalescer.stats().remembered, 1u);
  EXPECT_EQ(coalescer.stats().calls, 1u);
}

} // namespace
} // namespace tokenswap::server
