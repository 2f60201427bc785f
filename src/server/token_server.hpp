#pragma once

#include "core/config.hpp"
#include "core/legacy_tokens.hpp"
#include "core/params.hpp"
#include "core/rate_limiter.hpp"
#include "core/result.hpp"
#include "core/sealer.hpp"
#include "core/token_exchange.hpp"
#include "server/cors.hpp"
#include "server/metrics.hpp"
#include "server/refresh_coalescer.hpp"
#include "web/http_server.hpp"

namespace tokenswap::upstream {
class token_client;
}

namespace tokenswap::server {

// What one upstream call looked like, for the request log.
struct upstream_note {
  unsigned status = 0; // 0: no answer
  std::chrono::milliseconds elapsed{0};
};

// The token-swap endpoints: a parsed request in, a response out. Sockets, deadlines and
// keep-alive belong to web::http_server; Spotify is reached only through the token client.
class token_server {
public:
  token_server(const core::config& settings, const core::sealer& sealer,
               upstream::token_client& upstream);

  net::awaitable<web::response> handle(web::request req, web::request_info info);

  // The code exchange and the refresh, for callers that already hold decoded parameters.
  net::awaitable<core::result<core::token_response>> exchange(const core::params& params,
                                                              upstream_note& note);
  net::awaitable<core::result<core::token_response>> refresh(const core::params& params,
                                                             upstream_note& note);

  // What the counters and the refresh path have seen, for metrics.
  coalescer_stats refresh_stats() const { return coalescer_.stats(); }
  std::uint64_t rate_limited() const { return rate_limited_.load(std::memory_order_relaxed); }
  const request_counters& requests() const { return requests_; }

private:
  // A refresh token the app sent, opened: sealed by this server, or by one it replaces.
  struct opened_token {
    std::string token;
    bool is_legacy = false;
  };

  net::awaitable<core::result<core::token_response>>
  call_upstream(std::string body, bool is_code_grant, upstream_note& note);
  net::awaitable<core::result<core::token_response>> refresh_upstream(std::string refresh_token,
                                                                      upstream_note& note);
  std::optional<opened_token> open_refresh_token(std::string_view sealed) const;
  std::optional<web::response> refuse_if_limited(const web::request& req,
                                                 const web::request_info& info);
  net::awaitable<web::response> dispatch(const web::request& req, upstream_note& note);
  core::result<std::optional<std::string>> checked_redirect(const core::params& params) const;

  const core::config& settings_;
  const core::sealer& sealer_;
  upstream::token_client& upstream_;
  cors_policy cors_;
  std::string authorization_;
  std::optional<core::legacy_opener> legacy_;
  refresh_coalescer coalescer_;
  std::unique_ptr<core::rate_limiter> limiter_; // null when rate limiting is off
  std::atomic<std::uint64_t> rate_limited_{0};
  request_counters requests_;
};

} // namespace tokenswap::server
