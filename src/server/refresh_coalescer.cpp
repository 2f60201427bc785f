#include "server/refresh_coalescer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <vector>

namespace tokenswap::server {

// One call to Spotify in progress and the requests waiting for its answer. A waiter sleeps on a
// timer of its own thread; the leader wakes it by cancelling that timer on the waiter's executor.
struct refresh_coalescer::flight {
  struct waiter {
    net::any_io_executor executor;
    std::shared_ptr<net::steady_timer> timer;
  };
  std::mutex mutex;
  std::optional<answer> result;
  std::vector<waiter> waiters;
};

refresh_coalescer::refresh_coalescer(const core::sealer& sealer, std::string client_id,
                                     coalescer_settings settings, clock now)
    : sealer_(sealer), associated_data_(std::move(client_id) + " grace"), settings_(settings),
      now_(std::move(now)), cache_(settings.grace_window, settings.max_remembered) {}

refresh_coalescer::~refresh_coalescer() = default;

net::awaitable<refresh_coalescer::answer> refresh_coalescer::refresh(core::sha256_digest key,
                                                                     call refresh_with_spotify) {
  if (auto earlier = remembered(key)) {
    grace_hits_.fetch_add(1, std::memory_order_relaxed);
    co_return std::move(*earlier);
  }
  std::shared_ptr<flight> f;
  bool leading = false;
  {
    std::lock_guard lock(mutex_);
    auto& slot = flights_[key];
    if (!slot) {
      slot = std::make_shared<flight>();
      leading = true;
    }
    f = slot;
  }
  if (!leading) {
    joins_.fetch_add(1, std::memory_order_relaxed);
    co_return co_await join(std::move(f));
  }
  calls_.fetch_add(1, std::memory_order_relaxed);
  co_return co_await lead(key, std::move(f), std::move(refresh_with_spotify));
}

net::awaitable<refresh_coalescer::answer> refresh_coalescer::join(std::shared_ptr<flight> f) {
  auto executor = co_await net::this_coro::executor;
  auto timer = std::make_shared<net::steady_timer>(executor, settings_.max_wait);
  {
    std::lock_guard lock(f->mutex);
    if (f->result) {
      co_return *f->result;
    }
    f->waiters.push_back({executor, timer});
  }
  co_await timer->async_wait(net::as_tuple(net::use_awaitable));
  std::lock_guard lock(f->mutex);
  if (f->result) {
    co_return *f->result;
  }
  co_return core::trouble_error(core::upstream_trouble::timeout);
}

net::awaitable<refresh_coalescer::answer> refresh_coalescer::lead(core::sha256_digest key,
                                                                  std::shared_ptr<flight> f,
                                                                  call refresh_with_spotify) {
  std::optional<answer> result;
  try {
    result = co_await refresh_with_spotify();
  } catch (...) {
    // The waiters must never wait for an answer that will not come.
    land(key, *f, core::trouble_error(core::upstream_trouble::unusable));
    throw;
  }
  land(key, *f, *result);
  co_return std::move(*result);
}

void refresh_coalescer::land(const core::sha256_digest& key, flight& f, const answer& result) {
  // Remembered before the flight ends, so a repeat arriving in between finds one or the other.
  remember(key, result);
  {
    std::lock_guard lock(mutex_);
    flights_.erase(key);
  }
  std::vector<flight::waiter> waiters;
  {
    std::lock_guard lock(f.mutex);
    f.result = result;
    waiters.swap(f.waiters);
  }
  for (auto& w : waiters) {
    net::post(w.executor, [timer = std::move(w.timer)] { timer->cancel(); });
  }
}

void refresh_coalescer::remember(const core::sha256_digest& key, const answer& result) {
  // Only a rotation makes a repeat fail; otherwise the old token still works with Spotify.
  if (!result || !result->refresh_token) {
    return;
  }
  auto sealed = sealer_.seal_bytes(core::token_response_json(*result), associated_data_);
  cache_.put(key, std::move(sealed), now_());
}

std::optional<refresh_coalescer::answer>
refresh_coalescer::remembered(const core::sha256_digest& key) {
  auto now = now_();
  auto entry = cache_.get(key, now);
  if (!entry) {
    return std::nullopt;
  }
  auto json = sealer_.open_bytes(entry->sealed_answer, associated_data_);
  if (!json) {
    return std::nullopt;
  }
  auto tokens = core::read_token_answer({200, "application/json", *json, std::nullopt}, false);
  if (!tokens) {
    return std::nullopt;
  }
  // The access token has aged since Spotify issued it.
  auto age = std::chrono::duration_cast<std::chrono::seconds>(now - entry->stored).count();
  tokens->expires_in = std::max<std::int64_t>(1, tokens->expires_in - age);
  return answer(std::move(*tokens));
}

coalescer_stats refresh_coalescer::stats() const {
  return {calls_.load(std::memory_order_relaxed), joins_.load(std::memory_order_relaxed),
          grace_hits_.load(std::memory_order_relaxed), cache_.size()};
}

} // namespace tokenswap::server
