#include "emulator/accounts_state.hpp"

#include "emulator/admin_api.hpp"
#include "emulator/encoding.hpp"
#include "emulator/pages.hpp"
#include "emulator/responses.hpp"
#include "emulator/scopes.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tokenswap::emulator {
namespace {

// Expired codes, tokens and pending consents are swept after this many new entries.
constexpr std::uint64_t purge_interval = 1024;

net::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  net::steady_timer timer(co_await net::this_coro::executor, duration);
  co_await timer.async_wait(net::use_awaitable);
}

// The origin the Web API's links point back to: the one the client used to reach us.
std::string api_base(const web::request& req) {
  auto host = req[http::field::host];
  return "http://" + std::string(host.empty() ? "127.0.0.1" : host);
}

std::string bearer_token(const web::request& req) {
  auto token = credentials_for(req[http::field::authorization], "Bearer");
  return token ? std::string(*token) : std::string();
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
  auto question = target.find('?');
  if (question == std::string_view::npos) {
    return {target, {}};
  }
  return {target.substr(0, question), target.substr(question + 1)};
}

std::string grant_type_of(std::string_view body) {
  auto form = core::decode_form(body);
  auto value = form ? form->optional("grant_type") : core::result<std::optional<std::string>>();
  return form && value && *value ? **value : std::string();
}

} // namespace

std::string accounts_emulator::state::issue_code(const authorize_request& request, time_point at) {
  authorization granted{request.client_id, user.id, request.scopes, at};
  maybe_purge(at);
  return grants.add_code({std::move(granted), request.redirect_uri, request.code_challenge},
                         at + code_lifetime);
}

void accounts_emulator::state::maybe_purge(time_point at) {
  if (++grants_since_purge < purge_interval) {
    return;
  }
  grants_since_purge = 0;
  grants.purge(at);
  pending.purge(at);
}

void accounts_emulator::state::count_grant(std::string_view grant_type) {
  ++counters.token_calls;
  if (grant_type == "authorization_code") {
    ++counters.authorization_code_grants;
  } else if (grant_type == "refresh_token") {
    ++counters.refresh_token_grants;
  } else if (grant_type == "client_credentials") {
    ++counters.client_credentials_grants;
  } else {
    ++counters.other_grants;
  }
}

web::response accounts_emulator::state::authorize(std::string_view query) {
  std::lock_guard lock(mutex);
  ++counters.authorize_calls;
  auto params = core::decode_form(query);
  auto checked = params ? check_authorize(*params, clients)
                        : checked_authorize{std::nullopt, "The request's parameters are not "
                                                          "properly encoded."};
  if (!checked.request) {
    return page_response(400, error_page(checked.problem), content_security_policy());
  }

  const auto& request = *checked.request;
  auto at = now();
  if (auto_deny) {
    return redirect_response(http::status::found, denied_redirect(request));
  }
  if (auto_approve || (!request.show_dialog && approved.covers(request))) {
    return redirect_response(http::status::found,
                             approved_redirect(request, issue_code(request, at)));
  }
  maybe_purge(at);
  auto id = pending.add(request, at + code_lifetime);
  return page_response(200, consent_page(*clients.find(request.client_id), request, id),
                       content_security_policy(request.redirect_uri));
}

web::response accounts_emulator::state::decide(std::string_view body) {
  auto form = core::decode_form(body);
  auto id = form ? form->optional("request") : core::result<std::optional<std::string>>();
  auto decision = form ? form->optional("decision") : core::result<std::optional<std::string>>();
  bool agreed = decision && *decision == std::optional<std::string>("agree");
  bool cancelled = decision && *decision == std::optional<std::string>("cancel");
  if (!id || !*id || (!agreed && !cancelled)) {
    return page_response(400, error_page("The answer to the login request was malformed."),
                         content_security_policy());
  }

  std::lock_guard lock(mutex);
  auto at = now();
  auto request = pending.take(**id, at);
  if (!request) {
    return page_response(400,
                         error_page("This login request has expired or was already "
                                    "answered. Go back to the app and start again."),
                         content_security_policy());
  }
  if (cancelled) {
    return redirect_response(http::status::see_other, denied_redirect(*request));
  }
  approved.remember(*request);
  return redirect_response(http::status::see_other,
                           approved_redirect(*request, issue_code(*request, at)));
}

web::response accounts_emulator::state::token(const web::request& req) {
  std::lock_guard lock(mutex);
  auto at = now();
  auto answer = answer_token_request(req[http::field::authorization], req.body(), clients, grants,
                                     policy, at);
  if (answer.status != 200) {
    ++counters.token_errors;
  }
  maybe_purge(at);
  return json_response(answer.status, std::move(answer.body));
}

web::response accounts_emulator::state::web_api(const web::request& req, std::string_view path,
                                                std::string_view query) {
  auto token = bearer_token(req);
  std::lock_guard lock(mutex);
  ++counters.api_calls;
  auto found = token.empty() ? lookup<access_grant>{} : grants.find_access_token(token, now());
  if (found.status != lookup_status::found) {
    auto message = token.empty()                            ? "No token provided"
                   : found.status == lookup_status::expired ? "The access token expired"
                                                            : "Invalid access token";
    auto res = json_response(401, web_api_error(401, message));
    res.set(http::field::www_authenticate, "Bearer realm=\"spotify\"");
    return res;
  }
  const auto& granted = found.grant->granted;
  if (granted.user_id.empty()) {
    return json_response(401, web_api_error(401, "This request requires user authentication."));
  }
  if (path == "/v1/me") {
    return json_response(200, profile_json(user, granted.scopes, api_base(req)));
  }

  if (!has_scope(granted.scopes, "playlist-read-private")) {
    return json_response(403, web_api_error(403, "Insufficient client scope"));
  }
  std::string problem;
  auto params = core::decode_form(query);
  auto page = params ? parse_paging(*params, problem) : std::nullopt;
  if (!page) {
    return json_response(400, web_api_error(400, problem.empty() ? "Malformed query" : problem));
  }
  return json_response(200, playlists_json(user, *page, api_base(req)));
}

std::optional<fault> accounts_emulator::state::take_fault(fault_target where) {
  std::lock_guard lock(mutex);
  auto planned = faults.next(where);
  if (planned) {
    ++counters.faults_applied;
  }
  return planned;
}

net::awaitable<web::response>
accounts_emulator::state::with_faults(fault_target where, web::request_info info,
                                      std::function<web::response()> answer) {
  auto planned = take_fault(where);
  if (!planned) {
    co_return answer();
  }
  if (planned->delay.count() > 0) {
    co_await sleep_for(planned->delay);
  }
  co_return fault_response(*planned, where, info, answer);
}

net::awaitable<web::response> accounts_emulator::handle(web::request req, web::request_info info) {
  co_await state_->wait_latency();
  auto [path, query] = split_target(req.target());
  if (req.method() == http::verb::options && (path.starts_with("/v1/") || path == "/api/token")) {
    co_return preflight_response();
  }
  if (path == "/api/token") {
    co_return co_await state_->token_call(req, info);
  }
  if (path == "/v1/me" || path == "/v1/me/playlists") {
    co_return co_await state_->web_api_call(req, info, path, query);
  }
  if (path.starts_with("/emulator/")) {
    co_return answer_admin(*this, req, path);
  }
  co_return state_->browser_call(req, path, query);
}

net::awaitable<void> accounts_emulator::state::wait_latency() {
  auto wait = [&] {
    std::lock_guard lock(mutex);
    return latency;
  }();
  if (wait.count() > 0) {
    co_await sleep_for(wait);
  }
}

net::awaitable<web::response> accounts_emulator::state::token_call(const web::request& req,
                                                                   web::request_info info) {
  if (req.method() != http::verb::post) {
    co_return method_not_allowed("POST");
  }
  {
    std::lock_guard lock(mutex);
    count_grant(grant_type_of(req.body()));
  }
  co_return co_await with_faults(fault_target::token, info, [&] { return token(req); });
}

net::awaitable<web::response> accounts_emulator::state::web_api_call(const web::request& req,
                                                                     web::request_info info,
                                                                     std::string_view path,
                                                                     std::string_view query) {
  if (req.method() != http::verb::get) {
    co_return method_not_allowed("GET");
  }
  co_return co_await with_faults(fault_target::web_api, info,
                                 [&] { return web_api(req, path, query); });
}

web::response accounts_emulator::state::browser_call(const web::request& req, std::string_view path,
                                                     std::string_view query) {
  auto method = req.method();
  if (path == "/authorize") {
    return method == http::verb::get ? authorize(query) : method_not_allowed("GET");
  }
  if (path == "/authorize/decision") {
    return method == http::verb::post ? decide(req.body()) : method_not_allowed("POST");
  }
  return static_content(method, path);
}

web::handler accounts_emulator::handler() {
  return [this](web::request req, web::request_info info) { return handle(std::move(req), info); };
}

web::response accounts_emulator::state::static_content(http::verb method, std::string_view path) {
  std::optional<std::string> svg;
  if (path.starts_with("/images/")) {
    svg = playlist_image_svg(path.substr(8));
  }
  if (path != stylesheet_path && !svg) {
    return json_response(404, web_api_error(404, "Service not found"));
  }
  if (method != http::verb::get) {
    return method_not_allowed("GET");
  }
  web::response res{http::status::ok, 11};
  res.set(http::field::content_type, svg ? "image/svg+xml" : "text/css; charset=utf-8");
  res.set(http::field::cache_control, "public, max-age=3600");
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = svg ? std::move(*svg) : std::string(stylesheet());
  return res;
}

} // namespace tokenswap::emulator
