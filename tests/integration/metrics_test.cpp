// GET /metrics after some traffic: Prometheus text with the counters that traffic moved.
#include "test_stack.hpp"

#include <gtest/gtest.h>

namespace tokenswap::testing {
namespace {

TEST(Metrics, CountRequestsUpstreamCallsAndConnections) {
  test_stack world;
  world.expect_serving();
  post_form(world.port(), "/refresh", "refresh_token=not-a-token");

  auto r = send_request(world.port(), http::verb::get, "/metrics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4");
  for (const auto* line : {
           "tokenswap_requests_total{route=\"exchange\",status=\"200\"} 1\n",
           "tokenswap_requests_total{route=\"refresh\",status=\"200\"} 1\n",
           "tokenswap_requests_total{route=\"refresh\",status=\"400\"} 1\n",
           "tokenswap_upstream_calls_total{outcome=\"ok\"} 2\n",
           "tokenswap_upstream_seconds_count 2\n",
           "tokenswap_open_connections 1\n",
           "tokenswap_upstream_circuit_open 0\n",
           "tokenswap_pool_requests_sent_total 2\n",
           "# TYPE tokenswap_upstream_seconds histogram\n",
       }) {
    EXPECT_NE(r.body.find(line), std::string::npos) << line;
  }
  world.expect_serving();
}

TEST(Metrics, CanBeTurnedOff) {
  test_stack world([](core::config& c) { c.metrics = false; });
  EXPECT_EQ(send_request(world.port(), http::verb::get, "/metrics").status, 404u);
}

} // namespace
} // namespace tokenswap::testing
