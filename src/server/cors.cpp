#include "server/cors.hpp"

#include <algorithm>

namespace tokenswap::server {

bool cors_policy::is_allowed(std::string_view origin) const {
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void cors_policy::decorate(const web::request& req, web::response& res) const {
  if (origins_.empty()) {
    res.set(http::field::access_control_allow_origin, "*");
    return;
  }
  res.set(http::field::vary, "Origin");
  auto origin = req[http::field::origin];
  if (!origin.empty() && is_allowed(origin)) {
    res.set(http::field::access_control_allow_origin, origin);
  }
}

web::response cors_policy::preflight(const web::request& req, std::string_view methods) const {
  web::response res{http::status::no_content, req.version()};
  decorate(req, res);
  res.set(http::field::access_control_allow_methods, methods);
  auto requested = req[http::field::access_control_request_headers];
  res.set(http::field::access_control_allow_headers,
          requested.empty() ? std::string_view("Content-Type") : std::string_view(requested));
  res.set(http::field::access_control_max_age, "600");
  return res;
}

} // namespace tokenswap::server
