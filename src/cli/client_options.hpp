#pragma once

#include "cli/commands.hpp"
#include "client/config.hpp"
#include "client/error.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tokenswap::cli {

// Exit codes of the client commands; scripts act on exit_needs_login by running a login.
constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
constexpr int exit_needs_login = 3;

// Names of the flags a command accepts.
using flag_list = std::span<const std::string_view>;

// The flags the login, token, api and logout commands share. Anything not given falls back to
// the environment (TOKENSWAP_SERVER, TOKENSWAP_CLIENT_ID, TOKENSWAP_PROFILE), then to what the
// profile's stored session remembers, then to the defaults.
struct client_options {
  std::optional<std::string> profile;
  std::optional<std::string> server;
  std::optional<std::string> client_id;
  std::optional<std::string> scopes;
  std::optional<std::string> redirect_uri;
  std::optional<std::string> accounts_url;
  std::optional<std::string> ca_file;
  std::optional<std::string> login_timeout;
  std::optional<std::string> api_url;
  std::optional<std::string> data;
  bool no_browser = false;
  bool show_dialog = false;
  bool help = false;
  std::vector<std::string> positional;
};

// Reads `--flag value` and `--flag=value` for the flags in `allowed`; returns every problem.
std::vector<std::string> parse_client_options(arguments args, flag_list allowed,
                                              client_options& options);

// The library configuration the options describe.
client::result<client::config> make_client_config(const client_options& options);

// Prints "tokenswap <command>: <kind>: <message>" on stderr and returns the exit code for it.
int report_failure(std::string_view command, const client::error& failure);

// Prints the problems and the help text on stderr; returns exit_usage.
int report_usage(std::string_view command, const std::vector<std::string>& problems,
                 std::string_view help);

// The help text shared by the commands, describing the flags in `allowed`.
std::string describe_client_flags(flag_list allowed);

} // namespace tokenswap::cli
