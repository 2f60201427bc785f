#include "core/config.hpp"

#include "core/sealer.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <functional>

#include <arpa/inet.h>

namespace tokenswap::core {
namespace {

using problems = std::vector<std::string>;

// One setting: its canonical environment name, the names other servers use for it, its flag,
// and how a value is applied.
struct setting {
  std::string_view name;
  std::vector<std::string_view> aliases;
  std::string_view flag;
  std::string_view help;
  std::string_view fallback; // shown in --help; empty when the setting is required or optional
  bool is_switch = false;
  std::function<void(config&, std::string_view value, problems&)> apply;
};

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    auto end = text.find(',');
    auto item = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    if (!item.empty()) {
      items.emplace_back(item);
    }
  }
  return items;
}

template <typename Number> std::optional<Number> parse_number(std::string_view text) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "1" || text == "true" || text == "yes" || text == "on") {
    return true;
  }
  if (text == "0" || text == "false" || text == "no" || text == "off") {
    return false;
  }
  return std::nullopt;
}

bool is_absolute_uri(std::string_view text) {
  return boost::urls::parse_absolute_uri(text).has_value();
}

bool is_http_url(std::string_view text) {
  auto url = boost::urls::parse_absolute_uri(text);
  return url && (url->scheme() == "http" || url->scheme() == "https") && url->has_authority() &&
         !url->host().empty();
}

std::string bad(std::string_view name, std::string_view why) {
  return std::string(name) + " " + std::string(why);
}

auto text_setting(std::string config::*member) {
  return [member](config& c, std::string_view value, problems&) { c.*member = value; };
}

auto duration_setting(std::string_view name, std::chrono::milliseconds config::*member) {
  return [name, member](config& c, std::string_view value, problems& out) {
    auto parsed = parse_duration(value);
    if (!parsed || parsed->count() <= 0) {
      out.push_back(bad(name, "must be a positive duration such as 10s or 500ms"));
      return;
    }
    c.*member = *parsed;
  };
}

auto count_setting(std::string_view name, std::size_t config::*member, std::size_t low,
                   std::size_t high) {
  return [name, member, low, high](config& c, std::string_view value, problems& out) {
    auto parsed = parse_number<std::size_t>(value);
    if (!parsed || *parsed < low || *parsed > high) {
      out.push_back(bad(name, "must be a number from " + std::to_string(low) + " to " +
                                  std::to_string(high)));
      return;
    }
    c.*member = *parsed;
  };
}

auto switch_setting(std::string_view name, bool config::*member) {
  return [name, member](config& c, std::string_view value, problems& out) {
    auto parsed = parse_bool(value);
    if (!parsed) {
      out.push_back(bad(name, "must be true or false"));
      return;
    }
    c.*member = *parsed;
  };
}

void apply_port(config& c, std::string_view value, problems& out) {
  auto port = parse_number<unsigned>(value);
  if (!port || *port > 65535) {
    out.push_back(bad("PORT", "must be a number from 0 to 65535"));
    return;
  }
  c.port = static_cast<unsigned short>(*port);
}

void apply_host(config& c, std::string_view value, problems& out) {
  std::string text(value);
  unsigned char address[16];
  if (inet_pton(AF_INET, text.c_str(), address) != 1 &&
      inet_pton(AF_INET6, text.c_str(), address) != 1) {
    out.push_back(bad("HOST", "must be an IP address such as 0.0.0.0 or 127.0.0.1"));
    return;
  }
  c.host = value;
}

void apply_threads(config& c, std::string_view value, problems& out) {
  auto threads = parse_number<std::size_t>(value);
  if (!threads || *threads == 0 || *threads > 256) {
    out.push_back(bad("THREADS", "must be a number from 1 to 256"));
    return;
  }
  c.threads = *threads;
}

void apply_callback(config& c, std::string_view value, problems& out) {
  if (!is_absolute_uri(value)) {
    out.push_back(bad("CLIENT_CALLBACK_URL", "must be an absolute URI such as myapp://callback"));
    return;
  }
  c.callback_url = value;
}

void apply_allowed_redirects(config& c, std::string_view value, problems& out) {
  for (auto& uri : split_list(value)) {
    if (!is_absolute_uri(uri)) {
      out.push_back(bad("ALLOWED_REDIRECT_URIS", "holds something that is not an absolute URI"));
      return;
    }
    c.allowed_redirect_uris.push_back(std::move(uri));
  }
}

void apply_accounts_url(config& c, std::string_view value, problems& out) {
  if (!is_http_url(value)) {
    out.push_back(bad("SPOTIFY_ACCOUNTS_URL", "must be an http:// or https:// URL"));
    return;
  }
  c.accounts_url = value;
  while (c.accounts_url.size() > 1 && c.accounts_url.back() == '/') {
    c.accounts_url.pop_back();
  }
}

void apply_previous_secrets(config& c, std::string_view value, problems&) {
  for (auto& item : split_list(value)) {
    c.previous_encryption_secrets.emplace_back(std::move(item));
  }
}

void apply_rate(config& c, std::string_view value, problems& out) {
  auto parsed = parse_number<double>(value);
  if (!parsed || *parsed < 0 || *parsed > 1e6) {
    out.push_back(bad("RATE_LIMIT", "must be requests per second, 0 to turn it off"));
    return;
  }
  c.rate_limit = *parsed;
}

void apply_burst(config& c, std::string_view value, problems& out) {
  auto parsed = parse_number<double>(value);
  if (!parsed || *parsed < 1 || *parsed > 1e6) {
    out.push_back(bad("RATE_LIMIT_BURST", "must be a number of requests, at least 1"));
    return;
  }
  c.rate_limit_burst = *parsed;
}

void apply_trusted_proxies(config& c, std::string_view value, problems& out) {
  for (const auto& item : split_list(value)) {
    auto range = parse_range(item);
    if (!range) {
      out.push_back(bad("TRUSTED_PROXIES", "holds something that is not an address or a block "
                                           "such as 10.0.0.0/8"));
      return;
    }
    c.trusted_proxies.push_back(*range);
  }
}

void apply_legacy_schemes(config& c, std::string_view value, problems& out) {
  auto parsed = parse_legacy_schemes(value);
  if (!parsed.unknown.empty()) {
    out.push_back(bad("LEGACY_TOKEN_SCHEMES", "may hold only cryptojs, node-cbc, node-ctr and "
                                              "ruby-3des"));
    return;
  }
  c.legacy_schemes = std::move(parsed.schemes);
}

void apply_cors(config& c, std::string_view value, problems& out) {
  for (auto& origin : split_list(value)) {
    if (origin != "*" && !is_http_url(origin)) {
      out.push_back(bad("CORS_ORIGINS", "holds something that is not an origin such as "
                                        "https://app.example.com"));
      return;
    }
    if (origin != "*") {
      c.cors_origins.push_back(std::move(origin));
    }
  }
}

void apply_log_format(config& c, std::string_view value, problems& out) {
  if (value == "text" || value == "json") {
    c.log_style = value == "json" ? log_format::json : log_format::text;
    return;
  }
  out.push_back(bad("LOG_FORMAT", "must be text or json"));
}

void apply_log_level(config& c, std::string_view value, problems& out) {
  static const std::pair<std::string_view, log_level> levels[] = {{"debug", log_level::debug},
                                                                  {"info", log_level::info},
                                                                  {"warn", log_level::warn},
                                                                  {"error", log_level::error}};
  for (const auto& [name, level] : levels) {
    if (value == name) {
      c.log_minimum = level;
      return;
    }
  }
  out.push_back(bad("LOG_LEVEL", "must be debug, info, warn or error"));
}

const std::vector<setting>& settings() {
  static const std::vector<setting> table = {
      {"CLIENT_ID",
       {"SPOTIFY_CLIENT_ID"},
       "--client-id",
       "the Spotify app's client id",
       "",
       false,
       text_setting(&config::client_id)},
      {"CLIENT_SECRET",
       {"SPOTIFY_CLIENT_SECRET"},
       "--client-secret",
       "the Spotify app's client secret",
       "",
       false,
       [](config& c, std::string_view v, problems&) { c.client_secret = secret(std::string(v)); }},
      {"CLIENT_CALLBACK_URL",
       {"SPOTIFY_CLIENT_CALLBACK_URL", "SPOTIFY_CLIENT_CALLBACK", "REDIRECT_URI"},
       "--callback-url",
       "the redirect URI registered for the app; sent to Spotify with every code",
       "",
       false,
       apply_callback},
      {"ENCRYPTION_SECRET",
       {"SECRET_KEY"},
       "--encryption-secret",
       "the passphrase the refresh-token key is derived from (tokenswap keygen makes one)",
       "",
       false,
       [](config& c, std::string_view v, problems&) {
         c.encryption_secret = secret(std::string(v));
       }},
      {"ENCRYPTION_SECRET_PREVIOUS",
       {},
       "--encryption-secret-previous",
       "earlier secrets, comma-separated: tokens sealed with them still open",
       "",
       false,
       apply_previous_secrets},
      {"ALLOWED_REDIRECT_URIS",
       {},
       "--allowed-redirect-uris",
       "other redirect URIs a client may send, comma-separated",
       "",
       false,
       apply_allowed_redirects},
      {"HOST", {}, "--host", "the address to listen on", "0.0.0.0", false, apply_host},
      {"PORT", {}, "--port", "the port to listen on", "5000", false, apply_port},
      {"THREADS", {}, "--threads", "worker threads", "one per core", false, apply_threads},
      {"SPOTIFY_ACCOUNTS_URL",
       {"ACCOUNTS_URL"},
       "--accounts-url",
       "the accounts service; its token endpoint is /api/token",
       "https://accounts.spotify.com",
       false,
       apply_accounts_url},
      {"UPSTREAM_CA_FILE",
       {"SPOTIFY_CA_FILE"},
       "--ca-file",
       "extra CA certificates (PEM) trusted for the accounts service",
       "system store only",
       false,
       text_setting(&config::ca_file)},
      {"UPSTREAM_TIMEOUT",
       {},
       "--upstream-timeout",
       "deadline for one call to the accounts service",
       "10s",
       false,
       duration_setting("UPSTREAM_TIMEOUT", &config::upstream_timeout)},
      {"CONNECT_TIMEOUT",
       {},
       "--connect-timeout",
       "deadline for opening a connection to the accounts service",
       "5s",
       false,
       duration_setting("CONNECT_TIMEOUT", &config::connect_timeout)},
      {"UPSTREAM_POOLING",
       {},
       "--upstream-pooling",
       "reuse connections to the accounts service (false opens one per call)",
       "true",
       false,
       switch_setting("UPSTREAM_POOLING", &config::upstream_pooling)},
      {"MAX_CONNECTIONS",
       {},
       "--max-connections",
       "open client connections; past it a new one gets 503 with Retry-After",
       "10000",
       false,
       count_setting("MAX_CONNECTIONS", &config::max_connections, 1, 1'000'000)},
      {"MAX_REQUESTS_IN_FLIGHT",
       {},
       "--max-requests-in-flight",
       "requests handled at once; past it a request gets 503 with Retry-After",
       "2048",
       false,
       count_setting("MAX_REQUESTS_IN_FLIGHT", &config::max_in_flight, 1, 1'000'000)},
      {"MAX_HEADER_BYTES",
       {},
       "--max-header-bytes",
       "request line and headers together; past it 431",
       "8192",
       false,
       count_setting("MAX_HEADER_BYTES", &config::max_header_bytes, 1024, 1024 * 1024)},
      {"MAX_BODY_BYTES",
       {},
       "--max-body-bytes",
       "request body; past it 413, before the body is read when its length is declared",
       "16384",
       false,
       count_setting("MAX_BODY_BYTES", &config::max_body_bytes, 1024, 1024 * 1024)},
      {"HEADER_TIMEOUT",
       {},
       "--header-timeout",
       "time a client has to send a request's headers (and a new connection its first byte)",
       "10s",
       false,
       duration_setting("HEADER_TIMEOUT", &config::header_timeout)},
      {"IDLE_TIMEOUT",
       {},
       "--idle-timeout",
       "time a keep-alive connection may rest between requests",
       "60s",
       false,
       duration_setting("IDLE_TIMEOUT", &config::idle_timeout)},
      {"SHUTDOWN_TIMEOUT",
       {},
       "--shutdown-timeout",
       "on SIGTERM or SIGINT, time given to requests being handled before exiting",
       "10s",
       false,
       duration_setting("SHUTDOWN_TIMEOUT", &config::shutdown_timeout)},
      {"RATE_LIMIT",
       {},
       "--rate-limit",
       "requests per second each client address may make (0: off); past it 429 with Retry-After",
       "0 (off)",
       false,
       apply_rate},
      {"RATE_LIMIT_BURST",
       {},
       "--rate-limit-burst",
       "requests a client address may make at once",
       "20",
       false,
       apply_burst},
      {"TRUSTED_PROXIES",
       {},
       "--trusted-proxies",
       "proxies whose X-Forwarded-For names the client, comma-separated addresses or blocks",
       "none",
       false,
       apply_trusted_proxies},
      {"UPSTREAM_FAILURES_TO_OPEN",
       {},
       "--upstream-failures-to-open",
       "failures of the accounts service in a row after which requests fail fast with 503",
       "5",
       false,
       count_setting("UPSTREAM_FAILURES_TO_OPEN", &config::upstream_failures_to_open, 1, 1000)},
      {"UPSTREAM_COOL_DOWN",
       {},
       "--upstream-cool-down",
       "how long requests fail fast before one tries the accounts service again",
       "5s",
       false,
       duration_setting("UPSTREAM_COOL_DOWN", &config::upstream_cool_down)},
      {"REFRESH_GRACE_PERIOD",
       {},
       "--refresh-grace-period",
       "how long a client repeating a refresh whose token Spotify rotated gets the same answer",
       "60s",
       false,
       duration_setting("REFRESH_GRACE_PERIOD", &config::refresh_grace)},
      {"LEGACY_TOKEN_SCHEMES",
       {},
       "--legacy-token-schemes",
       "refresh tokens of earlier servers accepted on /refresh: cryptojs, node-cbc, node-ctr, "
       "ruby-3des",
       "none",
       false,
       apply_legacy_schemes},
      {"LEGACY_ENCRYPTION_SECRET",
       {},
       "--legacy-encryption-secret",
       "the earlier server's ENCRYPTION_SECRET",
       "ENCRYPTION_SECRET",
       false,
       [](config& c, std::string_view v, problems&) {
         c.legacy_encryption_secret = secret(std::string(v));
       }},
      {"TLS_CERT_FILE",
       {},
       "--tls-cert-file",
       "certificate chain (PEM) to serve HTTPS directly",
       "plain HTTP",
       false,
       text_setting(&config::tls_cert_file)},
      {"TLS_KEY_FILE",
       {},
       "--tls-key-file",
       "private key (PEM) of the certificate",
       "",
       false,
       text_setting(&config::tls_key_file)},
      {"METRICS",
       {},
       "--metrics",
       "serve counters in Prometheus format at GET /metrics",
       "true",
       false,
       switch_setting("METRICS", &config::metrics)},
      {"CORS_ORIGINS",
       {},
       "--cors-origins",
       "origins allowed to call from a browser, comma-separated",
       "any origin, without credentials",
       false,
       apply_cors},
      {"LOG_FORMAT", {}, "--log-format", "text or json", "text", false, apply_log_format},
      {"LOG_LEVEL",
       {},
       "--log-level",
       "debug, info, warn or error",
       "info",
       false,
       apply_log_level},
      {"DEMO_APP",
       {},
       "--demo-app",
       "also serve the demo web page at /demo/",
       "false",
       true,
       switch_setting("DEMO_APP", &config::demo_app)},
  };
  return table;
}

struct flag_values {
  std::map<std::string_view, std::string_view> values;
  bool help = false;
  bool check = false;
};

const setting* find_flag(std::string_view flag) {
  for (const auto& s : settings()) {
    if (s.flag == flag) {
      return &s;
    }
  }
  return nullptr;
}

flag_values read_flags(std::span<const std::string_view> flags, problems& out) {
  flag_values result;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    auto arg = flags[i];
    if (arg == "--help" || arg == "-h") {
      result.help = true;
      continue;
    }
    if (arg == "--check") {
      result.check = true;
      continue;
    }
    auto equals = arg.find('=');
    auto name = arg.substr(0, equals);
    const auto* s = find_flag(name);
    if (!s) {
      out.push_back("unknown option " + std::string(name) + " (see --help)");
      continue;
    }
    if (equals != std::string_view::npos) {
      result.values[s->name] = arg.substr(equals + 1);
    } else if (s->is_switch) {
      result.values[s->name] = "true";
    } else if (i + 1 < flags.size()) {
      result.values[s->name] = flags[++i];
    } else {
      out.push_back("option " + std::string(name) + " needs a value");
    }
  }
  return result;
}

// The value of a setting from the first source that has it, under its name or an alias.
std::optional<std::string_view>
lookup(const setting& s, const flag_values& flags, const config_sources& sources,
       const std::map<std::string, std::string, std::less<>>& dotenv) {
  if (auto it = flags.values.find(s.name); it != flags.values.end()) {
    return it->second;
  }
  for (const auto* source : {&sources.environment, &dotenv}) {
    if (auto it = source->find(s.name); it != source->end()) {
      return std::string_view(it->second);
    }
    for (auto alias : s.aliases) {
      if (auto it = source->find(alias); it != source->end()) {
        return std::string_view(it->second);
      }
    }
  }
  return std::nullopt;
}

void check_required(const config& c, problems& out) {
  auto missing = [&](std::string_view name, std::string_view flag, std::string_view aliases) {
    out.push_back(std::string(name) + " is not set (environment, .env or " + std::string(flag) +
                  (aliases.empty() ? "" : "; also read as " + std::string(aliases)) + ")");
  };
  if (c.client_id.empty()) {
    missing("CLIENT_ID", "--client-id", "SPOTIFY_CLIENT_ID");
  }
  if (c.client_secret.empty()) {
    missing("CLIENT_SECRET", "--client-secret", "SPOTIFY_CLIENT_SECRET");
  }
  if (c.callback_url.empty()) {
    missing("CLIENT_CALLBACK_URL", "--callback-url", "SPOTIFY_CLIENT_CALLBACK_URL");
  }
  if (c.encryption_secret.empty()) {
    missing("ENCRYPTION_SECRET", "--encryption-secret", "");
  }
}

void check_tls(const config& c, problems& out) {
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    out.push_back("TLS_CERT_FILE and TLS_KEY_FILE must be set together");
  }
}

void add_warnings(config& c) {
  if (!c.encryption_secret.empty() && is_weak_secret(c.encryption_secret.reveal())) {
    c.warnings.push_back("ENCRYPTION_SECRET is shorter than 32 characters; "
                         "'tokenswap keygen' prints a strong one");
  }
}

} // namespace

namespace {

// RFC 8252 section 7.3: a native app listens on a loopback port the system picks, so a registered
// loopback redirect URI matches the same URI on any port. Only IP literals count, never localhost.
bool is_same_but_port(std::string_view registered, std::string_view requested) {
  auto a = boost::urls::parse_absolute_uri(registered);
  auto b = boost::urls::parse_absolute_uri(requested);
  if (!a || !b || a->scheme() != "http" || b->scheme() != "http") {
    return false;
  }
  auto is_loopback = [](const boost::urls::url_view& u) {
    return u.host_type() == boost::urls::host_type::ipv4   ? u.host_ipv4_address().is_loopback()
           : u.host_type() == boost::urls::host_type::ipv6 ? u.host_ipv6_address().is_loopback()
                                                           : false;
  };
  return is_loopback(*a) && a->encoded_host() == b->encoded_host() &&
         a->encoded_path() == b->encoded_path() && a->encoded_query() == b->encoded_query() &&
         !a->has_userinfo() && !b->has_userinfo() && !b->has_fragment();
}

} // namespace

bool config::is_redirect_allowed(std::string_view uri) const {
  auto matches = [uri](std::string_view registered) {
    return uri == registered || is_same_but_port(registered, uri);
  };
  return matches(callback_url) ||
         std::any_of(allowed_redirect_uris.begin(), allowed_redirect_uris.end(), matches);
}

config_outcome load_config(const config_sources& sources) {
  config_outcome outcome;
  auto flags = read_flags(sources.flags, outcome.problems);
  outcome.help = flags.help;
  outcome.check_only = flags.check;
  auto dotenv = parse_dotenv(sources.dotenv_text);

  config c;
  for (const auto& s : settings()) {
    auto value = lookup(s, flags, sources, dotenv);
    if (value && !value->empty()) {
      s.apply(c, *value, outcome.problems);
    }
  }
  check_required(c, outcome.problems);
  check_tls(c, outcome.problems);
  add_warnings(c);
  if (outcome.problems.empty()) {
    outcome.settings = std::move(c);
  }
  return outcome;
}

std::string config_help() {
  std::string text = "settings (flag, environment variable; the environment overrides .env in the "
                     "working directory, flags override both):\n";
  for (const auto& s : settings()) {
    text += "  " + std::string(s.flag) + (s.is_switch ? "" : " VALUE");
    text += "\n      " + std::string(s.name);
    for (auto alias : s.aliases) {
      text += ", " + std::string(alias);
    }
    text += ": " + std::string(s.help);
    if (!s.fallback.empty()) {
      text += " (default: " + std::string(s.fallback) + ")";
    }
    text += "\n";
  }
  return text;
}

std::map<std::string, std::string, std::less<>> parse_dotenv(std::string_view text) {
  std::map<std::string, std::string, std::less<>> values;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
      s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
      s.remove_suffix(1);
    }
    return s;
  };
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.starts_with("export ")) {
      line = trim(line.substr(7));
    }
    auto equals = line.find('=');
    if (line.empty() || line.front() == '#' || equals == std::string_view::npos) {
      continue;
    }
    auto key = trim(line.substr(0, equals));
    auto value = trim(line.substr(equals + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    } else if (auto comment = value.find(" #"); comment != std::string_view::npos) {
      value = trim(value.substr(0, comment));
    }
    values[std::string(key)] = std::string(value);
  }
  return values;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::int64_t scale = 1000;
  if (text.ends_with("ms")) {
    scale = 1;
    text.remove_suffix(2);
  } else if (text.ends_with("s")) {
    text.remove_suffix(1);
  } else if (text.ends_with("m")) {
    scale = 60'000;
    text.remove_suffix(1);
  }
  auto number = parse_number<std::int64_t>(text);
  if (!number || *number < 0 || *number > 86'400'000 / scale) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(*number * scale);
}

} // namespace tokenswap::core
