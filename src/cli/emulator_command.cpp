#include "cli/commands.hpp"

#include "cli/parse_number.hpp"
#include "core/log.hpp"
#include "emulator/accounts_emulator.hpp"
#include "web/http_server.hpp"
#include "web/io_pool.hpp"

#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

namespace tokenswap::cli {
namespace {

constexpr std::string_view emulator_help = R"(usage: tokenswap emulator [options]

Runs an emulator of Spotify's accounts service (GET /authorize, POST /api/token) and of the Web
API's GET /v1/me and GET /v1/me/playlists, for trying and testing token-swap clients without a
Spotify account. Ctrl-C stops it.

options:
  --host ADDRESS              address to listen on (default 127.0.0.1)
  --port PORT                 port to listen on, 0 for any free one (default 5100)
  --threads N                 serving threads (default 1)
  --client-id ID              register this app instead of the default demo app
  --client-secret SECRET      its client secret
  --redirect-uri URI          a redirect URI registered for it (repeat for several); HTTPS, a
                              custom scheme, or http://127.0.0.1[:PORT]/... (without a port, any
                              port is accepted, as Spotify does for loopback addresses)
  --app-name NAME             the name the consent page shows
  --auto-approve              skip the consent page: /authorize redirects at once with a code
  --auto-deny                 skip the consent page: /authorize redirects at once with
                              error=access_denied, as if the person pressed Cancel
  --rotate-refresh-tokens     every refresh returns a new refresh token; the old one stops working
  --token-lifetime SECONDS    access token lifetime, expires_in (default 3600)
  --latency-ms MS             wait this long before every answer (default 0)
  --help                      this text

With no --client-id, the default demo app is registered: client id tokenswap-demo-client, client
secret tokenswap-demo-secret, redirect URIs http://127.0.0.1:5000/callback,
http://127.0.0.1/callback (any port) and tokenswap-demo://callback.

Test controls over HTTP (JSON bodies): POST /emulator/faults, e.g.
{"kind":"status","status":503,"times":2,"retry_after":5} (kinds: status, close, reset,
malformed_json, huge_body, delay, html; target: token, web_api, any), DELETE /emulator/faults;
GET and DELETE /emulator/counters; GET and POST /emulator/settings; POST /emulator/revoke;
POST /emulator/codes; POST /emulator/clients.
)";

struct emulator_options {
  std::string host = "127.0.0.1";
  unsigned short port = 5100;
  std::size_t threads = 1;
  emulator::registered_client client;
  emulator::emulator_settings settings;
  bool help = false;
};

using value_setter = std::function<bool(emulator_options&, std::string_view)>;

const std::map<std::string_view, value_setter>& value_flags() {
  static const std::map<std::string_view, value_setter> flags = {
      {"--host", [](auto& o, auto v) { return o.host = v, !v.empty(); }},
      {"--port", [](auto& o, auto v) { return parse_number<unsigned short>(v, o.port, 0, 65535); }},
      {"--threads",
       [](auto& o, auto v) { return parse_number<std::size_t>(v, o.threads, 1, 256); }},
      {"--client-id", [](auto& o, auto v) { return o.client.id = v, !v.empty(); }},
      {"--client-secret", [](auto& o, auto v) { return o.client.secret = v, !v.empty(); }},
      {"--app-name", [](auto& o, auto v) { return o.client.name = v, !v.empty(); }},
      {"--redirect-uri",
       [](auto& o, auto v) { return o.client.redirect_uris.emplace_back(v), !v.empty(); }},
      {"--token-lifetime",
       [](auto& o, auto v) {
         long seconds = 0;
         bool ok = parse_number<long>(v, seconds, 1, 86400L * 366);
         o.settings.token_lifetime = std::chrono::seconds(seconds);
         return ok;
       }},
      {"--latency-ms",
       [](auto& o, auto v) {
         long ms = 0;
         bool ok = parse_number<long>(v, ms, 0, 600'000);
         o.settings.latency = std::chrono::milliseconds(ms);
         return ok;
       }},
  };
  return flags;
}

bool set_switch(emulator_options& options, std::string_view flag) {
  if (flag == "--auto-approve") {
    return options.settings.auto_approve = true;
  }
  if (flag == "--auto-deny") {
    return options.settings.auto_deny = true;
  }
  if (flag == "--rotate-refresh-tokens") {
    return options.settings.rotate_refresh_tokens = true;
  }
  if (flag == "--help" || flag == "-h") {
    return options.help = true;
  }
  return false;
}

// Reads `--flag value` and `--flag=value`; returns every problem found.
std::vector<std::string> parse_options(arguments args, emulator_options& options) {
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto flag = args[i];
    std::optional<std::string_view> value;
    if (auto equals = flag.find('='); equals != std::string_view::npos) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
    }
    auto found = value_flags().find(flag);
    if (found == value_flags().end()) {
      if (value || !set_switch(options, flag)) {
        problems.push_back("unknown option '" + std::string(args[i]) + "'");
      }
      continue;
    }
    if (!value && i + 1 < args.size()) {
      value = args[++i];
    }
    if (!value || !found->second(options, *value)) {
      problems.push_back("invalid or missing value for " + std::string(flag));
    }
  }
  return problems;
}

void add_client(emulator_options& options, std::vector<std::string>& problems) {
  auto& client = options.client;
  if (client.id.empty() && client.secret.empty() && client.redirect_uris.empty() &&
      client.name.empty()) {
    return;
  }
  if (client.id.empty() || client.secret.empty() || client.redirect_uris.empty()) {
    problems.emplace_back("--client-id, --client-secret and --redirect-uri go together");
    return;
  }
  options.settings.clients.push_back(client);
}

void print_problems(const std::vector<std::string>& problems) {
  for (const auto& problem : problems) {
    std::fprintf(stderr, "tokenswap emulator: %s\n", problem.c_str());
  }
  std::fprintf(stderr, "'tokenswap emulator --help' lists the options.\n");
}

// The emulator's handler plus one log line per request. Only the path is logged: query strings
// and bodies carry codes, tokens and secrets.
web::handler logged(emulator::accounts_emulator& spotify) {
  return [&spotify](web::request req, web::request_info info) -> net::awaitable<web::response> {
    auto method = std::string(req.method_string());
    auto target = std::string_view(req.target());
    auto path = std::string(target.substr(0, target.find('?')));
    auto res = co_await spotify.handle(std::move(req), info);
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - info.received);
    core::log(core::log_level::info, "request",
              {{"id", info.id},
               {"method", method},
               {"path", path},
               {"status", res.result_int()},
               {"ms", elapsed.count()}});
    co_return res;
  };
}

int serve(emulator_options& options) {
  emulator::accounts_emulator spotify(std::move(options.settings));
  web::io_pool pool(options.threads);
  web::http_server server(pool, {}, logged(spotify));
  if (auto ec = server.listen(options.host, options.port)) {
    std::fprintf(stderr, "tokenswap emulator: cannot listen on %s:%u: %s\n", options.host.c_str(),
                 options.port, ec.message().c_str());
    return 1;
  }

  net::signal_set signals(pool.at(0), SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code& ec, int) {
    if (!ec) {
      server.stop();
      pool.stop();
    }
  });
  server.start();
  auto host = options.host.find(':') == std::string::npos ? options.host : "[" + options.host + "]";
  std::printf("tokenswap emulator listening on http://%s:%u (Ctrl-C stops it)\n", host.c_str(),
              server.port());
  std::fflush(stdout);
  pool.run();
  return 0;
}

} // namespace

int run_emulator(arguments args) {
  emulator_options options;
  auto problems = parse_options(args, options);
  if (options.help) {
    std::fwrite(emulator_help.data(), 1, emulator_help.size(), stdout);
    return 0;
  }
  add_client(options, problems);
  if (problems.empty() && !options.settings.clients.empty()) {
    emulator::client_registry check;
    problems = check.add(options.settings.clients.front());
  }
  if (!problems.empty()) {
    print_problems(problems);
    return 2;
  }
  return serve(options);
}

} // namespace tokenswap::cli
