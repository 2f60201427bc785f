#include "upstream/pooled_token_client.hpp"

#include "upstream/retry_rule.hpp"
#include "web/http_client.hpp"
#include "web/io_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <stdexcept>

namespace tokenswap::upstream {
namespace {

using clock = std::chrono::steady_clock;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

std::size_t share_of(std::size_t total, std::size_t shards) {
  return std::max<std::size_t>(1, (total + shards - 1) / shards);
}

void add(std::atomic<std::uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }

token_reply reply_of(web::response& answer) {
  token_reply reply;
  reply.status = answer.result_int();
  reply.content_type = std::string(answer[http::field::content_type]);
  if (auto found = answer.find(http::field::retry_after); found != answer.end()) {
    reply.retry_after = std::string(found->value());
  }
  reply.body = std::move(answer.body());
  return reply;
}

} // namespace

// What every shard shares: read-only after construction.
struct pooled_token_client::settings {
  pool_options options;
  web::origin accounts;
  std::string token_target;
  std::shared_ptr<const web::tls_client_context> tls;
};

// One context's connections and slots; touched only from that context's thread, except the
// counters, which anyone may read.
struct pooled_token_client::shard {
  struct idle_connection {
    web::client_connection connection;
    clock::time_point since;
  };
  // Holds one of the shard's concurrency slots until the request is done.
  struct slot {
    std::shared_ptr<shard> owner;
    ~slot() { owner->release(); }
  };
  struct waiter {
    shard& owner;
    net::steady_timer timer;
    bool granted = false;
    ~waiter() {
      if (!granted) {
        std::erase(owner.waiting, this);
      }
    }
  };

  shard(std::shared_ptr<const pooled_token_client::settings> s, std::size_t shards)
      : config(std::move(s)),
        max_idle(config->options.max_idle_connections == 0
                     ? 0
                     : share_of(config->options.max_idle_connections, shards)),
        max_active(share_of(config->options.max_concurrent_requests, shards)) {}

  std::shared_ptr<const pooled_token_client::settings> config;
  std::size_t max_idle;
  std::size_t max_active;
  std::size_t active = 0;
  std::deque<idle_connection> idle;
  std::deque<waiter*> waiting;
  web::tls_session session;

  std::atomic<std::uint64_t> opened{0}, resumed{0}, sent{0}, reused{0}, stale{0}, resends{0},
      queued{0}, unreachable{0}, timeouts{0}, bad_responses{0};

  net::awaitable<bool> acquire(web::deadline by);
  void release();
  std::optional<web::client_connection> take_idle();
  void give_back(web::client_connection connection);
  net::awaitable<web::client_result<web::client_connection>> open(web::deadline by);
  net::awaitable<web::client_result<web::response>> exchange(web::client_connection& connection,
                                                             const web::request& req,
                                                             web::deadline by, bool fresh);
  net::awaitable<web::client_result<web::response>> send(const web::request& req, bool retry_safe,
                                                         web::deadline by);
  void count(const token_outcome& outcome);
};

net::awaitable<bool> pooled_token_client::shard::acquire(web::deadline by) {
  if (active < max_active) {
    ++active;
    co_return true;
  }
  add(queued);
  waiter me{*this, net::steady_timer(co_await net::this_coro::executor, by)};
  waiting.push_back(&me);
  co_await me.timer.async_wait(use_tuple);
  if (me.granted && clock::now() >= by) {
    // Handed a slot just as the deadline passed: too late to send anything.
    release();
    co_return false;
  }
  co_return me.granted;
}

// A finished request hands its slot straight to the oldest waiter, if any.
void pooled_token_client::shard::release() {
  if (waiting.empty()) {
    --active;
    return;
  }
  auto* next = waiting.front();
  waiting.pop_front();
  next->granted = true;
  next->timer.cancel();
}

std::optional<web::client_connection> pooled_token_client::shard::take_idle() {
  auto now = clock::now();
  while (!idle.empty()) {
    auto entry = std::move(idle.back());
    idle.pop_back();
    if (now - entry.since < config->options.idle_lifetime && entry.connection.is_quiet()) {
      return std::move(entry.connection);
    }
    add(stale);
  }
  return std::nullopt;
}

// Most recently used last: take_idle() picks it, and the oldest are the first to go.
void pooled_token_client::shard::give_back(web::client_connection connection) {
  auto now = clock::now();
  while (!idle.empty() && now - idle.front().since >= config->options.idle_lifetime) {
    idle.pop_front();
  }
  if (max_idle == 0) {
    return;
  }
  if (idle.size() >= max_idle) {
    idle.pop_front();
  }
  idle.push_back({std::move(connection), now});
}

net::awaitable<web::client_result<web::client_connection>>
pooled_token_client::shard::open(web::deadline by) {
  auto connect_by = std::min(by, clock::now() + config->options.connect_timeout);
  auto connection =
      co_await web::client_connection::open(config->accounts, config->tls, connect_by, session);
  if (connection) {
    add(opened);
    if (connection->resumed_session()) {
      add(resumed);
    }
  } else if (connection.error() == web::client_error::timeout && clock::now() < by) {
    // The connect timeout, not the request's deadline: the accounts service did not answer.
    co_return web::client_error::unreachable;
  }
  co_return connection;
}

net::awaitable<web::client_result<web::response>>
pooled_token_client::shard::exchange(web::client_connection& connection, const web::request& req,
                                     web::deadline by, bool fresh) {
  add(sent);
  auto answer = co_await connection.exchange(req, by, config->options.max_response_bytes);
  if (answer && fresh) {
    if (auto latest = connection.session()) {
      session = std::move(latest);
    }
  }
  if (answer && config->options.pooling && connection.is_reusable()) {
    give_back(std::move(connection));
  }
  co_return answer;
}

// See may_resend() for when a request goes out a second time.
net::awaitable<web::client_result<web::response>>
pooled_token_client::shard::send(const web::request& req, bool retry_safe, web::deadline by) {
  if (auto kept = take_idle()) {
    add(reused);
    auto answer = co_await exchange(*kept, req, by, false);
    if (answer || !may_resend(answer.error(), retry_safe)) {
      co_return answer;
    }
    add(resends);
  }
  auto fresh = co_await open(by);
  if (!fresh) {
    co_return fresh.error();
  }
  co_return co_await exchange(*fresh, req, by, true);
}

void pooled_token_client::shard::count(const token_outcome& outcome) {
  if (outcome.reply) {
    return;
  }
  switch (outcome.failure) {
  case token_failure::unreachable:
    add(unreachable);
    break;
  case token_failure::timeout:
    add(timeouts);
    break;
  case token_failure::bad_response:
    add(bad_responses);
    break;
  }
}

std::optional<std::string> pooled_token_client::check(const pool_options& options) {
  auto parts = web::parse_url(options.accounts_url);
  if (!parts) {
    return "the accounts URL must be an http:// or https:// URL with a host";
  }
  if (parts->target.find('?') != std::string::npos) {
    return "the accounts URL must not have a query";
  }
  if (!options.ca_file.empty() && !web::tls_client_context::create(options.ca_file)) {
    return "the upstream CA file cannot be loaded as PEM certificates";
  }
  return std::nullopt;
}

pooled_token_client::pooled_token_client(web::io_pool& pool, pool_options options) : pool_(pool) {
  if (auto problem = check(options)) {
    throw std::invalid_argument(*problem);
  }
  auto made = std::make_shared<settings>();
  auto parts = web::parse_url(options.accounts_url).value();
  made->accounts = parts.where;
  auto base =
      parts.target.back() == '/' ? parts.target.substr(0, parts.target.size() - 1) : parts.target;
  made->token_target = base + "/api/token";
  if (made->accounts.tls) {
    made->tls = web::tls_client_context::create(options.ca_file).value();
  }
  made->options = std::move(options);
  settings_ = std::move(made);
  for (std::size_t i = 0; i < pool_.size(); ++i) {
    shards_.push_back(std::make_shared<shard>(settings_, pool_.size()));
  }
}

pooled_token_client::~pooled_token_client() = default;

net::awaitable<token_outcome> pooled_token_client::post_token(token_call call) {
  auto started = clock::now();
  auto by = started + settings_->options.request_timeout;
  auto index = pool_.index_of(co_await net::this_coro::executor);
  if (index >= shards_.size()) {
    throw std::logic_error("post_token awaited outside the client's io_pool");
  }
  // The shard stays alive with this frame even if the client goes first.
  auto owner = shards_[index];

  web::request req{http::verb::post, settings_->token_target, 11};
  req.set(http::field::host, settings_->accounts.host_header());
  req.set(http::field::user_agent, "tokenswap");
  req.set(http::field::accept, "application/json");
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  if (!call.authorization.empty()) {
    req.set(http::field::authorization, call.authorization);
  }
  req.keep_alive(settings_->options.pooling);
  req.body() = std::move(call.body);
  req.prepare_payload();

  token_outcome outcome;
  if (!co_await owner->acquire(by)) {
    outcome.failure = token_failure::timeout;
  } else {
    shard::slot held{owner};
    auto answer = co_await owner->send(req, call.retry_safe, by);
    if (answer) {
      outcome.reply = reply_of(*answer);
    } else {
      outcome.failure = failure_of(answer.error());
    }
  }
  owner->count(outcome);
  outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started);
  co_return outcome;
}

pool_counters pooled_token_client::counters() const {
  pool_counters sum;
  auto read = [](const std::atomic<std::uint64_t>& value) {
    return value.load(std::memory_order_relaxed);
  };
  for (const auto& each : shards_) {
    sum.connections_opened += read(each->opened);
    sum.tls_sessions_resumed += read(each->resumed);
    sum.requests_sent += read(each->sent);
    sum.connections_reused += read(each->reused);
    sum.stale_connections_dropped += read(each->stale);
    sum.resends += read(each->resends);
    sum.queued += read(each->queued);
    sum.failures_unreachable += read(each->unreachable);
    sum.failures_timeout += read(each->timeouts);
    sum.failures_bad_response += read(each->bad_responses);
  }
  return sum;
}

} // namespace tokenswap::upstream
