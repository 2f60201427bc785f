#include "emulator/faults.hpp"

#include <gtest/gtest.h>

namespace tokenswap::emulator {
namespace {

using namespace std::chrono_literals;

TEST(EmulatorFaults, EachFaultAppliesItsNumberOfTimes) {
  fault_plan plan;
  plan.add({fault_kind::status, 503, 0s, 0ms, 0, 2, fault_target::token});
  EXPECT_EQ(plan.next(fault_target::token)->status, 503u);
  EXPECT_EQ(plan.next(fault_target::token)->status, 503u);
  EXPECT_FALSE(plan.next(fault_target::token));
}

TEST(EmulatorFaults, FaultsOnlyHitTheirTarget) {
  fault_plan plan;
  plan.add({fault_kind::close, 500, 0s, 0ms, 0, 1, fault_target::web_api});
  plan.add({fault_kind::reset, 500, 0s, 0ms, 0, 1, fault_target::token});
  EXPECT_EQ(plan.next(fault_target::token)->kind, fault_kind::reset);
  EXPECT_FALSE(plan.next(fault_target::token));
  EXPECT_EQ(plan.next(fault_target::web_api)->kind, fault_kind::close);
}

TEST(EmulatorFaults, ClearForgetsPlannedFaults) {
  fault_plan plan;
  plan.add({});
  plan.clear();
  EXPECT_FALSE(plan.next(fault_target::any));
}

TEST(EmulatorFaults, ParsesEveryField) {
  auto parsed = parse_fault(R"({"kind":"status","status":429,"retry_after":7,"delay_ms":150,
                               "times":3,"target":"any"})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->kind, fault_kind::status);
  EXPECT_EQ(parsed->status, 429u);
  EXPECT_EQ(parsed->retry_after, 7s);
  EXPECT_EQ(parsed->delay, 150ms);
  EXPECT_EQ(parsed->times, 3u);
  EXPECT_EQ(parsed->target, fault_target::any);
}

TEST(EmulatorFaults, DefaultsToOne500OnTheTokenEndpoint) {
  auto parsed = parse_fault(R"({"kind":"huge_body","body_bytes":1000})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->body_bytes, 1000u);
  EXPECT_EQ(parsed->times, 1u);
  EXPECT_EQ(parsed->target, fault_target::token);
}

TEST(EmulatorFaults, RefusesMalformedFaults) {
  EXPECT_FALSE(parse_fault("not json"));
  EXPECT_FALSE(parse_fault(R"({"kind":"explode"})"));
  EXPECT_FALSE(parse_fault(R"({"kind":"status","status":99})"));
  EXPECT_FALSE(parse_fault(R"({"kind":"status","times":-1})"));
  EXPECT_FALSE(parse_fault(R"({"kind":"close","target":"elsewhere"})"));
  EXPECT_FALSE(parse_fault(R"({"kind":"huge_body","body_bytes":"big"})"));
}

} // namespace
} // namespace tokenswap::emulator
