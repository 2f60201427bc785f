// The server against a failing Spotify: each fault gets its exact answer, and the server keeps
// serving afterwards.
#include "test_stack.hpp"

#include <gtest/gtest.h>

namespace tokenswap::testing {
namespace {

using namespace std::chrono_literals;

class Faults : public ::testing::Test {
protected:
  static void SetUpTestSuite() { world_ = new test_stack(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  void SetUp() override { world_->accounts().clear_faults(); }

  static void inject(emulator::fault_kind kind, unsigned status = 500) {
    emulator::fault f;
    f.kind = kind;
    f.status = status;
    world_->accounts().inject_fault(f);
  }

  // A refresh of a fresh login's token, the fault waiting for it.
  static reply refresh_through_fault(emulator::fault_kind kind, unsigned status = 500) {
    auto sealed = json_field(world_->login(), "refresh_token");
    inject(kind, status);
    return post_form(world_->port(), "/refresh", "refresh_token=" + sealed);
  }

  static void expect_error(const reply& r, unsigned status, std::string_view error) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(json_field(r, "error"), error) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
  }

  static test_stack* world_;
};

test_stack* Faults::world_ = nullptr;

TEST_F(Faults, DroppedConnectionIs502) {
  expect_error(refresh_through_fault(emulator::fault_kind::close), 502, "server_error");
  world_->expect_serving();
}

TEST_F(Faults, SlowPastTheDeadlineIs504Promptly) {
  auto sealed = json_field(world_->login(), "refresh_token");
  emulator::fault slow;
  slow.kind = emulator::fault_kind::delay;
  slow.delay = 1500ms;
  world_->accounts().inject_fault(slow);
  auto started = std::chrono::steady_clock::now();
  auto r = post_form(world_->port(), "/refresh", "refresh_token=" + sealed);

  expect_error(r, 504, "temporarily_unavailable");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1400ms);
  world_->expect_serving();
}

TEST_F(Faults, Error500Is502) {
  expect_error(refresh_through_fault(emulator::fault_kind::status, 500), 502, "server_error");
  world_->expect_serving();
}

TEST_F(Faults, Error503Is503WithRetryAfter) {
  auto sealed = json_field(world_->login(), "refresh_token");
  emulator::fault unavailable;
  unavailable.status = 503;
  unavailable.retry_after = 3s;
  world_->accounts().inject_fault(unavailable);
  auto r = post_form(world_->port(), "/refresh", "refresh_token=" + sealed);

  expect_error(r, 503, "temporarily_unavailable");
  EXPECT_EQ(r.header("retry-after"), "3");
  world_->expect_serving();
}

TEST_F(Faults, RateLimitIs429AndHoldsBackUntilRetryAfter) {
  auto sealed = json_field(world_->login(), "refresh_token");
  emulator::fault limited;
  limited.status = 429;
  limited.retry_after = 1s;
  world_->accounts().inject_fault(limited);
  auto r = post_form(world_->port(), "/refresh", "refresh_token=" + sealed);
  expect_error(r, 429, "temporarily_unavailable");
  EXPECT_EQ(r.header("retry-after"), "1");

  auto calls = world_->accounts().counters().token_calls;
  auto held = post_form(world_->port(), "/refresh", "refresh_token=" + sealed);
  expect_error(held, 429, "temporarily_unavailable");
  EXPECT_EQ(held.header("retry-after"), "1");
  EXPECT_EQ(world_->accounts().counters().token_calls, calls);

  std::this_thread::sleep_for(1050ms);
  world_->expect_serving();
}

TEST_F(Faults, ResetMidResponseIs502) {
  expect_error(refresh_through_fault(emulator::fault_kind::reset), 502, "server_error");
  world_->expect_serving();
}

TEST_F(Faults, MalformedJsonIs502) {
  expect_error(refresh_through_fault(emulator::fault_kind::malformed_json), 502, "server_error");
  world_->expect_serving();
}

TEST_F(Faults, HugeResponseIs502) {
  expect_error(refresh_through_fault(emulator::fault_kind::huge_body), 502, "server_error");
  world_->expect_serving();
}

TEST_F(Faults, WrongContentTypeIs502) {
  expect_error(refresh_through_fault(emulator::fault_kind::html, 200), 502, "server_error");
  world_->expect_serving();
}

TEST_F(Faults, RepeatedFailuresFailFastWith503) {
  auto sealed = json_field(world_->login(), "refresh_token");
  emulator::fault failing;
  failing.status = 500;
  failing.times = 5;
  world_->accounts().inject_fault(failing);
  for (int i = 0; i < 5; ++i) {
    expect_error(post_form(world_->port(), "/refresh", "refresh_token=" + sealed), 502,
                 "server_error");
  }
  auto calls = world_->accounts().counters().token_calls;
  auto fast = post_form(world_->port(), "/refresh", "refresh_token=" + sealed);

  expect_error(fast, 503, "temporarily_unavailable");
  EXPECT_FALSE(fast.header("retry-after").empty());
  EXPECT_EQ(world_->accounts().counters().token_calls, calls);
}

TEST(SpotifyDown, UnreachableIs502AndTheServerStillAnswers) {
  test_stack world([](core::config& c) { c.accounts_url = "http://127.0.0.1:1"; });
  auto r = post_form(world.port(), "/exchange", "code=" + world.mint_code());
  EXPECT_EQ(r.status, 502u) << r.body;
  EXPECT_EQ(json_field(r, "error"), "server_error");
  EXPECT_EQ(send_request(world.port(), http::verb::get, "/health").status, 200u);
}

} // namespace
} // namespace tokenswap::testing
