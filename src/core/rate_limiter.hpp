#pragma once

#include "core/address_range.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace tokenswap::core {

struct rate_limit_settings {
  // Requests per second each client may make on average.
  double rate = 5;
  // Requests a client may make at once after resting.
  double burst = 20;
  // Clients remembered at most; the least recently seen is forgotten first (it starts afresh
  // with a full bucket, which is what it would have after resting anyway).
  std::size_t max_clients = 65'536;
};

// A token bucket per client. Sharded by client so that threads seldom wait on the same lock;
// time is passed in. Safe to share between threads.
class rate_limiter {
public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit rate_limiter(rate_limit_settings settings);

  // nullopt when the request may go ahead; otherwise the whole seconds until it may.
  std::optional<std::chrono::seconds> take(const ip_bytes& client, time_point now);

  std::size_t tracked_clients() const;

private:
  struct bucket {
    ip_bytes client;
    double tokens;
    time_point updated;
  };
  struct key_hash {
    std::size_t operator()(const ip_bytes& key) const;
  };
  struct shard {
    mutable std::mutex mutex;
    std::list<bucket> recent; // most recently seen first
    std::unordered_map<ip_bytes, std::list<bucket>::iterator, key_hash> index;
  };
  static constexpr std::size_t shard_count = 16;

  bucket& find_or_add(shard& s, const ip_bytes& client, time_point now);

  rate_limit_settings settings_;
  std::size_t per_shard_;
  std::array<shard, shard_count> shards_;
};

} // namespace tokenswap::core
