#include "emulator/responses.hpp"

#include "core/oauth_error.hpp"
#include "emulator/web_api.hpp"

namespace tokenswap::emulator {

web::response json_response(unsigned status, std::string body) {
  web::response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::pragma, "no-cache");
  // Spotify lets browser apps (PKCE) call the token endpoint and the Web API directly.
  res.set(http::field::access_control_allow_origin, "*");
  res.body() = std::move(body);
  return res;
}

web::response page_response(unsigned status, std::string body, std::string policy) {
  web::response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "text/html; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.set("Content-Security-Policy", policy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
  res.body() = std::move(body);
  return res;
}

web::response redirect_response(http::status status, const std::string& location) {
  web::response res{status, 11};
  res.set(http::field::location, location);
  res.set(http::field::cache_control, "no-store");
  res.set("Referrer-Policy", "no-referrer");
  return res;
}

web::response preflight_response() {
  web::response res{http::status::no_content, 11};
  res.set(http::field::access_control_allow_origin, "*");
  res.set(http::field::access_control_allow_methods, "GET, POST, PUT, DELETE");
  res.set(http::field::access_control_allow_headers, "Authorization, Content-Type");
  res.set(http::field::access_control_max_age, "600");
  return res;
}

web::response method_not_allowed(std::string_view allow) {
  auto res = json_response(405, web_api_error(405, "Method not allowed"));
  res.set(http::field::allow, allow);
  return res;
}

namespace {

web::response status_fault(const fault& planned, fault_target where) {
  auto description = "Emulated failure with status " + std::to_string(planned.status);
  auto error = planned.status == 429 ? "too_many_requests" : "server_error";
  auto body = where == fault_target::web_api
                  ? web_api_error(planned.status, description)
                  : core::oauth_error{planned.status, error, description, std::nullopt}.to_json();
  auto res = json_response(planned.status, std::move(body));
  if (planned.retry_after.count() > 0) {
    res.set(http::field::retry_after, std::to_string(planned.retry_after.count()));
  }
  return res;
}

// What a proxy or load balancer in front of the service might answer instead of it.
web::response html_fault(const fault& planned) {
  web::response res{static_cast<http::status>(planned.status), 11};
  res.set(http::field::content_type, "text/html; charset=utf-8");
  res.body() = "<html><head><title>" + std::to_string(planned.status) +
               "</title></head><body><h1>Upstream unavailable</h1></body></html>\n";
  return res;
}

// A valid JSON object of exactly `size` bytes (or the smallest one, when smaller).
std::string padded_json(std::size_t size) {
  constexpr std::string_view open = "{\"padding\":\"";
  constexpr std::string_view close = "\"}";
  auto fill = size > open.size() + close.size() ? size - open.size() - close.size() : 0;
  return std::string(open) + std::string(fill, 'x') + std::string(close);
}

} // namespace

web::response fault_response(const fault& planned, fault_target where, web::request_info info,
                             const std::function<web::response()>& answer) {
  auto set_fate = [&](web::connection_fate fate) {
    if (info.fate) {
      *info.fate = fate;
    }
  };
  switch (planned.kind) {
  case fault_kind::status:
    return status_fault(planned, where);
  case fault_kind::close:
    set_fate(web::connection_fate::close_silently);
    return json_response(500, "");
  case fault_kind::reset:
    set_fate(web::connection_fate::reset_mid_response);
    return answer();
  case fault_kind::malformed_json:
    return json_response(200, R"({"access_token":"BQ-truncated","token_type":"Bearer","expi)");
  case fault_kind::huge_body:
    return json_response(200, padded_json(planned.body_bytes));
  case fault_kind::html:
    return html_fault(planned);
  case fault_kind::delay:
    break;
  }
  return answer();
}

} // namespace tokenswap::emulator
