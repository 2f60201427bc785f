#include "client/token_answer.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>

namespace tokenswap::client {
namespace json = boost::json;

namespace {

std::string text_of(const json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

// A number as RFC 6749 says; a numeric string too, as some servers send one.
std::optional<std::int64_t> seconds_of(const json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  if (value && value->is_int64()) {
    return value->get_int64();
  }
  if (value && value->is_uint64()) {
    return static_cast<std::int64_t>(value->get_uint64());
  }
  if (value && value->is_string()) {
    std::int64_t number = 0;
    auto text = std::string_view(value->get_string());
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec == std::errc() && end == text.data() + text.size()) {
      return number;
    }
  }
  return std::nullopt;
}

error unusable(unsigned status) {
  return {error_kind::server_error,
          "the token-swap server answered " + std::to_string(status) + " with an unusable body"};
}

error refusal(token_call call, unsigned status, const json::object& object) {
  auto code = text_of(object, "error");
  auto description = text_of(object, "error_description");
  auto detail = code + (description.empty() ? "" : " (" + description + ")");
  if (status >= 500 || status == 429) {
    return {error_kind::server_error,
            "the token-swap server answered " + std::to_string(status) + ": " + detail};
  }
  if (call == token_call::refresh && code == "invalid_grant") {
    return {error_kind::needs_login, "the refresh token was refused; log in again: " + detail};
  }
  return {error_kind::rejected_by_spotify, "the request was refused: " + detail};
}

result<token_grant> read_grant(token_call call, const json::object& object, unsigned status) {
  token_grant grant;
  grant.access_token = text_of(object, "access_token");
  grant.token_type = text_of(object, "token_type");
  grant.scope = text_of(object, "scope");
  auto expires_in = seconds_of(object, "expires_in");
  if (grant.access_token.empty() || !expires_in) {
    return unusable(status);
  }
  grant.expires_in = std::chrono::seconds(*expires_in);
  if (auto refresh = text_of(object, "refresh_token"); !refresh.empty()) {
    grant.refresh_token = std::move(refresh);
  } else if (call == token_call::exchange) {
    return unusable(status);
  }
  return grant;
}

} // namespace

result<token_grant> read_token_answer(token_call call, unsigned status, std::string_view body) {
  boost::system::error_code ec;
  auto parsed = json::parse(body, ec);
  const auto* object = ec ? nullptr : parsed.if_object();
  if (!object && status >= 500) {
    return error{error_kind::server_error,
                 "the token-swap server answered " + std::to_string(status)};
  }
  if (!object) {
    return unusable(status);
  }
  // RFC 6749 section 5.2: an `error` member is a failure whatever the status says.
  if (status != 200 || object->contains("error")) {
    return refusal(call, status, *object);
  }
  return read_grant(call, *object, status);
}

session apply_grant(session base, const token_grant& grant, time_point now) {
  base.access_token = grant.access_token;
  base.token_type = grant.token_type.empty() ? std::string("Bearer") : grant.token_type;
  if (!grant.scope.empty()) {
    base.granted_scope = grant.scope;
  }
  base.expires_at = expiry_after(now, grant.expires_in);
  if (grant.refresh_token) {
    base.refresh_token = *grant.refresh_token;
  }
  return base;
}

} // namespace tokenswap::client
