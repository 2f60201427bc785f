#include "server/token_server.hpp"

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

} // namespace

token_server::token_server(const core::config& settings, const core::sealer& sealer,
                           upstream::token_client& upstream)
    : settings_(settings), sealer_(sealer), upstream_(upstream), cors_(settings.cors_origins),
      authorization_(
          core::basic_authorization(settings.client_id, settings.client_secret.reveal())) {}

net::awaitable<web::response> token_server::handle(web::request req, web::request_info info) {
  upstream_note note;
  auto res = co_await dispatch(req, note);
  cors_.decorate(req, res);

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
  auto refresh_token = sealer_.open(*sealed, settings_.client_id);
  if (!refresh_token) {
    co_return core::invalid_grant("refresh token is invalid");
  }

  auto tokens = co_await call_upstream(core::refresh_grant_body(*refresh_token), false, note);
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
