#pragma once

#include "server/refresh_coalescer.hpp"
#include "server/routes.hpp"
#include "upstream/call_metrics.hpp"
#include "upstream/pooled_token_client.hpp"
#include "upstream/upstream_guard.hpp"
#include "web/http_server.hpp"

#include <array>
#include <atomic>
#include <string>

namespace tokenswap::server {

// Requests answered by the endpoints, by route and status. Atomics only.
class request_counters {
public:
  static constexpr std::array<unsigned, 16> statuses = {200, 204, 400, 401, 403, 404, 405, 408,
                                                        413, 415, 429, 431, 500, 502, 503, 504};
  static constexpr std::array<route, 4> routes = {route::exchange, route::refresh, route::health,
                                                  route::not_found};

  void record(route r, unsigned status);
  // The count for routes[r] and statuses[s]; s == statuses.size() counts every other status.
  std::uint64_t count(std::size_t r, std::size_t s) const;

private:
  std::array<std::array<std::atomic<std::uint64_t>, statuses.size() + 1>, routes.size()> counts_{};
};

// Everything /metrics reports, gathered when it is asked for.
struct metrics_view {
  const request_counters& requests;
  web::server_stats server;
  upstream::guard_stats guard;
  const upstream::call_metrics& calls;
  upstream::pool_counters pool;
  coalescer_stats refresh;
  std::uint64_t rate_limited = 0;
};

// The Prometheus text exposition format (version 0.0.4).
std::string render_metrics(const metrics_view& view);

} // namespace tokenswap::server
