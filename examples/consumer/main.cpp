// whoami: logs in to Spotify once, then prints the user's profile on every run.
//
//   whoami --server https://swap.example.com --client-id ID
//   whoami --no-login   (exit 3 instead of opening the browser when a login is needed)
#include <tokenswap/client/session_manager.hpp>

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  tokenswap::client::config settings;
  settings.scopes = {"user-read-private", "user-read-email"};
  bool login_allowed = true;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--no-login") {
      login_allowed = false;
    } else if (arg == "--server" && i + 1 < argc) {
      std::string server = argv[++i];
      settings.exchange_url = server + "/exchange";
      settings.refresh_url = server + "/refresh";
    } else if (arg == "--client-id" && i + 1 < argc) {
      settings.client_id = argv[++i];
    } else if (arg == "--profile" && i + 1 < argc) {
      settings.profile = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: whoami --server URL --client-id ID [--profile NAME] [--no-login]\n");
      return 2;
    }
  }

  tokenswap::client::session_manager manager(settings);
  auto session = login_allowed ? manager.authorize() : manager.token();
  if (!session) {
    std::fprintf(stderr, "whoami: %s: %s\n", std::string(to_string(session.error().kind)).c_str(),
                 session.error().message.c_str());
    return session.error().kind == tokenswap::client::error_kind::needs_login ? 3 : 1;
  }

  try {
    auto me = manager.call_api("GET", "https://api.spotify.com/v1/me").value();
    std::printf("%s\n", me.body.c_str());
    return me.status == 200 ? 0 : 1;
  } catch (const tokenswap::client::exception& e) {
    std::fprintf(stderr, "whoami: %s\n", e.what());
    return 1;
  }
}
