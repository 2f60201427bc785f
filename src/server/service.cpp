#include "server/service.hpp"

#include "core/sealer.hpp"
#include "server/token_server.hpp"
#include "upstream/pooled_token_client.hpp"
#include "web/http_server.hpp"

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

} // namespace

struct service::parts {
  parts(web::io_pool& pool, core::config c, extra_routes e)
      : settings(std::move(c)), sealer(core::sealer::derive(settings.encryption_secret.reveal(),
                                                            previous_secrets(settings))),
        upstream(pool, pool_options_for(settings)), endpoints(settings, sealer, upstream),
        extra(std::move(e)),
        listener(pool, web::server_limits{}, [this](web::request req, web::request_info info) {
          return handle(std::move(req), info);
        }) {}

  net::awaitable<web::response> handle(web::request req, web::request_info info) {
    if (extra) {
      if (auto page = extra(req)) {
        co_return std::move(*page);
      }
    }
    co_return co_await endpoints.handle(std::move(req), info);
  }

  core::config settings;
  core::sealer sealer;
  upstream::pooled_token_client upstream;
  token_server endpoints;
  extra_routes extra;
  web::http_server listener;
};

service::service(web::io_pool& pool, core::config settings, extra_routes extra)
    : parts_(std::make_unique<parts>(pool, std::move(settings), std::move(extra))) {}

service::~service() = default;

std::optional<std::string> service::check(const core::config& settings) {
  return upstream::pooled_token_client::check(pool_options_for(settings));
}

beast::error_code service::listen() {
  return parts_->listener.listen(parts_->settings.host, parts_->settings.port);
}

unsigned short service::port() const { return parts_->listener.port(); }

void service::start() { parts_->listener.start(); }

void service::stop() { parts_->listener.stop(); }

const core::config& service::settings() const { return parts_->settings; }

} // namespace tokenswap::server
