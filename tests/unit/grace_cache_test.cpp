#include "core/grace_cache.hpp"

#include <gtest/gtest.h>

namespace tokenswap::core {
namespace {

using namespace std::chrono_literals;

const grace_cache::time_point start{std::chrono::hours(1)};

TEST(GraceCache, AnswersWithinTheWindowOnly) {
  grace_cache cache(60s, 10);
  auto key = sha256("old refresh token");
  cache.put(key, "sealed answer", start);

  auto hit = cache.get(key, start + 59s);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->sealed_answer, "sealed answer");
  EXPECT_EQ(hit->stored, start);
  EXPECT_FALSE(cache.get(key, start + 60s));
  EXPECT_FALSE(cache.get(sha256("another token"), start));
}

TEST(GraceCache, OldestEntriesGoFirstWhenFull) {
  grace_cache cache(60s, 3);
  for (int i = 0; i < 5; ++i) {
    cache.put(sha256(std::to_string(i)), "answer", start + std::chrono::seconds(i));
  }
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.get(sha256("0"), start + 5s));
  EXPECT_FALSE(cache.get(sha256("1"), start + 5s));
  EXPECT_TRUE(cache.get(sha256("4"), start + 5s));
}

TEST(GraceCache, ExpiredEntriesAreDroppedAsNewOnesArrive) {
  grace_cache cache(10s, 100);
  for (int i = 0; i < 50; ++i) {
    cache.put(sha256(std::to_string(i)), "answer", start);
  }
  cache.put(sha256("late"), "answer", start + 11s);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(GraceCache, StoringAKeyAgainKeepsTheNewerAnswer) {
  grace_cache cache(10s, 100);
  auto key = sha256("token");
  cache.put(key, "first", start);
  cache.put(key, "second", start + 5s);
  cache.put(sha256("other"), "x", start + 12s);
  auto hit = cache.get(key, start + 12s);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->sealed_answer, "second");
}

} // namespace
} // namespace tokenswap::core
