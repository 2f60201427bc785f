#include "upstream/upstream_guard.hpp"

namespace tokenswap::upstream {
namespace {

// Whole seconds until `until`, rounded up, at least one (Retry-After has no fractions).
std::chrono::seconds seconds_until(std::chrono::steady_clock::time_point until,
                                   std::chrono::steady_clock::time_point now) {
  auto left = std::chrono::ceil<std::chrono::seconds>(until - now);
  return std::max(left, std::chrono::seconds(1));
}

} // namespace

std::optional<refusal> upstream_guard::admit(time_point now) {
  std::lock_guard lock(mutex_);
  if (now < rate_limited_until_) {
    ++stats_.refused_rate_limited;
    return refusal{429, seconds_until(rate_limited_until_, now)};
  }
  if (circuit_ == circuit::open && now < open_until_) {
    ++stats_.refused_open;
    return refusal{503, seconds_until(open_until_, now)};
  }
  if (circuit_ == circuit::probing) {
    // One probe at a time: the others wait for its verdict elsewhere.
    ++stats_.refused_open;
    return refusal{503, std::chrono::seconds(1)};
  }
  if (circuit_ == circuit::open) {
    circuit_ = circuit::probing;
  }
  return std::nullopt;
}

void upstream_guard::record(call_result result, std::optional<std::chrono::seconds> retry_after,
                            time_point now) {
  std::lock_guard lock(mutex_);
  if (result == call_result::rate_limited) {
    rate_limited_until_ = now + retry_after.value_or(settings_.default_retry_after);
  }
  if (result != call_result::failed) {
    failures_ = 0;
    circuit_ = circuit::closed;
    return;
  }
  ++failures_;
  if (circuit_ == circuit::probing || failures_ >= settings_.failures_to_open) {
    if (circuit_ != circuit::open) {
      ++stats_.times_opened;
    }
    circuit_ = circuit::open;
    open_until_ = now + settings_.cool_down;
  }
}

guard_stats upstream_guard::stats() const {
  std::lock_guard lock(mutex_);
  auto copy = stats_;
  copy.open = circuit_ != circuit::closed;
  return copy;
}

} // namespace tokenswap::upstream
