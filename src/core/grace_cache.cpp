#include "core/grace_cache.hpp"

namespace tokenswap::core {

grace_cache::grace_cache(std::chrono::milliseconds window, std::size_t max_entries)
    : window_(window), max_entries_(max_entries == 0 ? 1 : max_entries) {}

void grace_cache::forget_expired(time_point now) {
  while (!order_.empty() &&
         (order_.front().second + window_ <= now || entries_.size() >= max_entries_)) {
    auto it = entries_.find(order_.front().first);
    // A key stored again later has a newer entry, which this old record must not remove.
    if (it != entries_.end() && it->second.stored == order_.front().second) {
      entries_.erase(it);
    }
    order_.pop_front();
  }
}

void grace_cache::put(const sha256_digest& key, std::string sealed_answer, time_point now) {
  std::lock_guard lock(mutex_);
  forget_expired(now);
  entries_[key] = entry{std::move(sealed_answer), now};
  order_.emplace_back(key, now);
}

std::optional<grace_cache::entry> grace_cache::get(const sha256_digest& key, time_point now) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.stored + window_ <= now) {
    return std::nullopt;
  }
  return it->second;
}

std::size_t grace_cache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

} // namespace tokenswap::core
