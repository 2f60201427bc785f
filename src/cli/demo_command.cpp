#include "cli/commands.hpp"

#include "cli/parse_number.hpp"
#include "core/config.hpp"
#include "core/sealer.hpp"
#include "demo/demo_app.hpp"
#include "emulator/accounts_emulator.hpp"
#include "server/service.hpp"
#include "web/http_server.hpp"
#include "web/io_pool.hpp"

#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <functional>
#include <optional>
#include <string>

namespace tokenswap::cli {
namespace {

constexpr const char* demo_help =
    "usage: tokenswap demo [--port N] [--token-lifetime SECONDS]\n"
    "\n"
    "Shows the whole login flow on this machine, with no Spotify account. Starts, in one\n"
    "process on 127.0.0.1: an emulated Spotify accounts service (with a generated demo app),\n"
    "the token-swap server configured against it, and the demo web page. Open the address it\n"
    "prints; Ctrl-C stops everything.\n"
    "\n"
    "  --port N                 the demo page's port (default 8888; 0 picks a free one)\n"
    "  --token-lifetime SECONDS how long an access token lives (default 3600); the page\n"
    "                           refreshes a token 30 s before its end, so try 60 to see it\n"
    "  -h, --help               this text\n";

constexpr std::string_view loopback = "127.0.0.1";

struct demo_options {
  unsigned short port = 8888;
  std::chrono::seconds token_lifetime{3600};
  bool help = false;
};

// Sets the option named by `flag` from `value`; the problem in words when either is wrong.
std::optional<std::string> apply_option(demo_options& options, std::string_view flag,
                                        std::string_view value) {
  if (flag == "--port") {
    if (!parse_number<unsigned short>(value, options.port, 0, 65535)) {
      return "--port wants a number from 0 to 65535";
    }
    return std::nullopt;
  }
  if (flag == "--token-lifetime") {
    long seconds = 0;
    if (!parse_number<long>(value, seconds, 1, 86400)) {
      return "--token-lifetime wants a number of seconds from 1 to 86400";
    }
    options.token_lifetime = std::chrono::seconds(seconds);
    return std::nullopt;
  }
  return "unknown option '" + std::string(flag) + "'";
}

// Accepts "--flag value" and "--flag=value".
std::optional<std::string> parse_options(arguments args, demo_options& options) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto flag = args[i];
    if (flag == "--help" || flag == "-h") {
      options.help = true;
      continue;
    }
    std::string_view value;
    if (auto equals = flag.find('='); equals != std::string_view::npos) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
    } else if (i + 1 < args.size() && flag.starts_with("--")) {
      value = args[++i];
    }
    if (auto problem = apply_option(options, flag, value)) {
      return problem;
    }
  }
  return std::nullopt;
}

std::string loopback_url(unsigned short port) {
  return "http://" + std::string(loopback) + ":" + std::to_string(port);
}

// The token-swap server's settings: a generated app registered with the emulator, the demo
// page's callback as the only redirect URI.
core::config swap_settings(const emulator::registered_client& app, std::string accounts_url) {
  core::config settings;
  settings.client_id = app.id;
  settings.client_secret = core::secret(app.secret);
  settings.callback_url = app.redirect_uris.front();
  settings.encryption_secret = core::secret(core::generate_secret());
  settings.host = std::string(loopback);
  settings.port = 0;
  settings.accounts_url = std::move(accounts_url);
  return settings;
}

demo::demo_config page_settings(const core::config& swap, const std::string& accounts_url,
                                const std::string& swap_url) {
  return {
      swap.client_id, accounts_url + "/authorize", swap_url + "/exchange", swap_url + "/refresh",
      accounts_url,   swap.callback_url,           demo::default_scopes()};
}

bool listen_or_say(web::http_server& server, std::string_view what, unsigned short port) {
  if (auto ec = server.listen(std::string(loopback), port)) {
    std::fprintf(stderr, "tokenswap demo: cannot listen for the %.*s on %s:%u: %s\n",
                 static_cast<int>(what.size()), what.data(), std::string(loopback).c_str(), port,
                 ec.message().c_str());
    return false;
  }
  return true;
}

// The app the demo registers: a random id and secret, the page's callback its only redirect URI.
emulator::registered_client demo_client(const std::string& page_url) {
  return {core::generate_secret().substr(0, 32),
          core::generate_secret(),
          "tokenswap demo",
          {demo::redirect_uri_for(page_url)}};
}

emulator::emulator_settings accounts_settings(const emulator::registered_client& app,
                                              const demo_options& options) {
  emulator::emulator_settings settings;
  settings.clients = {app};
  settings.token_lifetime = options.token_lifetime;
  // Spotify sometimes hands out a new refresh token on refresh; the demo always does, to show
  // the server sealing and returning it.
  settings.rotate_refresh_tokens = true;
  return settings;
}

// Serves until SIGINT or SIGTERM, then stops every listener and the pool.
void run_until_signal(web::io_pool& pool, const std::function<void()>& stop_listeners) {
  net::signal_set signals(pool.at(0), SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code& ec, int) {
    if (!ec) {
      std::fprintf(stderr, "tokenswap demo: stopping\n");
      stop_listeners();
      pool.stop();
    }
  });
  pool.run();
}

// Everything the demo runs, built in the order the addresses become known: the page's port
// gives the redirect URI the app is registered with, the emulator's port the accounts URL.
int run_everything(const demo_options& options) {
  web::io_pool pool(web::default_thread_count());
  web::handler page_handler;
  web::http_server page(pool, {}, [&page_handler](web::request req, web::request_info info) {
    return page_handler(std::move(req), info);
  });
  if (!listen_or_say(page, "demo page", options.port)) {
    return 1;
  }
  auto page_url = demo::page_url(loopback, page.port());

  auto app = demo_client(page_url);
  emulator::accounts_emulator accounts(accounts_settings(app, options));
  web::http_server accounts_server(pool, {}, accounts.handler());
  if (!listen_or_say(accounts_server, "accounts emulator", 0)) {
    return 1;
  }
  auto accounts_url = loopback_url(accounts_server.port());

  server::service swap(pool, swap_settings(app, accounts_url));
  if (auto ec = swap.listen()) {
    std::fprintf(stderr, "tokenswap demo: cannot listen for the token-swap server: %s\n",
                 ec.message().c_str());
    return 1;
  }
  auto swap_url = loopback_url(swap.port());
  page_handler = demo::make_demo_handler(page_settings(swap.settings(), accounts_url, swap_url));

  accounts_server.start();
  swap.start();
  page.start();
  std::printf("tokenswap demo: open %s in a browser (Ctrl-C stops)\n"
              "  accounts emulator  %s\n  token-swap server  %s\n",
              page_url.c_str(), accounts_url.c_str(), swap_url.c_str());
  std::fflush(stdout);
  run_until_signal(pool, [&] {
    page.stop();
    swap.stop();
    accounts_server.stop();
  });
  return 0;
}

} // namespace

int run_demo(arguments args) {
  demo_options options;
  if (auto problem = parse_options(args, options)) {
    std::fprintf(stderr, "tokenswap demo: %s\n\n%s", problem->c_str(), demo_help);
    return 2;
  }
  if (options.help) {
    std::fputs(demo_help, stdout);
    return 0;
  }
  try {
    return run_everything(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tokenswap demo: %s\n", e.what());
    return 1;
  }
}

} // namespace tokenswap::cli
