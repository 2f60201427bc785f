#pragma once

#include "client/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tokenswap::client {

// A loopback redirect URI (RFC 8252 section 7.3): http, an IP literal host, any port, a path.
struct loopback_redirect {
  // "127.0.0.1" or "::1"; Spotify refuses "localhost" and RFC 8252 section 8.3 advises against it.
  std::string host;
  // 0 means any free port, chosen when the listener binds.
  unsigned short port = 0;
  std::string path = "/";

  // The URI as sent to the accounts service, with the port the listener actually got.
  std::string uri(unsigned short bound_port) const;
};

result<loopback_redirect> parse_loopback_redirect(std::string_view uri);

// True when a request target (path and query) is addressed to the redirect path.
bool is_callback_target(std::string_view target, const loopback_redirect& redirect);

// The authorization code a redirect carries (RFC 6749 section 4.1.2). The state is checked
// first, so a forged redirect is reported as such whatever else it carries; then an `error`
// (access_denied when the user cancels) becomes `cancelled`.
result<std::string> read_callback(std::string_view target, std::string_view expected_state);

// What the login page at the accounts service is opened with.
struct authorize_request {
  std::string accounts_url;
  std::string client_id;
  std::string redirect_uri;
  std::vector<std::string> scopes;
  std::string state;
  std::string code_challenge;
  bool show_dialog = false;
};

// accounts_url + "/authorize" with the query of RFC 6749 section 4.1.1 and RFC 7636 (S256).
result<std::string> build_authorize_url(const authorize_request& request);

} // namespace tokenswap::client
