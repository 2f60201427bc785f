#pragma once

#include "upstream/call_metrics.hpp"
#include "upstream/token_client.hpp"
#include "upstream/upstream_guard.hpp"

#include <functional>

namespace tokenswap::upstream {

// A token client that asks an upstream_guard before every call: while Spotify rate limits the app
// or the circuit is open, it answers at once with what Spotify would have (429 or 503 with the
// remaining Retry-After) instead of sending anything.
class guarded_token_client : public token_client {
public:
  using clock = std::function<std::chrono::steady_clock::time_point()>;

  guarded_token_client(token_client& inner, guard_settings settings,
                       clock now = std::chrono::steady_clock::now);

  net::awaitable<token_outcome> post_token(token_call call) override;

  guard_stats stats() const { return guard_.stats(); }
  // The calls that went to Spotify (not those the guard answered itself).
  const call_metrics& calls() const { return calls_; }

private:
  token_client& inner_;
  upstream_guard guard_;
  clock now_;
  call_metrics calls_;
};

// How the guard counts an outcome: 429 rate limited; 5xx and no answer failed; the rest answered.
call_result classify(const token_outcome& outcome);

} // namespace tokenswap::upstream
