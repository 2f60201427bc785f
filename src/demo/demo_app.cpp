#include "demo/demo_app.hpp"

#include "demo/embedded_files.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <memory>

namespace tokenswap::demo {
namespace {

// Playlist and profile pictures from the real Web API come from Spotify's image hosts.
// Where `serve --demo-app` puts the page, beside the token routes at the root.
constexpr std::string_view server_mount = "/demo/";
constexpr std::string_view server_callback = "/demo/callback";

constexpr std::string_view spotify_image_hosts = "https://*.scdn.co https://*.spotifycdn.com";

std::string origin_of(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || !parsed->has_authority()) {
    return {};
  }
  return std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_host_and_port());
}

// The distinct origins of the given URLs, in order, space-separated.
std::string origins_of(std::initializer_list<std::string_view> urls) {
  std::vector<std::string> seen;
  std::string joined;
  for (auto url : urls) {
    auto origin = origin_of(url);
    if (origin.empty() || std::find(seen.begin(), seen.end(), origin) != seen.end()) {
      continue;
    }
    joined += " " + origin;
    seen.push_back(std::move(origin));
  }
  return joined;
}

std::string_view content_type_for(std::string_view name) {
  auto ends_with = [name](std::string_view suffix) { return name.ends_with(suffix); };
  if (ends_with(".html")) {
    return "text/html; charset=utf-8";
  }
  if (ends_with(".js")) {
    return "text/javascript; charset=utf-8";
  }
  if (ends_with(".css")) {
    return "text/css; charset=utf-8";
  }
  if (ends_with(".svg")) {
    return "image/svg+xml";
  }
  if (ends_with(".png")) {
    return "image/png";
  }
  return "application/octet-stream";
}

const embedded_file* find_file(std::string_view name) {
  for (const auto& file : embedded_files()) {
    if (file.name == name) {
      return &file;
    }
  }
  return nullptr;
}

web::response start_response(const web::request& req, http::status status,
                             const demo_config& config);

// The page itself answers at its mount and at its callback (the accounts service sends the
// browser back there with the code or the error).
std::string_view file_name_for(std::string_view relative) {
  if (relative.empty() || relative == "callback") {
    return "index.html";
  }
  return relative;
}

// A page at /demo/ must be asked for with its slash, or its relative links miss.
web::response add_slash(const web::request& req, const demo_config& config) {
  auto res = start_response(req, http::status::permanent_redirect, config);
  res.set(http::field::location, config.mount);
  return res;
}

web::response start_response(const web::request& req, http::status status,
                             const demo_config& config) {
  web::response res{status, req.version()};
  res.set("Content-Security-Policy", content_security_policy(config));
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  return res;
}

web::response file_response(const web::request& req, const embedded_file& file,
                            std::string_view relative, const demo_config& config) {
  if (req[http::field::if_none_match] == file.etag) {
    auto res = start_response(req, http::status::not_modified, config);
    res.set(http::field::etag, file.etag);
    res.set(http::field::cache_control, "no-cache");
    return res;
  }
  auto res = start_response(req, http::status::ok, config);
  res.set(http::field::content_type, content_type_for(file.name));
  res.set(http::field::etag, file.etag);
  // The callback's address holds a one-time code: nothing of that visit is kept.
  res.set(http::field::cache_control, relative == "callback" ? "no-store" : "no-cache");
  res.body() = file.body;
  return res;
}

web::response config_response(const web::request& req, const demo_config& config) {
  auto res = start_response(req, http::status::ok, config);
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = config_json(config);
  return res;
}

std::string server_redirect_uri(const core::config& settings) {
  if (settings.callback_url.ends_with(server_callback)) {
    return settings.callback_url;
  }
  for (const auto& uri : settings.allowed_redirect_uris) {
    if (uri.ends_with(server_callback)) {
      return uri;
    }
  }
  return settings.callback_url;
}

net::awaitable<web::response> answer(web::request req, std::shared_ptr<const demo_config> config) {
  if (auto res = serve_demo(req, *config)) {
    co_return std::move(*res);
  }
  co_return web::make_error_response(404, "not_found", "no such page", req.version());
}

} // namespace

std::vector<std::string> default_scopes() {
  return {"user-read-private", "user-read-email", "playlist-read-private"};
}

std::string page_url(std::string_view host, unsigned short port) {
  return "http://" + std::string(host) + ":" + std::to_string(port) + "/";
}

std::string redirect_uri_for(std::string_view page) {
  std::string uri(page);
  if (!uri.ends_with('/')) {
    uri += '/';
  }
  return uri + "callback";
}

demo_config config_for_server(const core::config& settings, std::string api_base_url) {
  auto accounts = settings.accounts_url;
  while (accounts.ends_with('/')) {
    accounts.pop_back();
  }
  return {settings.client_id, accounts + "/authorize",  "/exchange",
          "/refresh",         std::move(api_base_url),  server_redirect_uri(settings),
          default_scopes(),   std::string(server_mount)};
}

std::string config_json(const demo_config& config) {
  boost::json::array scopes;
  for (const auto& scope : config.scopes) {
    scopes.emplace_back(scope);
  }
  return boost::json::serialize(boost::json::object{
      {"client_id", config.client_id},
      {"authorize_url", config.authorize_url},
      {"exchange_url", config.exchange_url},
      {"refresh_url", config.refresh_url},
      {"api_base_url", config.api_base_url},
      {"redirect_uri", config.redirect_uri},
      {"scopes", std::move(scopes)},
  });
}

std::string content_security_policy(const demo_config& config) {
  auto services = origins_of(
      {config.exchange_url, config.refresh_url, config.authorize_url, config.api_base_url});
  auto pictures = origins_of({config.api_base_url, config.authorize_url});
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:" +
         pictures + " " + std::string(spotify_image_hosts) + "; connect-src 'self'" + services +
         "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

std::optional<web::response> serve_demo(const web::request& req, const demo_config& config) {
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target) {
    return std::nullopt;
  }
  auto path = std::string(target->path());
  std::string_view mount = config.mount;
  if (path + "/" == mount) {
    return add_slash(req, config);
  }
  if (!path.starts_with(mount)) {
    return std::nullopt;
  }
  auto relative = std::string_view(path).substr(mount.size());
  const embedded_file* file =
      relative == "config.json" ? nullptr : find_file(file_name_for(relative));
  if (!file && relative != "config.json") {
    return std::nullopt;
  }

  if (req.method() != http::verb::get) {
    auto res =
        web::make_error_response(405, "invalid_request", "only GET is allowed here", req.version());
    res.set(http::field::allow, "GET");
    return res;
  }
  return file ? file_response(req, *file, relative, config) : config_response(req, config);
}

web::handler make_demo_handler(demo_config config) {
  auto shared = std::make_shared<const demo_config>(std::move(config));
  return [shared](web::request req, web::request_info) { return answer(std::move(req), shared); };
}

} // namespace tokenswap::demo
