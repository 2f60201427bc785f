#include "cli/commands.hpp"

#include "cli/client_options.hpp"
#include "client/session_manager.hpp"

#include <cstdio>
#include <iostream>
#include <iterator>

namespace tokenswap::cli {
namespace {

constexpr std::string_view api_flags[] = {"--api-url", "--data", "--profile", "--server",
                                          "--ca-file"};

std::string api_help() {
  return "usage: tokenswap api [options] METHOD PATH\n"
         "\n"
         "Calls the Spotify Web API with the profile's access token and prints the response body\n"
         "on stdout, e.g. 'tokenswap api GET /v1/me'. An expired token is refreshed first; when\n"
         "the API answers 401 the token is refreshed once and the call repeated.\n"
         "\n"
         "Exit status: 0 for a 2xx answer, 1 for any other answer or failure (the status goes to\n"
         "stderr), 3 when a login is needed, 2 for a usage error.\n"
         "\n" +
         describe_client_flags(api_flags);
}

std::string api_url_for(const client_options& options, const std::string& path) {
  if (path.starts_with("https://") || path.starts_with("http://")) {
    return path;
  }
  auto base = options.api_url.value_or("https://api.spotify.com");
  while (base.ends_with('/')) {
    base.pop_back();
  }
  return base + (path.starts_with('/') ? path : "/" + path);
}

std::optional<std::string> request_body(const client_options& options) {
  if (options.data && *options.data == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  return options.data;
}

} // namespace

int run_api(arguments args) {
  client_options options;
  auto problems = parse_client_options(args, api_flags, options);
  if (options.help) {
    std::fputs(api_help().c_str(), stdout);
    return exit_ok;
  }
  if (options.positional.size() != 2) {
    problems.emplace_back("needs a METHOD and a PATH");
  }
  if (!problems.empty()) {
    return report_usage("api", problems, api_help());
  }
  auto settings = make_client_config(options);
  if (!settings) {
    return report_failure("api", settings.error());
  }
  if (settings->client_id.empty()) {
    return report_failure("api", {client::error_kind::needs_login, "not logged in"});
  }

  client::session_manager manager(*settings);
  auto answer = manager.call_api(options.positional[0], api_url_for(options, options.positional[1]),
                                 request_body(options));
  if (!answer) {
    return report_failure("api", answer.error());
  }
  std::fwrite(answer->body.data(), 1, answer->body.size(), stdout);
  if (!answer->body.empty() && !answer->body.ends_with('\n')) {
    std::fputc('\n', stdout);
  }
  if (answer->status < 200 || answer->status >= 300) {
    std::fprintf(stderr, "tokenswap api: the Web API answered HTTP %u\n", answer->status);
    return exit_failed;
  }
  return exit_ok;
}

} // namespace tokenswap::cli
