#include "cli/commands.hpp"

#include "cli/client_options.hpp"
#include "client/scopes.hpp"
#include "client/session_manager.hpp"

#include <cstdio>

namespace tokenswap::cli {
namespace {

constexpr std::string_view login_flags[] = {
    "--profile",      "--server",  "--client-id", "--scopes",     "--redirect-uri",
    "--accounts-url", "--timeout", "--ca-file",   "--no-browser", "--show-dialog"};

std::string login_help() {
  return "usage: tokenswap login [options]\n"
         "\n"
         "Logs in to Spotify through the system browser (RFC 8252: a loopback redirect, PKCE,\n"
         "a random state) and trades the code at the token-swap server. The session is stored in\n"
         "$XDG_CONFIG_HOME/tokenswap/<profile>.json (mode 0600) for 'tokenswap token' and\n"
         "'tokenswap api'. Options not given are taken from TOKENSWAP_SERVER, TOKENSWAP_CLIENT_ID\n"
         "and TOKENSWAP_PROFILE, then from the profile's last login.\n"
         "\n" +
         describe_client_flags(login_flags);
}

} // namespace

int run_login(arguments args) {
  client_options options;
  auto problems = parse_client_options(args, login_flags, options);
  if (options.help) {
    std::fputs(login_help().c_str(), stdout);
    return exit_ok;
  }
  if (!options.positional.empty()) {
    problems.push_back("unexpected argument " + options.positional.front());
  }
  if (!problems.empty()) {
    return report_usage("login", problems, login_help());
  }
  auto settings = make_client_config(options);
  if (!settings) {
    return report_failure("login", settings.error());
  }

  auto session = client::session_manager(*settings).login();
  if (!session) {
    return report_failure("login", session.error());
  }
  std::fprintf(stderr, "Logged in (profile %s, scopes: %s).\n", settings->profile.c_str(),
               client::join_scopes(session->scopes).c_str());
  return exit_ok;
}

} // namespace tokenswap::cli
