#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>

namespace tokenswap::upstream {

struct guard_settings {
  // Failures in a row (5xx, unreachable, timeout, unusable) that open the circuit.
  std::size_t failures_to_open = 5;
  // How long an open circuit refuses before one probe request may try again.
  std::chrono::milliseconds cool_down{5'000};
  // The wait assumed when Spotify answers 429 without a usable Retry-After.
  std::chrono::seconds default_retry_after{5};
};

// What the guard answers instead of calling Spotify.
struct refusal {
  unsigned status = 503; // 429 while Spotify rate limits us, 503 while the circuit is open
  std::chrono::seconds retry_after{1};
};

// How one call to Spotify went, as the guard sees it.
enum class call_result {
  answered,     // any answer but 429 and 5xx: Spotify is up
  rate_limited, // 429
  failed,       // 5xx, unreachable, timed out, unusable
};

struct guard_stats {
  std::uint64_t refused_rate_limited = 0;
  std::uint64_t refused_open = 0;
  std::uint64_t times_opened = 0;
  bool open = false;
};

// Protects the app's standing with Spotify: after a 429 nothing is sent until its Retry-After has
// passed; after repeated failures the circuit opens and requests fail fast for a cool-down, then
// one probe decides whether it closes again. Time is passed in; safe to share between threads.
class upstream_guard {
public:
  explicit upstream_guard(guard_settings settings) : settings_(settings) {}

  using time_point = std::chrono::steady_clock::time_point;

  // nullopt: go ahead (and report the result with record()); otherwise the answer to give.
  std::optional<refusal> admit(time_point now);
  void record(call_result result, std::optional<std::chrono::seconds> retry_after, time_point now);
  guard_stats stats() const;

private:
  enum class circuit { closed, open, probing };

  guard_settings settings_;
  mutable std::mutex mutex_;
  circuit circuit_ = circuit::closed;
  std::size_t failures_ = 0;
  time_point open_until_{};
  time_point rate_limited_until_{};
  guard_stats stats_;
};

} // namespace tokenswap::upstream
