#include "server/service.hpp"

#include "core/log.hpp"
#include "core/sealer.hpp"
#include "server/metrics.hpp"
#include "server/token_server.hpp"
#include "upstream/guarded_token_client.hpp"
#include "upstream/pooled_token_client.hpp"
#include "web/http_server.hpp"
#include "web/open_files.hpp"
#include "web/tls_server_context.hpp"

namespace tokenswap::server {
namespace {

std::vector<std::string> previous_secrets(const core::config& settings) {
  std::vector<std::string> secrets;
  for (const auto& s : settings.previous_encryption_secrets) {
    secrets.push_back(s.reveal());
  }
  return secrets;
}

upstream::pool_options pool_options_for(const core::config& settings) {
  upstream::pool_options options;
  options.accounts_url = settings.accounts_url;
  options.ca_file = settings.ca_file;
  options.connect_timeout = settings.connect_timeout;
  options.request_timeout = settings.upstream_timeout;
  options.pooling = settings.upstream_pooling;
  return options;
}

upstream::guard_settings guard_settings_for(const core::config& settings) {
  upstream::guard_settings guard;
  guard.failures_to_open = settings.upstream_failures_to_open;
  guard.cool_down = settings.upstream_cool_down;
  return guard;
}

// Every connection is a descriptor: the cap must fit under the process's limit, or the server
// would fail at accept() instead of answering 503.
web::server_limits limits_for(const core::config& settings) {
  web::server_limits limits;
  limits.body_bytes = settings.max_body_bytes;
  limits.header_bytes = settings.max_header_bytes;
  limits.header_timeout = settings.header_timeout;
  limits.idle_timeout = settings.idle_timeout;
  limits.max_in_flight = settings.max_in_flight;
  auto descriptors = web::raise_open_file_limit();
  limits.max_connections = web::connections_within(descriptors, settings.max_connections);
  if (limits.max_connections < settings.max_connections) {
    core::log(core::log_level::warn, "MAX_CONNECTIONS lowered to fit the open-file limit",
              {{"max_connections", limits.max_connections}, {"open_file_limit", descriptors}});
  }
  return limits;
}

} // namespace

struct service::parts {
  parts(web::io_pool& pool, core::config c, extra_routes e)
      : settings(std::move(c)), sealer(core::sealer::derive(settings.encryption_secret.reveal(),
                                                            previous_secrets(settings))),
        upstream(pool, pool_options_for(settings)), guarded(upstream, guard_settings_for(settings)),
        endpoints(settings, sealer, guarded), extra(std::move(e)),
        listener(pool, limits_for(settings), [this](web::request req, web::request_info info) {
          return handle(std::move(req), info);
        }) {
    if (!settings.tls_cert_file.empty()) {
      listener.use_tls(web::make_tls_server_context(settings.tls_cert_file, settings.tls_key_file));
    }
  }

  net::awaitable<web::response> handle(web::request req, web::request_info info) {
    if (extra) {
      if (auto page = extra(req)) {
        co_return std::move(*page);
      }
    }
    if (settings.metrics && req.target() == "/metrics" && req.method() == http::verb::get) {
      co_return metrics_page(req.version());
    }
    co_return co_await endpoints.handle(std::move(req), info);
  }

  web::response metrics_page(unsigned version) const {
    metrics_view view{endpoints.requests(),    listener.stats(),    guarded.stats(),
                      guarded.calls(),         upstream.counters(), endpoints.refresh_stats(),
                      endpoints.rate_limited()};
    web::response res{http::status::ok, version};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.set(http::field::cache_control, "no-store");
    res.body() = render_metrics(view);
    return res;
  }

  core::config settings;
  core::sealer sealer;
  upstream::pooled_token_client upstream;
  upstream::guarded_token_client guarded;
  token_server endpoints;
  extra_routes extra;
  web::http_server listener;
};

service::service(web::io_pool& pool, core::config settings, extra_routes extra)
    : parts_(std::make_unique<parts>(pool, std::move(settings), std::move(extra))) {}

service::~service() = default;

std::optional<std::string> service::check(const core::config& settings) {
  if (!settings.tls_cert_file.empty()) {
    try {
      web::make_tls_server_context(settings.tls_cert_file, settings.tls_key_file);
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  return upstream::pooled_token_client::check(pool_options_for(settings));
}

beast::error_code service::listen() {
  return parts_->listener.listen(parts_->settings.host, parts_->settings.port);
}

unsigned short service::port() const { return parts_->listener.port(); }

void service::start() { parts_->listener.start(); }

void service::stop() { parts_->listener.stop(); }

void service::shutdown(std::function<void(bool)> done) {
  parts_->listener.shutdown(parts_->settings.shutdown_timeout, std::move(done));
}

const core::config& service::settings() const { return parts_->settings; }

} // namespace tokenswap::server
