#include "client/error.hpp"

namespace tokenswap::client {

std::string_view to_string(error_kind kind) {
  switch (kind) {
  case error_kind::needs_login:
    return "needs_login";
  case error_kind::cancelled:
    return "cancelled";
  case error_kind::state_mismatch:
    return "state_mismatch";
  case error_kind::timeout:
    return "timeout";
  case error_kind::server_unreachable:
    return "server_unreachable";
  case error_kind::server_error:
    return "server_error";
  case error_kind::rejected_by_spotify:
    return "rejected_by_spotify";
  case error_kind::invalid_config:
    return "invalid_config";
  case error_kind::storage_failed:
    return "storage_failed";
  }
  return "unknown";
}

namespace {

std::string describe(const error& value) {
  return std::string(to_string(value.kind)) + ": " + value.message;
}

} // namespace

exception::exception(error value) : std::runtime_error(describe(value)), error_(std::move(value)) {}

void throw_exception_from_error(const error& value, const boost::source_location&) {
  throw exception(value);
}

} // namespace tokenswap::client
