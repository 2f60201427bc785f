#pragma once

#include "core/config.hpp"
#include "web/asio.hpp"
#include "web/http_server.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tokenswap::demo {

// What the page needs to know to log in and call the API. The page reads it from
// /config.json, so no script is inlined and the Content-Security-Policy stays strict.
struct demo_config {
  std::string client_id;
  // The accounts service's /authorize page.
  std::string authorize_url;
  // The token-swap server's routes.
  std::string exchange_url;
  std::string refresh_url;
  // The Web API base the page calls {api_base_url}/v1/me on.
  std::string api_base_url;
  // This page's callback, as registered with the accounts service.
  std::string redirect_uri;
  std::vector<std::string> scopes;
  // Where the page is mounted on its server, with a trailing slash: the page answers at the
  // mount, its callback at mount + "callback", its files beside them.
  std::string mount = "/";
};

// What the page asks for unless told otherwise: the profile and the private playlists.
std::vector<std::string> default_scopes();

// The page's address for a server on host:port, and the redirect URI to register for it.
std::string page_url(std::string_view host, unsigned short port);
std::string redirect_uri_for(std::string_view page_url);

// The page as `serve --demo-app` mounts it: at /demo/ on the server's own origin (so the token
// routes are relative), against the configured accounts service and the real Web API. Its
// redirect URI is the first of the callback URL and the allowed redirect URIs that ends in
// /demo/callback (the callback URL when none does).
demo_config config_for_server(const core::config& settings,
                              std::string api_base_url = "https://api.spotify.com");

std::string config_json(const demo_config& config);
// default-src 'none'; scripts and styles only from the page itself; fetches only to the page, the
// token-swap server, the accounts service and the API.
std::string content_security_policy(const demo_config& config);

// The page's answer when the request is for one of its paths, nothing otherwise, so a server can
// mount the page beside its own routes.
std::optional<web::response> serve_demo(const web::request& req, const demo_config& config);

// A whole server's handler: the page, and 404 for anything else.
web::handler make_demo_handler(demo_config config);

} // namespace tokenswap::demo
