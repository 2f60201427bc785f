#pragma once

#include "core/address_range.hpp"
#include "core/legacy_tokens.hpp"
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

  // HTTP server limits; web::server_limits says why each default is what it is.
  std::size_t max_connections = 10'000;
  std::size_t max_in_flight = 2'048;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 16 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  // How long SIGTERM waits for requests being handled before the process exits anyway.
  std::chrono::milliseconds shutdown_timeout{10'000};

  // Per-client rate limit: requests per second (0: off) and burst; X-Forwarded-For is believed
  // only from the trusted proxies.
  double rate_limit = 0;
  double rate_limit_burst = 20;
  std::vector<address_range> trusted_proxies;

  // Protecting Spotify: failures in a row that open the circuit, and how long it stays open.
  std::size_t upstream_failures_to_open = 5;
  std::chrono::milliseconds upstream_cool_down{5'000};

  // How long a rotated refresh's answer is handed again to a client repeating the refresh.
  std::chrono::milliseconds refresh_grace{60'000};

  // Refresh tokens of the servers tokenswap replaces, opened on /refresh (decrypt only).
  std::vector<legacy_scheme> legacy_schemes;
  secret legacy_encryption_secret; // empty: ENCRYPTION_SECRET

  // Direct HTTPS, for deployments without a terminating proxy.
  std::string tls_cert_file;
  std::string tls_key_file;

  bool metrics = true;

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
