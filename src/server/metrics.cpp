#include "server/metrics.hpp"

#include <algorithm>

namespace tokenswap::server {
namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
  out += "# TYPE " + std::string(name) + " " + std::string(type) + "\n";
}

void sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value) {
  out += std::string(name);
  if (!labels.empty()) {
    out += "{" + std::string(labels) + "}";
  }
  out += " " + std::to_string(value) + "\n";
}

void one(std::string& out, std::string_view name, std::string_view type, std::string_view help,
         std::uint64_t value) {
  family(out, name, type, help);
  sample(out, name, "", value);
}

void requests(std::string& out, const request_counters& counters) {
  family(out, "tokenswap_requests_total", "counter", "Requests answered, by route and status.");
  for (std::size_t r = 0; r < request_counters::routes.size(); ++r) {
    auto route_label = "route=\"" + std::string(route_name(request_counters::routes[r])) + "\"";
    for (std::size_t s = 0; s <= request_counters::statuses.size(); ++s) {
      auto value = counters.count(r, s);
      if (value == 0) {
        continue;
      }
      auto status = s < request_counters::statuses.size()
                        ? std::to_string(request_counters::statuses[s])
                        : std::string("other");
      sample(out, "tokenswap_requests_total", route_label + ",status=\"" + status + "\"", value);
    }
  }
}

void plumbing(std::string& out, const web::server_stats& s) {
  one(out, "tokenswap_open_connections", "gauge", "Client connections open.", s.open_connections);
  one(out, "tokenswap_requests_in_flight", "gauge", "Requests being handled.", s.in_flight);
  one(out, "tokenswap_connections_accepted_total", "counter", "Connections accepted.", s.accepted);
  family(out, "tokenswap_shed_total", "counter",
         "Connections and requests refused with 503 for overload, by what was full.");
  sample(out, "tokenswap_shed_total", "limit=\"connections\"", s.refused_connections);
  sample(out, "tokenswap_shed_total", "limit=\"in_flight\"", s.shed_requests);
  family(out, "tokenswap_rejected_total", "counter",
         "Requests refused before any handler saw them, by reason.");
  sample(out, "tokenswap_rejected_total", "reason=\"header_too_large\"", s.header_too_large);
  sample(out, "tokenswap_rejected_total", "reason=\"body_too_large\"", s.body_too_large);
  sample(out, "tokenswap_rejected_total", "reason=\"timed_out\"", s.timed_out);
  sample(out, "tokenswap_rejected_total", "reason=\"malformed\"", s.malformed);
  sample(out, "tokenswap_rejected_total", "reason=\"tls_handshake\"", s.tls_handshake_failed);
}

void upstream_calls(std::string& out, const upstream::call_metrics& calls) {
  family(out, "tokenswap_upstream_calls_total", "counter",
         "Calls to the accounts service, by outcome.");
  for (std::size_t i = 0; i < upstream::call_metrics::outcomes.size(); ++i) {
    sample(out, "tokenswap_upstream_calls_total",
           "outcome=\"" + std::string(upstream::call_metrics::outcomes[i]) + "\"", calls.calls(i));
  }
  const auto& bounds = upstream::call_metrics::bounds_ms;
  family(out, "tokenswap_upstream_seconds", "histogram",
         "Duration of calls to the accounts service.");
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    auto le = std::to_string(static_cast<double>(bounds[i]) / 1000.0);
    le.erase(le.find_last_not_of('0') + 1);
    sample(out, "tokenswap_upstream_seconds_bucket", "le=\"" + le + "\"", calls.at_most(i));
  }
  auto count = calls.at_most(bounds.size());
  sample(out, "tokenswap_upstream_seconds_bucket", "le=\"+Inf\"", count);
  out += "tokenswap_upstream_seconds_sum " +
         std::to_string(static_cast<double>(calls.total_ms()) / 1000.0) + "\n";
  sample(out, "tokenswap_upstream_seconds_count", "", count);
}

void protection(std::string& out, const metrics_view& v) {
  one(out, "tokenswap_rate_limited_total", "counter", "Requests refused by the per-client limit.",
      v.rate_limited);
  family(out, "tokenswap_upstream_guard_refused_total", "counter",
         "Requests answered without calling Spotify, by reason.");
  sample(out, "tokenswap_upstream_guard_refused_total", "reason=\"rate_limited\"",
         v.guard.refused_rate_limited);
  sample(out, "tokenswap_upstream_guard_refused_total", "reason=\"circuit_open\"",
         v.guard.refused_open);
  one(out, "tokenswap_upstream_circuit_open", "gauge", "1 while calls to Spotify fail fast.",
      v.guard.open ? 1 : 0);
  one(out, "tokenswap_refresh_single_flight_joins_total", "counter",
      "Refreshes that shared another request's call to Spotify.", v.refresh.joins);
  one(out, "tokenswap_refresh_grace_hits_total", "counter",
      "Repeated refreshes answered from the grace cache.", v.refresh.grace_hits);
  one(out, "tokenswap_refresh_grace_entries", "gauge", "Answers held in the grace cache.",
      v.refresh.remembered);
}

void pool(std::string& out, const upstream::pool_counters& p) {
  one(out, "tokenswap_pool_connections_opened_total", "counter",
      "Connections opened to the accounts service.", p.connections_opened);
  one(out, "tokenswap_pool_connections_reused_total", "counter",
      "Requests sent on a kept-alive connection.", p.connections_reused);
  one(out, "tokenswap_pool_requests_sent_total", "counter", "Requests sent upstream.",
      p.requests_sent);
  one(out, "tokenswap_pool_queued_total", "counter", "Requests that waited for a free slot.",
      p.queued);
  one(out, "tokenswap_pool_resends_total", "counter",
      "Requests sent again after a stale connection failed.", p.resends);
}

} // namespace

void request_counters::record(route r, unsigned status) {
  auto ri = static_cast<std::size_t>(std::find(routes.begin(), routes.end(), r) - routes.begin());
  auto si = static_cast<std::size_t>(std::find(statuses.begin(), statuses.end(), status) -
                                     statuses.begin());
  if (ri < routes.size()) {
    counts_[ri][si].fetch_add(1, std::memory_order_relaxed);
  }
}

std::uint64_t request_counters::count(std::size_t r, std::size_t s) const {
  return counts_[r][s].load(std::memory_order_relaxed);
}

std::string render_metrics(const metrics_view& view) {
  std::string out;
  requests(out, view.requests);
  plumbing(out, view.server);
  upstream_calls(out, view.calls);
  protection(out, view);
  pool(out, view.pool);
  return out;
}

} // namespace tokenswap::server
