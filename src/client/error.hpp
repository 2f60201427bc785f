#pragma once

#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace tokenswap::client {

// What went wrong, in terms a caller can act on.
enum class error_kind {
  needs_login,         // no session, or the refresh token was refused: run the login again
  cancelled,           // the user declined in the browser (access_denied) or stopped the login
  state_mismatch,      // the redirect did not carry the state we sent (a forged or stale redirect)
  timeout,             // the user did not finish the login in time
  server_unreachable,  // the token-swap server could not be reached or did not answer in time
  server_error,        // the token-swap server failed (5xx) or answered something unusable
  rejected_by_spotify, // the accounts service refused the request (invalid_client, bad code, ...)
  invalid_config,      // the configuration cannot work (bad URL, non-loopback redirect, ...)
  storage_failed,      // the session file could not be read or written
};

std::string_view to_string(error_kind kind);

// An error as a value. The message never holds a code, a token or a secret.
struct error {
  error_kind kind = error_kind::needs_login;
  std::string message;

  bool operator==(const error&) const = default;
};

// The same error thrown, for callers that prefer exceptions (result<T>::value() throws it).
class exception : public std::runtime_error {
public:
  explicit exception(error value);
  const error& value() const noexcept { return error_; }
  error_kind kind() const noexcept { return error_.kind; }

private:
  error error_;
};

template <typename T> using result = boost::system::result<T, error>;

// Lets result<T>::value() throw client::exception (found by argument-dependent lookup).
[[noreturn]] void throw_exception_from_error(const error& value,
                                             const boost::source_location& location);

} // namespace tokenswap::client
