#include "cli/client_options.hpp"

#include "client/scopes.hpp"
#include "client/session_store.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace tokenswap::cli {
namespace {

struct flag_spec {
  std::optional<std::string> client_options::*value = nullptr;
  bool client_options::*toggle = nullptr;
  std::string_view placeholder;
  std::string_view help;
};

const std::map<std::string_view, flag_spec>& flag_specs() {
  using o = client_options;
  static const std::map<std::string_view, flag_spec> specs = {
      {"--profile", {&o::profile, nullptr, "NAME", "the stored session to use (default: default)"}},
      {"--server", {&o::server, nullptr, "URL", "the token-swap server (its /exchange, /refresh)"}},
      {"--client-id", {&o::client_id, nullptr, "ID", "the app's Spotify client id"}},
      {"--scopes", {&o::scopes, nullptr, "LIST", "scopes to ask for, space or comma separated"}},
      {"--redirect-uri",
       {&o::redirect_uri, nullptr, "URI",
        "loopback redirect (default http://127.0.0.1:8888/callback; port 0 = any)"}},
      {"--accounts-url",
       {&o::accounts_url, nullptr, "URL",
        "accounts service (default https://accounts.spotify.com)"}},
      {"--ca-file", {&o::ca_file, nullptr, "FILE", "extra trusted CA certificates (PEM)"}},
      {"--timeout", {&o::login_timeout, nullptr, "SECONDS", "how long the login may take (300)"}},
      {"--api-url", {&o::api_url, nullptr, "URL", "the Web API (default https://api.spotify.com)"}},
      {"--data", {&o::data, nullptr, "BODY", "JSON request body; '-' reads it from stdin"}},
      {"--no-browser", {nullptr, &o::no_browser, "", "print the login URL instead of opening it"}},
      {"--show-dialog", {nullptr, &o::show_dialog, "", "ask for consent even if given before"}},
  };
  return specs;
}

std::optional<std::string> from_env(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? std::optional<std::string>(value) : std::nullopt;
}

std::string trim_slash(std::string url) {
  while (url.ends_with('/')) {
    url.pop_back();
  }
  return url;
}

// What the profile remembers from its last login; an unreadable file remembers nothing.
std::optional<client::session> remembered(const client::config& settings) {
  client::session_store store(settings.store_dir.empty() ? client::default_store_dir()
                                                         : settings.store_dir,
                              settings.profile);
  auto loaded = store.load();
  return loaded ? *loaded : std::nullopt;
}

std::optional<std::chrono::seconds> parse_seconds(std::string_view text) {
  long seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || seconds < 1) {
    return std::nullopt;
  }
  return std::chrono::seconds(seconds);
}

void print_url_only(const std::string& url) {
  std::fprintf(stderr, "Open this URL in a browser to log in:\n  %s\n", url.c_str());
}

} // namespace

std::vector<std::string> parse_client_options(arguments args, flag_list allowed,
                                              client_options& options) {
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      continue;
    }
    if (!arg.starts_with("--") || arg == "-") {
      options.positional.emplace_back(arg);
      continue;
    }
    auto equals = arg.find('=');
    auto name = arg.substr(0, equals);
    auto spec = flag_specs().find(name);
    if (spec == flag_specs().end() ||
        std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      problems.push_back("unknown option " + std::string(name));
    } else if (spec->second.toggle) {
      options.*(spec->second.toggle) = true;
    } else if (equals != std::string_view::npos) {
      options.*(spec->second.value) = std::string(arg.substr(equals + 1));
    } else if (i + 1 < args.size()) {
      options.*(spec->second.value) = std::string(args[++i]);
    } else {
      problems.push_back(std::string(name) + " needs a value");
    }
  }
  return problems;
}

client::result<client::config> make_client_config(const client_options& options) {
  client::config settings;
  settings.profile = options.profile.value_or(from_env("TOKENSWAP_PROFILE").value_or("default"));
  if (!client::is_valid_profile(settings.profile)) {
    return client::error{client::error_kind::invalid_config, "invalid profile name"};
  }
  auto stored = remembered(settings);

  auto client_id = options.client_id ? options.client_id : from_env("TOKENSWAP_CLIENT_ID");
  settings.client_id = client_id.value_or(stored ? stored->client_id : "");
  if (auto server = options.server ? options.server : from_env("TOKENSWAP_SERVER")) {
    settings.exchange_url = trim_slash(*server) + "/exchange";
    settings.refresh_url = trim_slash(*server) + "/refresh";
  } else if (stored) {
    settings.exchange_url = stored->exchange_url;
    settings.refresh_url = stored->refresh_url;
  }
  settings.scopes = options.scopes ? client::parse_scopes(*options.scopes)
                    : stored       ? stored->scopes
                                   : std::vector<std::string>{};

  settings.redirect_uri = options.redirect_uri.value_or(settings.redirect_uri);
  settings.accounts_url = options.accounts_url.value_or(settings.accounts_url);
  settings.ca_file = options.ca_file.value_or("");
  settings.show_dialog = options.show_dialog;
  if (options.no_browser) {
    settings.open_url = print_url_only;
  }
  if (options.login_timeout) {
    auto seconds = parse_seconds(*options.login_timeout);
    if (!seconds) {
      return client::error{client::error_kind::invalid_config, "--timeout takes whole seconds"};
    }
    settings.login_timeout = *seconds;
  }
  return settings;
}

int report_failure(std::string_view command, const client::error& failure) {
  std::fprintf(stderr, "tokenswap %.*s: %.*s: %s\n", static_cast<int>(command.size()),
               command.data(), static_cast<int>(to_string(failure.kind).size()),
               to_string(failure.kind).data(), failure.message.c_str());
  if (failure.kind == client::error_kind::needs_login) {
    std::fprintf(stderr, "run 'tokenswap login' to log in\n");
    return exit_needs_login;
  }
  return exit_failed;
}

int report_usage(std::string_view command, const std::vector<std::string>& problems,
                 std::string_view help) {
  for (const auto& problem : problems) {
    std::fprintf(stderr, "tokenswap %.*s: %s\n", static_cast<int>(command.size()), command.data(),
                 problem.c_str());
  }
  std::fprintf(stderr, "\n%.*s", static_cast<int>(help.size()), help.data());
  return exit_usage;
}

std::string describe_client_flags(flag_list allowed) {
  std::string text = "options:\n";
  char line[160];
  for (auto name : allowed) {
    const auto& spec = flag_specs().at(name);
    auto flag = std::string(name) + " " + std::string(spec.placeholder);
    std::snprintf(line, sizeof line, "  %-22s %.*s\n", flag.c_str(),
                  static_cast<int>(spec.help.size()), spec.help.data());
    text += line;
  }
  return text + "  --help                 this text\n";
}

} // namespace tokenswap::cli
