// A public header: it includes its siblings by relative name so that it works the same in the
// source tree and installed under tokenswap/client/, and it includes no Asio or Beast.
#pragma once

#include "session.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace tokenswap::client {

// Everything a login and a refresh need.
struct config {
  std::string client_id;
  // A loopback URI registered with the app (RFC 8252 section 7.3); port 0 picks a free port,
  // which works only where the accounts service accepts any loopback port.
  std::string redirect_uri = "http://127.0.0.1:8888/callback";
  std::vector<std::string> scopes;
  std::string accounts_url = "https://accounts.spotify.com";
  // The token-swap server's endpoints.
  std::string exchange_url;
  std::string refresh_url;

  // A token is refreshed once it has less than this left, so a caller never gets one that
  // expires in flight.
  std::chrono::seconds refresh_margin{30};
  // How long the user has to finish the login in the browser.
  std::chrono::seconds login_timeout{300};
  // Each request to the token-swap server or the Web API.
  std::chrono::seconds request_timeout{15};
  // Ask the accounts service to show its consent page even when the user approved before.
  bool show_dialog = false;

  // Sessions live in <store_dir>/<profile>.json; empty means default_store_dir().
  std::string profile = "default";
  std::filesystem::path store_dir;
  // PEM file of extra trusted CAs for https URLs, besides the system store.
  std::string ca_file;

  // Opens the authorize URL. Empty: xdg-open when a display is available, otherwise the URL is
  // printed on stderr for the user to open. Called on the caller's thread while the loopback
  // listener already runs, so it may itself fetch the URL (tests play the browser this way).
  std::function<void(const std::string& url)> open_url;
  // The wall clock; tests inject their own. Empty means std::chrono::system_clock::now.
  std::function<time_point()> clock;
};

} // namespace tokenswap::client
