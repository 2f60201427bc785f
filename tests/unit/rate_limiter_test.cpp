#include "core/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace tokenswap::core {
namespace {

using namespace std::chrono_literals;

ip_bytes client(unsigned n) {
  ip_bytes address{};
  address[10] = address[11] = 0xff;
  address[12] = static_cast<unsigned char>(n >> 24);
  address[13] = static_cast<unsigned char>(n >> 16);
  address[14] = static_cast<unsigned char>(n >> 8);
  address[15] = static_cast<unsigned char>(n);
  return address;
}

const rate_limiter::time_point start{std::chrono::hours(1)};

TEST(RateLimiter, BurstPassesThenRefusesWithTheWait) {
  rate_limiter limiter({0.5, 3, 100});
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter.take(client(1), start));
  }
  auto wait = limiter.take(client(1), start);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 2s);
}

TEST(RateLimiter, TokensComeBackAtTheRate) {
  rate_limiter limiter({2, 1, 100});
  EXPECT_FALSE(limiter.take(client(1), start));
  EXPECT_TRUE(limiter.take(client(1), start + 200ms));
  EXPECT_FALSE(limiter.take(client(1), start + 500ms));
}

TEST(RateLimiter, ClientsHaveTheirOwnBuckets) {
  rate_limiter limiter({1, 1, 100});
  EXPECT_FALSE(limiter.take(client(1), start));
  EXPECT_TRUE(limiter.take(client(1), start));
  EXPECT_FALSE(limiter.take(client(2), start));
}

TEST(RateLimiter, TableStaysBoundedByForgettingTheLeastRecent) {
  rate_limiter limiter({1, 1, 64});
  for (unsigned i = 0; i < 10'000; ++i) {
    limiter.take(client(i), start);
  }
  EXPECT_LE(limiter.tracked_clients(), 64u);
}

TEST(RateLimiter, ThreadsNeverLetMoreThanTheBurstThrough) {
  rate_limiter limiter({0.001, 50, 1000});
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (!limiter.take(client(7), start)) {
          ++allowed;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(allowed.load(), 50);
}

} // namespace
} // namespace tokenswap::core
