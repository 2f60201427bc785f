#pragma once

#include "core/log.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tokenswap::core {

// A value that must never be printed: it formats as "present" or "absent".
class secret {
public:
  secret() = default;
  explicit secret(std::string value) : value_(std::move(value)) {}

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  std::string_view describe() const { return value_.empty() ? "absent" : "present"; }

private:
  std::string value_;
};

// Everything `tokenswap serve` is configured by.
struct config {
  std::string client_id;
  secret client_secret;
  std::string callback_url;
  secret encryption_secret;
  std::vector<secret> previous_encryption_secrets;
  std::vector<std::string> allowed_redirect_uris;

  std::string host = "0.0.0.0";
  unsigned short port = 5000;
  std::size_t threads = 0; // 0: one per core

  std::string accounts_url = "https://accounts.spotify.com";
  std::string ca_file;
  std::chrono::milliseconds upstream_timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  bool upstream_pooling = true;

  std::vector<std::string> cors_origins; // empty: any origin, without credentials
  log_format log_style = log_format::text;
  log_level log_minimum = log_level::info;
  bool demo_app = false;

  // Warnings worth printing at startup (a weak secret, say); never fatal.
  std::vector<std::string> warnings;

  bool is_redirect_allowed(std::string_view uri) const;
};

// Where settings come from. Flags win over the environment, which wins over the .env file.
struct config_sources {
  std::map<std::string, std::string, std::less<>> environment;
  std::string dotenv_text;
  std::vector<std::string_view> flags;
};

// The settings, or every problem found (each one line naming the setting).
struct config_outcome {
  std::optional<config> settings;
  std::vector<std::string> problems;
  bool help = false;
  bool check_only = false;
};

config_outcome load_config(const config_sources& sources);

// The `serve --help` text: every setting, its flag, aliases and default.
std::string config_help();

// Parses a .env file: KEY=VALUE lines, '#' comments, optional `export`, single or double quotes.
std::map<std::string, std::string, std::less<>> parse_dotenv(std::string_view text);

// "10s", "250ms", "2m", or a bare number of seconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

} // namespace tokenswap::core
