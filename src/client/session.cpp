#include "client/session.hpp"

#include "client/scopes.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace tokenswap::client {
namespace json = boost::json;

namespace {

constexpr std::int64_t format_version = 1;

error unreadable(std::string_view why) {
  return {error_kind::needs_login, "the stored session is unreadable (" + std::string(why) + ")"};
}

const json::string* string_field(const json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  return value ? value->if_string() : nullptr;
}

result<std::vector<std::string>> scopes_field(const json::object& object) {
  const auto* value = object.if_contains("scopes");
  if (!value || !value->is_array()) {
    return unreadable("no scopes");
  }
  std::vector<std::string> scopes;
  for (const auto& item : value->get_array()) {
    if (!item.is_string()) {
      return unreadable("a scope is not a string");
    }
    scopes.emplace_back(item.get_string());
  }
  return normalize_scopes(std::move(scopes));
}

result<void> read_text_fields(const json::object& object, session& s) {
  struct text_field {
    std::string_view name;
    std::string* target;
    bool required;
  };
  const text_field fields[] = {
      {"client_id", &s.client_id, true},         {"exchange_url", &s.exchange_url, false},
      {"refresh_url", &s.refresh_url, true},     {"access_token", &s.access_token, true},
      {"token_type", &s.token_type, false},      {"scope", &s.granted_scope, false},
      {"refresh_token", &s.refresh_token, true},
  };
  for (const auto& field : fields) {
    const auto* value = string_field(object, field.name);
    if (!value || (field.required && value->empty())) {
      return unreadable("no " + std::string(field.name));
    }
    *field.target = std::string(*value);
  }
  return {};
}

} // namespace

bool is_fresh(const session& s, time_point now, std::chrono::seconds margin) {
  return now + margin < s.expires_at;
}

// Whole seconds, rounded down (the safe side), so that a session in memory equals its file.
time_point expiry_after(time_point now, std::chrono::seconds expires_in) {
  auto start = time_point(std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()));
  return expires_in.count() > 0 ? start + expires_in : start;
}

std::string to_json(const session& s) {
  json::array scopes;
  for (const auto& scope : s.scopes) {
    scopes.emplace_back(scope);
  }
  auto expires = std::chrono::duration_cast<std::chrono::seconds>(s.expires_at.time_since_epoch());
  json::object object{{"version", format_version},     {"client_id", s.client_id},
                      {"scopes", std::move(scopes)},   {"exchange_url", s.exchange_url},
                      {"refresh_url", s.refresh_url},  {"access_token", s.access_token},
                      {"token_type", s.token_type},    {"scope", s.granted_scope},
                      {"expires_at", expires.count()}, {"refresh_token", s.refresh_token}};
  return json::serialize(object) + "\n";
}

result<session> session_from_json(std::string_view text) {
  boost::system::error_code ec;
  auto parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) {
    return unreadable("not a JSON object");
  }
  const auto& object = parsed.get_object();
  const auto* version = object.if_contains("version");
  if (!version || !version->is_int64() || version->get_int64() != format_version) {
    return unreadable("unknown format version");
  }

  session s;
  if (auto read = read_text_fields(object, s); !read) {
    return read.error();
  }
  const auto* expires = object.if_contains("expires_at");
  if (!expires || !expires->is_int64()) {
    return unreadable("no expires_at");
  }
  s.expires_at = time_point(std::chrono::seconds(expires->get_int64()));

  auto scopes = scopes_field(object);
  if (!scopes) {
    return scopes.error();
  }
  s.scopes = std::move(*scopes);
  return s;
}

} // namespace tokenswap::client
