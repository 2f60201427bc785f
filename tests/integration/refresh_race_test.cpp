// Nothing lost on refresh: concurrent refreshes share one call, repeats get the same answer
// within the grace window.
#include "test_stack.hpp"

#include <gtest/gtest.h>

#include <future>
#include <set>

namespace tokenswap::testing {
namespace {

using namespace std::chrono_literals;

TEST(RefreshRaces, FiftyConcurrentRefreshesOfOneTokenMakeOneUpstreamCallAndAllSucceed) {
  test_stack world;
  world.accounts().set_rotate_refresh_tokens(true);
  auto sealed = json_field(world.login(), "refresh_token");
  // Spotify takes a moment, as it does, so the refreshes overlap.
  world.accounts().set_latency(150ms);
  auto before = world.accounts().counters().refresh_token_grants;

  std::vector<std::future<reply>> answers;
  for (int i = 0; i < 50; ++i) {
    answers.push_back(std::async(std::launch::async, [&] {
      return post_form(world.port(), "/refresh", "refresh_token=" + sealed);
    }));
  }
  std::set<std::string> access_tokens;
  std::set<std::string> refresh_tokens;
  for (auto& each : answers) {
    auto r = each.get();
    ASSERT_EQ(r.status, 200u) << r.body;
    access_tokens.insert(json_field(r, "access_token"));
    refresh_tokens.insert(json_field(r, "refresh_token"));
  }

  EXPECT_EQ(world.accounts().counters().refresh_token_grants - before, 1u);
  EXPECT_EQ(access_tokens.size(), 1u);
  EXPECT_EQ(refresh_tokens.size(), 1u);
  EXPECT_NE(*refresh_tokens.begin(), sealed);
  world.accounts().set_latency(0ms);
  world.expect_serving();
}

TEST(RefreshRaces, RepeatInsideTheGraceWindowGetsTheSameTokens) {
  test_stack world;
  world.accounts().set_rotate_refresh_tokens(true);
  auto sealed = json_field(world.login(), "refresh_token");
  auto first = post_form(world.port(), "/refresh", "refresh_token=" + sealed);
  ASSERT_EQ(first.status, 200u) << first.body;
  auto repeat = post_form(world.port(), "/refresh", "refresh_token=" + sealed);

  ASSERT_EQ(repeat.status, 200u) << repeat.body;
  EXPECT_EQ(json_field(repeat, "access_token"), json_field(first, "access_token"));
  EXPECT_EQ(json_field(repeat, "refresh_token"), json_field(first, "refresh_token"));
  auto next =
      post_form(world.port(), "/refresh", "refresh_token=" + json_field(repeat, "refresh_token"));
  EXPECT_EQ(next.status, 200u) << next.body;
}

TEST(RefreshRaces, RepeatAfterTheGraceWindowIsInvalidGrant) {
  test_stack world([](core::config& c) { c.refresh_grace = 300ms; });
  world.accounts().set_rotate_refresh_tokens(true);
  auto sealed = json_field(world.login(), "refresh_token");
  ASSERT_EQ(post_form(world.port(), "/refresh", "refresh_token=" + sealed).status, 200u);
  std::this_thread::sleep_for(400ms);
  auto late = post_form(world.port(), "/refresh", "refresh_token=" + sealed);

  EXPECT_EQ(late.status, 400u);
  EXPECT_EQ(json_field(late, "error"), "invalid_grant");
  world.expect_serving();
}

} // namespace
} // namespace tokenswap::testing
