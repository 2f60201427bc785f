// The server against a failing Spotify: each fault gets its exact answer, and the server keeps
// serving afterwards.
#include "test_stack.hpp"

#include <gtest/gtest.h>

namespace tokenswap::testing {
namespace {

using namespace std::chrono_literals;
using emulator::fault_kind;

class Faults : public ::testing::Test {
protected:
  static void SetUpTestSuite() { world_ = new test_stack(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  void SetUp() override { world_->accounts().clear_faults(); }

  // A refresh of a fresh login's token, the fault waiting for it.
  static reply refresh_through_fault(const emulator::fault& fault) {
    auto sealed = json_field(world_->login(), "refresh_token");
    world_->accounts().inject_fault(fault);
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

// One fault of Spotify's and the server's whole answer to it.
struct fault_case {
  const char* name;
  emulator::fault fault;
  unsigned status;
  std::string_view error;
  std::string_view retry_after; // empty: not checked
};

void PrintTo(const fault_case& c, std::ostream* os) { *os << c.name; }

const fault_case fault_cases[] = {
    {"DroppedConnectionIs502", {.kind = fault_kind::close}, 502, "server_error", ""},
    {"Error500Is502", {.status = 500}, 502, "server_error", ""},
    {"Error503Is503WithRetryAfter",
     {.status = 503, .retry_after = 3s},
     503,
     "temporarily_unavailable",
     "3"},
    {"ResetMidResponseIs502", {.kind = fault_kind::reset}, 502, "server_error", ""},
    {"MalformedJsonIs502", {.kind = fault_kind::malformed_json}, 502, "server_error", ""},
    {"HugeResponseIs502", {.kind = fault_kind::huge_body}, 502, "server_error", ""},
    {"WrongContentTypeIs502", {.kind = fault_kind::html, .status = 200}, 502, "server_error", ""},
};

class FaultAnswer : public Faults, public ::testing::WithParamInterface<fault_case> {};

TEST_P(FaultAnswer, IsExactAndTheServerKeepsServing) {
  const auto& c = GetParam();
  auto r = refresh_through_fault(c.fault);
  expect_error(r, c.status, c.error);
  if (!c.retry_after.empty()) {
    EXPECT_EQ(r.header("retry-after"), c.retry_after);
  }
  world_->expect_serving();
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultAnswer, ::testing::ValuesIn(fault_cases),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(Faults, SlowPastTheDeadlineIs504Promptly) {
  auto sealed = json_field(world_->login(), "refresh_token");
  world_->accounts().inject_fault({.kind = fault_kind::delay, .delay = 1500ms});
  auto started = std::chrono::steady_clock::now();
  auto r = post_form(world_->port(), "/refresh", "refresh_token=" + sealed);

  expect_error(r, 504, "temporarily_unavailable");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1400ms);
  world_->expect_serving();
}

TEST_F(Faults, RateLimitIs429AndHoldsBackUntilRetryAfter) {
  auto sealed = json_field(world_->login(), "refresh_token");
  world_->accounts().inject_fault({.status = 429, .retry_after = 1s});
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

TEST_F(Faults, RepeatedFailuresFailFastWith503) {
  auto sealed = json_field(world_->login(), "refresh_token");
  world_->accounts().inject_fault({.status = 500, .times = 5});
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
