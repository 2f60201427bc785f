#pragma once

#include "client/error.hpp"
#include "client/session_manager.hpp"
#include "client/token_answer.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tokenswap::client {

struct exchange_request {
  std::string url;
  std::string code;
  std::string redirect_uri;
  std::string code_verifier;
};

// Everything the session manager sends over the network. Tests replace it with a fake.
class transport {
public:
  virtual ~transport() = default;
  // POST the code to the token-swap server's exchange URL.
  virtual result<token_grant> exchange(const exchange_request& request) = 0;
  // POST the sealed refresh token to its refresh URL.
  virtual result<token_grant> refresh(std::string_view url, std::string_view refresh_token) = 0;
  // One Web API call with the bearer token; `body`, when present, is JSON.
  virtual result<api_response> call_api(std::string_view method, std::string_view url,
                                        std::string_view access_token,
                                        const std::optional<std::string>& body) = 0;
};

// HTTP and HTTPS through the shared client, each call on its own short-lived event loop.
std::shared_ptr<transport> make_http_transport(std::chrono::seconds timeout, std::string ca_file);

} // namespace tokenswap::client
