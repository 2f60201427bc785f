#include "emulator/admin_api.hpp"

#include "emulator/scopes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace tokenswap::emulator {
namespace {

namespace json = boost::json;

web::response admin_json(http::status status, std::string body) {
  web::response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  return res;
}

web::response admin_error(http::status status, std::string_view message) {
  return admin_json(status, json::serialize(json::object{{"error", message}}));
}

web::response no_content() { return web::response{http::status::no_content, 11}; }

std::optional<json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  auto parsed = json::parse(body.empty() ? std::string_view("{}") : body, ec);
  if (ec || !parsed.is_object()) {
    return std::nullopt;
  }
  return parsed.as_object();
}

std::string string_member(const json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  return found && found->is_string() ? std::string(found->as_string()) : std::string();
}

std::string settings_json(const emulator_settings& settings) {
  return json::serialize(json::object{
      {"auto_approve", settings.auto_approve},
      {"auto_deny", settings.auto_deny},
      {"rotate_refresh_tokens", settings.rotate_refresh_tokens},
      {"token_lifetime", settings.token_lifetime.count()},
      {"latency_ms", settings.latency.count()},
  });
}

std::string counters_json(const emulator_counters& counters) {
  return json::serialize(json::object{
      {"token_calls", counters.token_calls},
      {"authorization_code_grants", counters.authorization_code_grants},
      {"refresh_token_grants", counters.refresh_token_grants},
      {"client_credentials_grants", counters.client_credentials_grants},
      {"other_grants", counters.other_grants},
      {"token_errors", counters.token_errors},
      {"faults_applied", counters.faults_applied},
      {"authorize_calls", counters.authorize_calls},
      {"api_calls", counters.api_calls},
  });
}

web::response change_settings(accounts_emulator& emulator, const json::object& changes) {
  for (const auto& [key, value] : changes) {
    bool is_count = value.is_int64() && value.as_int64() >= 0;
    if (key == "auto_approve" && value.is_bool()) {
      emulator.set_auto_approve(value.as_bool());
    } else if (key == "auto_deny" && value.is_bool()) {
      emulator.set_auto_deny(value.as_bool());
    } else if (key == "rotate_refresh_tokens" && value.is_bool()) {
      emulator.set_rotate_refresh_tokens(value.as_bool());
    } else if (key == "token_lifetime" && is_count) {
      emulator.set_token_lifetime(std::chrono::seconds(value.as_int64()));
    } else if (key == "latency_ms" && is_count) {
      emulator.set_latency(std::chrono::milliseconds(value.as_int64()));
    } else {
      return admin_error(http::status::bad_request,
                         "unknown setting or wrong type: " + std::string(key));
    }
  }
  return admin_json(http::status::ok, settings_json(emulator.settings()));
}

web::response mint(accounts_emulator& emulator, const json::object& request) {
  code_request wanted{string_member(request, "client_id"), string_member(request, "redirect_uri"),
                      parse_scopes(string_member(request, "scope")).names,
                      string_member(request, "code_challenge")};
  try {
    auto code = emulator.mint_code(wanted);
    return admin_json(http::status::ok, json::serialize(json::object{{"code", code}}));
  } catch (const std::invalid_argument& e) {
    return admin_error(http::status::bad_request, e.what());
  }
}

web::response add_client(accounts_emulator& emulator, const json::object& request) {
  registered_client client{string_member(request, "id"),
                           string_member(request, "secret"),
                           string_member(request, "name"),
                           {}};
  if (const auto* uris = request.if_contains("redirect_uris"); uris && uris->is_array()) {
    for (const auto& uri : uris->as_array()) {
      client.redirect_uris.push_back(uri.is_string() ? std::string(uri.as_string()) : "");
    }
  }
  auto problems = emulator.register_client(std::move(client));
  if (problems.empty()) {
    return no_content();
  }
  json::array listed;
  for (auto& problem : problems) {
    listed.emplace_back(problem);
  }
  return admin_json(
      http::status::bad_request,
      json::serialize(json::object{{"error", "invalid client"}, {"problems", listed}}));
}

web::response post_admin(accounts_emulator& emulator, const web::request& req,
                         std::string_view path) {
  if (path == "/emulator/faults") {
    auto planned = parse_fault(req.body());
    if (!planned) {
      return admin_error(http::status::bad_request, planned.error().description);
    }
    emulator.inject_fault(*planned);
    return no_content();
  }
  if (path == "/emulator/revoke") {
    emulator.revoke_refresh_tokens();
    return no_content();
  }
  auto object = parse_object(req.body());
  if (!object) {
    return admin_error(http::status::bad_request, "the body must be a JSON object");
  }
  if (path == "/emulator/settings") {
    return change_settings(emulator, *object);
  }
  if (path == "/emulator/codes") {
    return mint(emulator, *object);
  }
  return add_client(emulator, *object);
}

} // namespace

web::response answer_admin(accounts_emulator& emulator, const web::request& req,
                           std::string_view path) {
  auto method = req.method();
  if (path == "/emulator/faults" && method == http::verb::delete_) {
    emulator.clear_faults();
    return no_content();
  }
  if (path == "/emulator/counters" && method == http::verb::delete_) {
    emulator.reset_counters();
    return no_content();
  }
  if (path == "/emulator/counters" && method == http::verb::get) {
    return admin_json(http::status::ok, counters_json(emulator.counters()));
  }
  if (path == "/emulator/settings" && method == http::verb::get) {
    return admin_json(http::status::ok, settings_json(emulator.settings()));
  }
  bool known = path == "/emulator/faults" || path == "/emulator/revoke" ||
               path == "/emulator/settings" || path == "/emulator/codes" ||
               path == "/emulator/clients";
  if (!known) {
    return admin_error(http::status::not_found, "no such control");
  }
  if (method != http::verb::post) {
    return admin_error(http::status::method_not_allowed, "use POST");
  }
  return post_admin(emulator, req, path);
}

} // namespace tokenswap::emulator
