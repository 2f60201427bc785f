#include "core/oauth_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace tokenswap::core {

std::string oauth_error::to_json() const {
  boost::json::object body;
  body["error"] = error;
  if (!description.empty()) {
    body["error_description"] = description;
  }
  return boost::json::serialize(body);
}

oauth_error invalid_request(std::string description) {
  return {400, "invalid_request", std::move(description), std::nullopt};
}

oauth_error invalid_grant(std::string description) {
  return {400, "invalid_grant", std::move(description), std::nullopt};
}

oauth_error server_error(unsigned status, std::string error, std::string description) {
  return {status, std::move(error), std::move(description), std::nullopt};
}

} // namespace tokenswap::core
