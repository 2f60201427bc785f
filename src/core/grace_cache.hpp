#pragma once

#include "core/digest.hpp"

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace tokenswap::core {

// Remembers, for a short window, the answer a rotated refresh token got, so that a client whose
// first answer was lost (a dropped connection, a crashed app) can repeat the refresh and receive
// the same new tokens instead of invalid_grant. Keys are digests of the old refresh token; values
// are sealed by the caller, so the cache never holds a usable token. Entries expire after the
// window, the oldest go first when the cache is full. Time is passed in; safe between threads.
class grace_cache {
public:
  using time_point = std::chrono::steady_clock::time_point;

  struct entry {
    std::string sealed_answer;
    time_point stored;
  };

  grace_cache(std::chrono::milliseconds window, std::size_t max_entries);

  void put(const sha256_digest& key, std::string sealed_answer, time_point now);
  std::optional<entry> get(const sha256_digest& key, time_point now) const;
  std::size_t size() const;

private:
  void forget_expired(time_point now);

  std::chrono::milliseconds window_;
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<sha256_digest, entry, digest_hash> entries_;
  std::deque<std::pair<sha256_digest, time_point>> order_; // oldest first
};

} // namespace tokenswap::core
