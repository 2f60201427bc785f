#include "core/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace tokenswap::core {

std::size_t rate_limiter::key_hash::operator()(const ip_bytes& key) const {
  return std::hash<std::string_view>()(
      std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

rate_limiter::rate_limiter(rate_limit_settings settings)
    : settings_(settings),
      per_shard_(std::max<std::size_t>(1, settings.max_clients / shard_count)) {}

rate_limiter::bucket& rate_limiter::find_or_add(shard& s, const ip_bytes& client, time_point now) {
  if (auto it = s.index.find(client); it != s.index.end()) {
    s.recent.splice(s.recent.begin(), s.recent, it->second);
    return *it->second;
  }
  if (s.index.size() >= per_shard_) {
    s.index.erase(s.recent.back().client);
    s.recent.pop_back();
  }
  s.recent.push_front(bucket{client, settings_.burst, now});
  s.index.emplace(client, s.recent.begin());
  return s.recent.front();
}

std::optional<std::chrono::seconds> rate_limiter::take(const ip_bytes& client, time_point now) {
  auto& s = shards_[key_hash()(client) % shard_count];
  std::lock_guard lock(s.mutex);
  auto& b = find_or_add(s, client, now);

  std::chrono::duration<double> rested = now - b.updated;
  b.tokens = std::min(settings_.burst, b.tokens + std::max(0.0, rested.count()) * settings_.rate);
  b.updated = std::max(now, b.updated);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  auto wait = std::ceil((1 - b.tokens) / settings_.rate);
  return std::chrono::seconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(wait)));
}

std::size_t rate_limiter::tracked_clients() const {
  std::size_t total = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    total += s.index.size();
  }
  return total;
}

} // namespace tokenswap::core
