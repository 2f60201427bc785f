#include "server/routes.hpp"

namespace tokenswap::server {

route match_route(std::string_view target) {
  auto path = target.substr(0, target.find('?'));
  if (path == "/exchange" || path == "/swap" || path == "/api/token") {
    return route::exchange;
  }
  if (path == "/refresh" || path == "/api/refresh_token") {
    return route::refresh;
  }
  if (path == "/health" || path == "/healthz") {
    return route::health;
  }
  return route::not_found;
}

std::string_view route_name(route r) {
  switch (r) {
  case route::exchange:
    return "exchange";
  case route::refresh:
    return "refresh";
  case route::health:
    return "health";
  case route::not_found:
    break;
  }
  return "not_found";
}

} // namespace tokenswap::server
