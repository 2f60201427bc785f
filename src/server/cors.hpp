#pragma once

#include "web/asio.hpp"

#include <string>
#include <vector>

namespace tokenswap::server {

// Cross-origin access for apps that call from a web view (the Cordova plugin does). With no list,
// any origin may call, never with credentials; with a list, only those origins.
class cors_policy {
public:
  explicit cors_policy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  // Adds the Access-Control-Allow-Origin (and Vary) headers an answer to `req` needs.
  void decorate(const web::request& req, web::response& res) const;
  // The 204 answer to a preflight OPTIONS request.
  web::response preflight(const web::request& req, std::string_view methods) const;

private:
  bool is_allowed(std::string_view origin) const;

  std::vector<std::string> origins_;
};

} // namespace tokenswap::server
