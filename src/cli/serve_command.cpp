#include "cli/commands.hpp"

#include "core/config.hpp"
#include "core/log.hpp"
#include "demo/demo_app.hpp"
#include "server/service.hpp"
#include "web/io_pool.hpp"

#include <boost/asio/signal_set.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

extern char** environ;

namespace tokenswap::cli {
namespace {

constexpr std::string_view serve_usage =
    "usage: tokenswap serve [options]\n\n"
    "Runs the token-swap server: POST /exchange (also /swap, /api/token) trades an\n"
    "authorization code for tokens, POST /refresh (also /api/refresh_token) renews them.\n\n"
    "  --check     validate the settings and exit (0 when they are usable)\n"
    "  --help      show this text\n\n";

std::map<std::string, std::string, std::less<>> read_environment() {
  std::map<std::string, std::string, std::less<>> values;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (equals != std::string_view::npos) {
      values.emplace(text.substr(0, equals), text.substr(equals + 1));
    }
  }
  return values;
}

std::string read_dotenv() {
  std::ifstream file(".env");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

void report_problems(const std::vector<std::string>& problems) {
  std::fprintf(stderr, "tokenswap serve: cannot start:\n");
  for (const auto& problem : problems) {
    std::fprintf(stderr, "  - %s\n", problem.c_str());
  }
}

// The settings when the server should run; otherwise the exit code (help, check, problems).
struct startup {
  std::optional<core::config> settings;
  int exit_code = 0;
};

startup read_settings(arguments args) {
  core::config_sources sources{read_environment(), read_dotenv(), {args.begin(), args.end()}};
  auto outcome = core::load_config(sources);
  if (outcome.help) {
    std::printf("%.*s%s", static_cast<int>(serve_usage.size()), serve_usage.data(),
                core::config_help().c_str());
    return {};
  }
  if (outcome.settings) {
    if (auto problem = server::service::check(*outcome.settings)) {
      outcome.problems.push_back(*problem);
      outcome.settings.reset();
    }
  }
  if (!outcome.settings) {
    report_problems(outcome.problems);
    return {std::nullopt, 2};
  }
  for (const auto& warning : outcome.settings->warnings) {
    core::log(core::log_level::warn, warning);
  }
  if (outcome.check_only) {
    std::printf("settings are valid\n");
    return {};
  }
  return {std::move(outcome.settings), 0};
}

} // namespace

int run_serve(arguments args) {
  auto [settings, exit_code] = read_settings(args);
  if (!settings) {
    return exit_code;
  }
  core::set_log_format(settings->log_style);
  core::set_log_level(settings->log_minimum);

  web::io_pool pool(settings->threads ? settings->threads : web::default_thread_count());
  std::unique_ptr<server::service> service;
  try {
    server::service::extra_routes pages;
    if (settings->demo_app) {
      pages = [page = demo::config_for_server(*settings)](const web::request& req) {
        return demo::serve_demo(req, page);
      };
    }
    service = std::make_unique<server::service>(pool, *settings, std::move(pages));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tokenswap serve: cannot start: %s\n", e.what());
    return 2;
  }
  if (auto ec = service->listen()) {
    std::fprintf(stderr, "tokenswap serve: cannot listen on %s:%u: %s\n", settings->host.c_str(),
                 settings->port, ec.message().c_str());
    return 1;
  }
  service->start();
  core::log(core::log_level::info, "listening",
            {{"host", settings->host},
             {"port", service->port()},
             {"accounts", settings->accounts_url},
             {"threads", pool.size()}});

  // The first signal drains: no new connections, requests being handled finish, idle keep-alive
  // connections close at once. A second signal stops at once.
  int exit_status = 0;
  net::signal_set signals(pool.at(0), SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code& ec, int) {
    if (ec) {
      return;
    }
    core::log(core::log_level::info, "stopping");
    service->shutdown([&pool, &exit_status](bool drained) {
      exit_status = drained ? 0 : 1;
      core::log(drained ? core::log_level::info : core::log_level::warn,
                drained ? "stopped" : "stopped with requests unfinished");
      pool.stop();
    });
    signals.async_wait([&pool, &exit_status](const beast::error_code& again, int) {
      if (!again) {
        exit_status = 1;
        pool.stop();
      }
    });
  });
  pool.run();
  return exit_status;
}

} // namespace tokenswap::cli
