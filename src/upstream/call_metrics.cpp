#include "upstream/call_metrics.hpp"

#include <algorithm>

namespace tokenswap::upstream {
namespace {

std::size_t outcome_of(const token_outcome& outcome) {
  if (!outcome.reply) {
    switch (outcome.failure) {
    case token_failure::timeout:
      return 4;
    case token_failure::unreachable:
      return 5;
    case token_failure::bad_response:
      return 6;
    }
  }
  auto status = outcome.reply->status;
  if (status == 429) {
    return 2;
  }
  return status < 300 ? 0 : status < 500 ? 1 : 3;
}

} // namespace

void call_metrics::record(const token_outcome& outcome) {
  calls_[outcome_of(outcome)].fetch_add(1, relaxed);
  auto ms = std::max<std::int64_t>(0, outcome.elapsed.count());
  auto bucket = std::lower_bound(bounds_ms.begin(), bounds_ms.end(), ms) - bounds_ms.begin();
  buckets_[static_cast<std::size_t>(bucket)].fetch_add(1, relaxed);
  total_ms_.fetch_add(static_cast<std::uint64_t>(ms), relaxed);
}

std::uint64_t call_metrics::at_most(std::size_t bucket) const {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i <= bucket && i < buckets_.size(); ++i) {
    sum += buckets_[i].load(relaxed);
  }
  return sum;
}

} // namespace tokenswap::upstream
