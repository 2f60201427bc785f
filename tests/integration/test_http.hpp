// Blocking HTTP helpers for integration tests: each call opens its own loopback connection.
#pragma once

#include "web/asio.hpp"

#include <map>
#include <string>

namespace tokenswap::testing {

struct reply {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers; // names lower-cased

  std::string header(const std::string& name) const;
};

reply send_request(unsigned short port, http::verb method, const std::string& target,
                   const std::string& body = "",
                   const std::string& content_type = "application/x-www-form-urlencoded",
                   const std::map<std::string, std::string>& extra_headers = {});

inline reply post_form(unsigned short port, const std::string& target, const std::string& body) {
  return send_request(port, http::verb::post, target, body);
}

// Writes raw bytes and reads until the server closes or `max_bytes` arrived.
std::string send_raw(unsigned short port, const std::string& bytes, std::size_t max_bytes = 65536);

} // namespace tokenswap::testing
