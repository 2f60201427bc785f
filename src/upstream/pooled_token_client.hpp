// The production token_client: HTTPS (or HTTP, for the emulator) to the accounts service's
// token endpoint over kept-alive connections.
//
// The server builds one for its io_pool and awaits it from handlers running on that pool:
//
//   upstream::pool_options options;
//   options.accounts_url = config.accounts_url;   // token endpoint: <accounts_url>/api/token
//   options.ca_file = config.upstream_ca_file;
//   upstream::pooled_token_client client(io_pool, options);   // throws on a bad URL or CA file
//   ...
//   auto outcome = co_await client.post_token({form_body, basic_authorization, retry_safe});
//   if (outcome.reply) { ... outcome.reply->status ... } else { ... outcome.failure ... }
//
// Each io_context of the pool has its own shard (idle connections, TLS session, concurrency
// slots), used only by that context's thread, so no request takes a lock. Limits given here for
// the whole client are split evenly across the shards (accepted connections are spread round
// robin, so load is even; one busy shard cannot borrow another's idle slots). The client must
// outlive the handlers that use it and be destroyed before the io_pool. counters() may be read
// from any thread, for metrics.
#pragma once

#include "upstream/token_client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tokenswap::web {
class io_pool;
}

namespace tokenswap::upstream {

struct pool_options {
  std::string accounts_url = "https://accounts.spotify.com";
  // A PEM file of extra trusted CAs, added to the system's trust store.
  std::string ca_file;
  // Resolving, TCP connect and TLS handshake of a new connection (within the request deadline).
  std::chrono::milliseconds connect_timeout{5'000};
  // From the call to the last byte of the answer, including any wait for a free slot.
  std::chrono::milliseconds request_timeout{10'000};
  // Off: a new connection per request, closed after it (to measure what reuse saves).
  bool pooling = true;
  std::size_t max_idle_connections = 128;
  // An idle connection older than this is closed instead of reused, well before the idle
  // timeouts of common front ends (60 s and more), so reuse rarely races the peer's close.
  std::chrono::milliseconds idle_lifetime{30'000};
  // Requests in flight at once; more wait in a queue (up to their deadline) for a free slot, so
  // a burst reuses the same connections instead of opening new ones.
  std::size_t max_concurrent_requests = 128;
  std::size_t max_response_bytes = 64 * 1024;
};

// What the client has done since it started, summed over every shard.
struct pool_counters {
  std::uint64_t connections_opened = 0;
  std::uint64_t tls_sessions_resumed = 0;
  std::uint64_t requests_sent = 0;
  std::uint64_t connections_reused = 0;
  std::uint64_t stale_connections_dropped = 0;
  std::uint64_t resends = 0;
  std::uint64_t queued = 0;
  std::uint64_t failures_unreachable = 0;
  std::uint64_t failures_timeout = 0;
  std::uint64_t failures_bad_response = 0;
};

class pooled_token_client final : public token_client {
public:
  // Throws std::invalid_argument with the message of check() when the options are unusable.
  pooled_token_client(web::io_pool& pool, pool_options options);
  ~pooled_token_client() override;

  pooled_token_client(const pooled_token_client&) = delete;
  pooled_token_client& operator=(const pooled_token_client&) = delete;

  // What is wrong with the options (the URL, the CA file), for configuration checks.
  static std::optional<std::string> check(const pool_options& options);

  // Must be awaited on one of the pool's contexts (throws std::logic_error otherwise).
  net::awaitable<token_outcome> post_token(token_call call) override;

  pool_counters counters() const;

private:
  struct settings;
  struct shard;
  web::io_pool& pool_;
  std::shared_ptr<const settings> settings_;
  std::vector<std::shared_ptr<shard>> shards_;
};

} // namespace tokenswap::upstream
