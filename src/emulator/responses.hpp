// The HTTP answers the emulator builds: JSON with Spotify's headers, pages with a strict
// Content-Security-Policy, redirects, CORS preflights, and the answers faults turn into.
#pragma once

#include "emulator/faults.hpp"
#include "web/http_server.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace tokenswap::emulator {

web::response json_response(unsigned status, std::string body);
web::response page_response(unsigned status, std::string body, std::string policy);
web::response redirect_response(http::status status, const std::string& location);
web::response preflight_response();
web::response method_not_allowed(std::string_view allow);

// What a planned fault turns the answer into; `answer` produces the normal one. A fault that
// breaks the connection says so through `info.fate`.
web::response fault_response(const fault& planned, fault_target where, web::request_info info,
                             const std::function<web::response()>& answer);

} // namespace tokenswap::emulator
