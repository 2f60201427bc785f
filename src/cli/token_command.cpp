#include "cli/commands.hpp"

#include "cli/client_options.hpp"
#include "client/session_manager.hpp"

#include <cstdio>

namespace tokenswap::cli {
namespace {

constexpr std::string_view token_flags[] = {"--profile", "--server", "--client-id", "--scopes",
                                            "--ca-file"};

std::string token_help() {
  return "usage: tokenswap token [options]\n"
         "\n"
         "Prints a valid access token on stdout, refreshing it through the token-swap server when\n"
         "it has less than 30 seconds left; never opens a browser. For scripts:\n"
         "  curl -H \"Authorization: Bearer $(tokenswap token)\" https://api.spotify.com/v1/me\n"
         "\n"
         "Exit status: 0 with a token, 3 when a login is needed ('tokenswap login'), 1 for any\n"
         "other failure, 2 for a usage error.\n"
         "\n" +
         describe_client_flags(token_flags);
}

} // namespace

int run_token(arguments args) {
  client_options options;
  auto problems = parse_client_options(args, token_flags, options);
  if (options.help) {
    std::fputs(token_help().c_str(), stdout);
    return exit_ok;
  }
  if (!options.positional.empty()) {
    problems.push_back("unexpected argument " + options.positional.front());
  }
  if (!problems.empty()) {
    return report_usage("token", problems, token_help());
  }
  auto settings = make_client_config(options);
  if (!settings) {
    return report_failure("token", settings.error());
  }
  if (settings->client_id.empty()) {
    return report_failure("token", {client::error_kind::needs_login, "not logged in"});
  }

  auto session = client::session_manager(*settings).token();
  if (!session) {
    return report_failure("token", session.error());
  }
  std::printf("%s\n", session->access_token.c_str());
  return exit_ok;
}

} // namespace tokenswap::cli
