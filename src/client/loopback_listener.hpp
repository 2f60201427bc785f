#pragma once

#include "client/error.hpp"
#include "client/loopback_redirect.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace tokenswap::client {

// The one-shot HTTP listener on the loopback interface that receives the login redirect
// (RFC 8252 section 7.3). Bound when opened, so the port is known before the browser starts.
class loopback_listener {
public:
  // invalid_config when the address cannot be bound (for example, the port is taken).
  static result<std::unique_ptr<loopback_listener>> open(const loopback_redirect& redirect);
  ~loopback_listener();
  loopback_listener(const loopback_listener&) = delete;
  loopback_listener& operator=(const loopback_listener&) = delete;

  unsigned short port() const;

  // Serves until a request for the redirect path arrives or `timeout` passes, answering the
  // browser with a short page that says whether to close the window. Other paths get a 404 and
  // the wait goes on. Call once.
  result<std::string> wait_for_code(std::string_view state, std::chrono::milliseconds timeout);

  // From any thread: ends wait_for_code() with `cancelled`.
  void cancel();

private:
  struct impl;
  explicit loopback_listener(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

} // namespace tokenswap::client
