#pragma once

#include "core/digest.hpp"
#include "core/grace_cache.hpp"
#include "core/result.hpp"
#include "core/sealer.hpp"
#include "core/token_exchange.hpp"
#include "web/asio.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace tokenswap::server {

struct coalescer_settings {
  // How long the answer of a rotating refresh is handed again to a client repeating it.
  std::chrono::milliseconds grace_window{60'000};
  std::size_t max_remembered = 20'000;
  // How long a request waits for another's call to Spotify before giving up (504).
  std::chrono::milliseconds max_wait{12'000};
};

struct coalescer_stats {
  std::uint64_t calls = 0;      // refreshes that went to Spotify
  std::uint64_t joins = 0;      // refreshes that shared another's call
  std::uint64_t grace_hits = 0; // refreshes answered from the grace cache
  std::size_t remembered = 0;
};

// Nothing lost on refresh. Concurrent refreshes of one Spotify refresh token (apps often fire
// several at expiry, and with a rotating token all but the first would get invalid_grant) share
// one call and all get its answer, whichever thread they run on. When Spotify rotated the token,
// the answer (with the new token already sealed) is kept sealed again for the grace window.
class refresh_coalescer {
public:
  using answer = core::result<core::token_response>;
  using call = std::function<net::awaitable<answer>()>;
  using clock = std::function<std::chrono::steady_clock::time_point()>;

  refresh_coalescer(const core::sealer& sealer, std::string client_id, coalescer_settings settings,
                    clock now = std::chrono::steady_clock::now);
  ~refresh_coalescer();

  // `refresh_with_spotify` runs at most once for all concurrent callers with the same key; the
  // key is the digest of the Spotify refresh token.
  net::awaitable<answer> refresh(core::sha256_digest key, call refresh_with_spotify);

  coalescer_stats stats() const;

private:
  struct flight;

  std::optional<answer> remembered(const core::sha256_digest& key);
  void remember(const core::sha256_digest& key, const answer& result);
  net::awaitable<answer> join(std::shared_ptr<flight> f);
  net::awaitable<answer> lead(core::sha256_digest key, std::shared_ptr<flight> f,
                              call refresh_with_spotify);
  void land(const core::sha256_digest& key, flight& f, const answer& result);

  const core::sealer& sealer_;
  std::string associated_data_;
  coalescer_settings settings_;
  clock now_;
  core::grace_cache cache_;
  std::mutex mutex_;
  std::unordered_map<core::sha256_digest, std::shared_ptr<flight>, core::digest_hash> flights_;
  std::atomic<std::uint64_t> calls_{0}, joins_{0}, grace_hits_{0};
};

} // namespace tokenswap::server
