#include "cli/commands.hpp"

#include "cli/client_options.hpp"
#include "client/session_manager.hpp"

#include <cstdio>

namespace tokenswap::cli {
namespace {

constexpr std::string_view logout_flags[] = {"--profile"};

std::string logout_help() {
  return "usage: tokenswap logout [--profile NAME]\n"
         "\n"
         "Removes the profile's stored session. The refresh token is not revoked at Spotify\n"
         "(Spotify offers no revocation endpoint); remove the app's access in the Spotify account\n"
         "settings for that.\n"
         "\n" +
         describe_client_flags(logout_flags);
}

} // namespace

int run_logout(arguments args) {
  client_options options;
  auto problems = parse_client_options(args, logout_flags, options);
  if (options.help) {
    std::fputs(logout_help().c_str(), stdout);
    return exit_ok;
  }
  if (!options.positional.empty()) {
    problems.push_back("unexpected argument " + options.positional.front());
  }
  if (!problems.empty()) {
    return report_usage("logout", problems, logout_help());
  }
  auto settings = make_client_config(options);
  if (!settings) {
    return report_failure("logout", settings.error());
  }
  if (auto forgotten = client::session_manager(*settings).forget(); !forgotten) {
    return report_failure("logout", forgotten.error());
  }
  std::fprintf(stderr, "Logged out (profile %s).\n", settings->profile.c_str());
  return exit_ok;
}

} // namespace tokenswap::cli
