#pragma once

#include "upstream/token_client.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

namespace tokenswap::upstream {

// Counts of the calls that really went to the accounts service, by outcome, with a latency
// histogram. Atomics only: cheap enough for every call, safe from every thread.
class call_metrics {
public:
  static constexpr std::array<std::string_view, 7> outcomes = {
      "ok", "refused", "rate_limited", "failed", "timeout", "unreachable", "bad_response"};
  // Upper bounds in milliseconds; the last bucket is +Inf.
  static constexpr std::array<std::int64_t, 10> bounds_ms = {5,   10,  25,   50,   100,
                                                             250, 500, 1000, 2500, 10000};

  void record(const token_outcome& outcome);

  std::uint64_t calls(std::size_t outcome) const { return calls_[outcome].load(relaxed); }
  // Cumulative count of calls that took at most bounds_ms[i] (i == bounds_ms.size(): all).
  std::uint64_t at_most(std::size_t bucket) const;
  std::uint64_t total_ms() const { return total_ms_.load(relaxed); }

private:
  static constexpr auto relaxed = std::memory_order_relaxed;
  std::array<std::atomic<std::uint64_t>, outcomes.size()> calls_{};
  std::array<std::atomic<std::uint64_t>, bounds_ms.size() + 1> buckets_{};
  std::atomic<std::uint64_t> total_ms_{0};
};

} // namespace tokenswap::upstream
