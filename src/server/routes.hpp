#pragma once

#include <string_view>

namespace tokenswap::server {

enum class route { exchange, refresh, health, not_found };

// The route for a request target (any query string is ignored). The names other servers use are
// aliases: /swap and /api/token for the code, /api/refresh_token for the refresh.
route match_route(std::string_view target);

// A fixed name for logs and metrics; never the raw target, which may carry a code.
std::string_view route_name(route r);

} // namespace tokenswap::server
