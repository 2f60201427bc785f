#include "server/token_server.hpp"

#include "core/address_range.hpp"
#include "core/digest.hpp"
#include "core/log.hpp"
#include "core/params.hpp"
#include "core/pkce.hpp"
#include "server/routes.hpp"
#include "upstream/token_client.hpp"

#include <algorithm>
#include <cctype>

namespace tokenswap::server {
namespace {

constexpr std::string_view token_methods = "POST, OPTIONS";
constexpr std::string_view health_methods = "GET, HEAD";

web::response json_response(http::status status, std::string body, unsigned version) {
  web::response res{status, version};
  res.set(http::field::content_type, "application/json");
  // RFC 6749 section 5.1: token answers must not be cached anywhere.
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::pragma, "no-cache");
  res.body() = std::move(body);
  return res;
}

web::response error_response(const core::oauth_error& error, unsigned version) {
  auto res = json_response(static_cast<http::status>(error.status), error.to_json(), version);
  if (error.retry_after) {
    res.set(http::field::retry_after, std::to_string(error.retry_after->count()));
  }
  return res;
}

web::response not_allowed(std::string_view allow, unsigned version) {
  auto res = error_response({405, "invalid_request", "method not allowed", std::nullopt}, version);
  res.set(http::field::allow, allow);
  return res;
}

std::optional<std::string_view> header(const web::request& req, http::field field) {
  auto it = req.find(field);
  if (it == req.end()) {
    return std::nullopt;
  }
  return std::string_view(it->value());
}

core::upstream_trouble trouble_of(upstream::token_failure failure) {
  switch (failure) {
  case upstream::token_failure::timeout:
    return core::upstream_trouble::timeout;
  case upstream::token_failure::bad_response:
    return core::upstream_trouble::unusable;
  case upstream::token_failure::unreachable:
    break;
  }
  return core::upstream_trouble::unreachable;
}

core::ip_bytes address_bytes(const net::ip::address& address) {
  if (address.is_v6()) {
    return address.to_v6().to_bytes();
  }
  core::ip_bytes mapped{};
  mapped[10] = mapped[11] = 0xff;
  auto v4 = address.to_v4().to_bytes();
  std::copy(v4.begin(), v4.end(), mapped.begin() + 12);
  return mapped;
}

std::optional<core::legacy_opener> legacy_opener_for(const core::config& settings) {
  if (settings.legacy_schemes.empty()) {
    return std::nullopt;
  }
  const auto& secret = settings.legacy_encryption_secret.empty()
                           ? settings.encryption_secret
                           : settings.legacy_encryption_secret;
  return core::legacy_opener(secret.reveal(), settings.legacy_schemes);
}

std::unique_ptr<core::rate_limiter> rate_limiter_for(const core::config& settings) {
  if (settings.rate_limit <= 0) {
    return nullptr;
  }
  return std::make_unique<core::rate_limiter>(
      core::rate_limit_settings{settings.rate_limit, settings.rate_limit_burst});
}

coalescer_settings coalescer_settings_for(const core::config& settings) {
  coalescer_settings c;
  c.grace_window = settings.refresh_grace;
  // A joined request waits as long as the call it joined may take, queueing included.
  c.max_wait = settings.upstream_timeout + std::chrono::seconds(2);
  return c;
}

} // namespace

token_server::token_server(const core::config& settings, const core::sealer& sealer,
                           upstream::token_client& upstream)
    : settings_(settings), sealer_(sealer), upstream_(upstream), cors_(settings.cors_origins),
      authorization_(
          core::basic_authorization(settings.client_id, settings.client_secret.reveal())),
      legacy_(legacy_opener_for(settings)),
      coalescer_(sealer, settings.client_id, coalescer_settings_for(settings)),
      limiter_(rate_limiter_for(settings)) {}

net::awaitable<web::response> token_server::handle(web::request req, web::request_info info) {
  upstream_note note;
  web::response res;
  if (auto limited = refuse_if_limited(req, info)) {
    res = std::move(*limited);
  } else {
    res = co_await dispatch(req, note);
  }
  cors_.decorate(req, res);
  requests_.record(match_route(req.target()), res.result_int());

  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - info.received);
  core::log(core::log_level::info, "request",
            {{"id", info.id},
             {"peer", info.peer.address().to_string()},
             {"method", std::string_view(req.method_string())},
             {"route", route_name(match_route(req.target()))},
             {"status", res.result_int()},
             {"ms", static_cast<double>(elapsed.count()) / 1000.0},
             {"upstream_status", note.status},
             {"upstream_ms", note.elapsed.count()}});
  co_return res;
}

net::awaitable<web::response> token_server::dispatch(const web::request& req, upstream_note& note) {
  auto version = req.version();
  auto matched = match_route(req.target());
  if (matched == route::not_found) {
    co_return error_response({404, "invalid_request", "no such endpoint", std::nullopt}, version);
  }
  if (matched == route::health) {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      co_return not_allowed(health_methods, version);
    }
    co_return json_response(http::status::ok, R"({"status":"ok"})", version);
  }
  if (req.method() == http::verb::options) {
    co_return cors_.preflight(req, token_methods);
  }
  if (req.method() != http::verb::post) {
    co_return not_allowed(token_methods, version);
  }

  auto params = core::decode_body(header(req, http::field::content_type).value_or(""), req.body());
  if (!params) {
    co_return error_response(params.error(), version);
  }
  // Two plain statements: GCC 12 destroys temporaries twice when co_await sits inside ?:.
  core::result<core::token_response> tokens = core::invalid_request("");
  if (matched == route::exchange) {
    tokens = co_await exchange(*params, note);
  } else {
    tokens = co_await refresh(*params, note);
  }
  if (!tokens) {
    co_return error_response(tokens.error(), version);
  }
  co_return json_response(http::status::ok, core::token_response_json(*tokens), version);
}

std::optional<web::response> token_server::refuse_if_limited(const web::request& req,
                                                             const web::request_info& info) {
  if (!limiter_ || match_route(req.target()) == route::health) {
    return std::nullopt;
  }
  std::vector<std::string_view> forwarded;
  for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it) {
    forwarded.emplace_back(it->value());
  }
  auto client = core::client_address(address_bytes(info.peer.address()), forwarded,
                                     settings_.trusted_proxies);
  auto wait = limiter_->take(core::client_key(client), std::chrono::steady_clock::now());
  if (!wait) {
    return std::nullopt;
  }
  rate_limited_.fetch_add(1, std::memory_order_relaxed);
  return error_response(
      {429, "temporarily_unavailable", "too many requests from this address", *wait},
      req.version());
}

core::result<std::optional<std::string>>
token_server::checked_redirect(const core::params& params) const {
  auto redirect = params.optional("redirect_uri");
  if (redirect && *redirect && !settings_.is_redirect_allowed(**redirect)) {
    return core::invalid_request("redirect_uri is not a registered callback URL");
  }
  return redirect;
}

net::awaitable<core::result<core::token_response>>
token_server::exchange(const core::params& params, upstream_note& note) {
  auto code = params.required("code");
  if (!code) {
    co_return code.error();
  }
  auto redirect = checked_redirect(params);
  if (!redirect) {
    co_return redirect.error();
  }
  auto verifier = params.optional("code_verifier");
  if (!verifier) {
    co_return verifier.error();
  }
  if (*verifier && !core::is_pkce_value(**verifier)) {
    co_return core::invalid_request("code_verifier must be 43 to 128 unreserved characters");
  }

  auto redirect_uri = redirect->value_or(settings_.callback_url);
  core::code_grant grant{*code, redirect_uri, std::nullopt};
  if (*verifier) {
    grant.code_verifier = **verifier;
  }
  auto tokens = co_await call_upstream(core::code_grant_body(grant), true, note);
  if (tokens) {
    tokens->refresh_token = sealer_.seal(*tokens->refresh_token, settings_.client_id);
  }
  co_return tokens;
}

net::awaitable<core::result<core::token_response>> token_server::refresh(const core::params& params,
                                                                         upstream_note& note) {
  auto sealed = params.required("refresh_token");
  if (!sealed) {
    co_return sealed.error();
  }
  // One answer for every reason a token does not open, so a prober learns nothing.
  auto opened = open_refresh_token(*sealed);
  if (!opened) {
    co_return core::invalid_grant("refresh token is invalid");
  }

  auto key = core::sha256(opened->token);
  refresh_coalescer::call with_spotify = [this, token = opened->token, &note] {
    return refresh_upstream(token, note);
  };
  auto tokens = co_await coalescer_.refresh(key, std::move(with_spotify));
  if (tokens && opened->is_legacy && !tokens->refresh_token) {
    // The app holds a token of the old server: hand it one in this server's own format.
    tokens->refresh_token = sealer_.seal(opened->token, settings_.client_id);
  }
  co_return tokens;
}

std::optional<token_server::opened_token>
token_server::open_refresh_token(std::string_view sealed) const {
  if (auto token = sealer_.open(sealed, settings_.client_id)) {
    return opened_token{std::move(*token), false};
  }
  if (legacy_) {
    if (auto token = legacy_->open(sealed)) {
      return opened_token{std::move(*token), true};
    }
  }
  return std::nullopt;
}

net::awaitable<core::result<core::token_response>>
token_server::refresh_upstream(std::string refresh_token, upstream_note& note) {
  auto tokens = co_await call_upstream(core::refresh_grant_body(refresh_token), false, note);
  if (tokens && tokens->refresh_token) {
    // Spotify rotated the refresh token: the old one is dead, so the app must get the new one.
    tokens->refresh_token = sealer_.seal(*tokens->refresh_token, settings_.client_id);
  }
  co_return tokens;
}

net::awaitable<core::result<core::token_response>>
token_server::call_upstream(std::string body, bool is_code_grant, upstream_note& note) {
  upstream::token_call call{std::move(body), authorization_, !is_code_grant};
  auto outcome = co_await upstream_.post_token(std::move(call));
  note.elapsed = outcome.elapsed;
  if (!outcome.reply) {
    co_return core::trouble_error(trouble_of(outcome.failure));
  }
  const auto& reply = *outcome.reply;
  note.status = reply.status;
  std::optional<std::string_view> retry_after;
  if (reply.retry_after) {
    retry_after = *reply.retry_after;
  }
  co_return core::read_token_answer({reply.status, reply.content_type, reply.body, retry_after},
                                    is_code_grant);
}

} // namespace tokenswap::server
