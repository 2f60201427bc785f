#include "core/token_exchange.hpp"

#include "core/base64.hpp"
#include "core/json_text.hpp"
#include "core/params.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <charconv>
#include <cmath>

namespace tokenswap::core {
namespace {

constexpr std::int64_t default_retry_after = 5;

oauth_error unusable(std::string description) {
  return {502, "server_error", std::move(description), std::nullopt};
}

std::optional<std::string> string_field(const boost::json::object& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || !it->value().is_string()) {
    return std::nullopt;
  }
  return std::string(it->value().as_string());
}

// Spotify sends a number; a numeric string is tolerated so a quirky upstream still works.
std::optional<std::int64_t> seconds_field(const boost::json::object& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end()) {
    return std::nullopt;
  }
  const auto& value = it->value();
  if (value.is_int64()) {
    return value.as_int64();
  }
  if (value.is_uint64() && value.as_uint64() < (1ull << 62)) {
    return static_cast<std::int64_t>(value.as_uint64());
  }
  if (value.is_double() && std::isfinite(value.as_double()) && std::abs(value.as_double()) < 1e15) {
    return static_cast<std::int64_t>(value.as_double());
  }
  if (value.is_string()) {
    std::int64_t parsed = 0;
    std::string_view text = value.as_string();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec == std::errc() && end == text.data() + text.size()) {
      return parsed;
    }
  }
  return std::nullopt;
}

std::optional<boost::json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

result<token_response> read_success(std::string_view body, bool needs_refresh_token) {
  auto object = parse_object(body);
  if (!object) {
    return unusable("the accounts service answered something that is not JSON");
  }
  token_response tokens;
  auto access_token = string_field(*object, "access_token");
  auto expires_in = seconds_field(*object, "expires_in");
  // A negative lifetime would have clients refresh in a loop; it is as unusable as a missing one.
  if (!access_token || access_token->empty() || !expires_in || *expires_in < 0) {
    return unusable("the accounts service answered without an access token or its lifetime");
  }
  tokens.access_token = std::move(*access_token);
  tokens.expires_in = *expires_in;
  tokens.token_type = string_field(*object, "token_type").value_or("Bearer");
  tokens.scope = string_field(*object, "scope").value_or("");
  tokens.refresh_token = string_field(*object, "refresh_token");
  if (tokens.refresh_token && tokens.refresh_token->empty()) {
    tokens.refresh_token.reset();
  }
  if (needs_refresh_token && !tokens.refresh_token) {
    return unusable("the accounts service answered without a refresh token");
  }
  return tokens;
}

std::string_view fallback_code(unsigned status) {
  switch (status) {
  case 401:
    return "invalid_client";
  case 403:
    return "access_denied";
  default:
    return "invalid_request";
  }
}

// Spotify's own 4xx: its status and error code reach the app unchanged (an app logs the user in
// again on invalid_grant).
oauth_error read_refusal(const upstream_answer& answer) {
  oauth_error error{answer.status, std::string(fallback_code(answer.status)),
                    "the accounts service refused the request", std::nullopt};
  auto object = parse_object(answer.body);
  if (!object) {
    return error;
  }
  if (auto code = string_field(*object, "error"); code && !code->empty()) {
    error.error = std::move(*code);
  }
  if (auto description = string_field(*object, "error_description")) {
    error.description = std::move(*description);
  }
  return error;
}

} // namespace

std::string code_grant_body(const code_grant& grant) {
  std::string body = "grant_type=authorization_code&code=" + form_encode(grant.code) +
                     "&redirect_uri=" + form_encode(grant.redirect_uri);
  if (grant.code_verifier) {
    body += "&code_verifier=" + form_encode(*grant.code_verifier);
  }
  return body;
}

std::string refresh_grant_body(std::string_view refresh_token) {
  return "grant_type=refresh_token&refresh_token=" + form_encode(refresh_token);
}

std::string basic_authorization(std::string_view client_id, std::string_view client_secret) {
  return "Basic " + base64_encode(std::string(client_id) + ":" + std::string(client_secret));
}

result<token_response> read_token_answer(const upstream_answer& answer, bool needs_refresh_token) {
  if (answer.status == 200) {
    return read_success(answer.body, needs_refresh_token);
  }
  if (answer.status == 429 || answer.status == 503) {
    auto wait = retry_after_seconds(answer.retry_after, default_retry_after);
    return oauth_error{answer.status, "temporarily_unavailable",
                       answer.status == 429 ? "the accounts service is rate limiting requests"
                                            : "the accounts service is temporarily unavailable",
                       std::chrono::seconds(wait)};
  }
  if (answer.status >= 400 && answer.status < 500) {
    return read_refusal(answer);
  }
  return unusable("the accounts service failed (HTTP " + std::to_string(answer.status) + ")");
}

oauth_error trouble_error(upstream_trouble trouble) {
  switch (trouble) {
  case upstream_trouble::timeout:
    return {504, "temporarily_unavailable", "the accounts service did not answer in time",
            std::nullopt};
  case upstream_trouble::unusable:
    return unusable("the accounts service answered something unusable");
  case upstream_trouble::unreachable:
    break;
  }
  return unusable("the accounts service could not be reached");
}

std::string token_response_json(const token_response& response) {
  // Written directly rather than through a JSON object: this runs for every answer, and twice for
  // a rotated refresh (the answer and what the grace window remembers).
  std::string out;
  out.reserve(96 + response.access_token.size() + response.token_type.size() +
              response.scope.size() +
              (response.refresh_token ? response.refresh_token->size() : 0));
  out += R"({"access_token":)";
  append_json_string(out, response.access_token);
  out += R"(,"token_type":)";
  append_json_string(out, response.token_type);
  out += R"(,"scope":)";
  append_json_string(out, response.scope);
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, response.expires_in);
  out += R"(,"expires_in":)";
  out.append(digits, end);
  if (response.refresh_token) {
    out += R"(,"refresh_token":)";
    append_json_string(out, *response.refresh_token);
  }
  out += '}';
  return out;
}

std::int64_t retry_after_seconds(std::optional<std::string_view> value, std::int64_t fallback) {
  if (!value) {
    return fallback;
  }
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (ec != std::errc() || end != value->data() + value->size() || seconds < 0) {
    return fallback;
  }
  return std::min<std::int64_t>(seconds, 3600);
}

} // namespace tokenswap::core
