// The client library and the client commands against the real token-swap server and the
// accounts-service emulator over loopback sockets. The test plays the browser: its open-URL hook
// fetches the authorize URL from the emulator and follows the redirect to the loopback listener.
#include "client/session_manager.hpp"

#include "client/session_store.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "core/sealer.hpp"
#include "emulator/emulator_server.hpp"
#include "server/token_server.hpp"
#include "upstream/pooled_token_client.hpp"
#include "web/http_client.hpp"
#include "web/http_server.hpp"
#include "web/io_pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace tokenswap::client {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto client_id = "tokenswap-demo-client";

web::response browser_request(http::verb method, const std::string& url, std::string body = "") {
  web::request req{method, "/", 11};
  if (!body.empty()) {
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = std::move(body);
  }
  net::io_context context;
  auto done = net::co_spawn(context, web::fetch(url, std::move(req)), net::use_future);
  context.run();
  return done.get().value();
}

unsigned short free_port() {
  net::io_context context;
  tcp::acceptor acceptor(context, {net::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

// Approves every login at once and rotates the refresh token on every refresh.
emulator::emulator_settings approving_emulator() {
  emulator::emulator_settings settings;
  settings.auto_approve = true;
  settings.rotate_refresh_tokens = true;
  return settings;
}

struct cli_run {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs the tokenswap binary with the test's config folder; returns its exit status and output.
cli_run run_cli(const fs::path& config_home, std::vector<std::string> args) {
  auto out_file = config_home / "cli.out";
  auto err_file = config_home / "cli.err";
  pid_t child = ::fork();
  if (child == 0) {
    ::setenv("XDG_CONFIG_HOME", config_home.c_str(), 1);
    std::freopen(out_file.c_str(), "w", stdout);
    std::freopen(err_file.c_str(), "w", stderr);
    std::vector<char*> argv{const_cast<char*>(TOKENSWAP_BINARY)};
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    ::execv(TOKENSWAP_BINARY, argv.data());
    ::_exit(127);
  }
  cli_run run;
  int status = 0;
  ::waitpid(child, &status, 0);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::stringstream out, err;
  out << std::ifstream(out_file).rdbuf();
  err << std::ifstream(err_file).rdbuf();
  run.out = out.str();
  run.err = err.str();
  return run;
}

// Starts `tokenswap login --no-browser ...`, reads the printed authorize URL from its stderr, plays
// the browser with it and returns the command's exit status.
int login_through_cli(const fs::path& config_home, std::vector<std::string> args,
                      const std::function<void(const std::string&)>& browser) {
  int err[2];
  if (::pipe(err) != 0) {
    return -1;
  }
  pid_t child = ::fork();
  if (child == 0) {
    ::setenv("XDG_CONFIG_HOME", config_home.c_str(), 1);
    ::dup2(err[1], 2);
    ::close(err[0]);
    std::vector<char*> argv{const_cast<char*>(TOKENSWAP_BINARY)};
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    ::execv(TOKENSWAP_BINARY, argv.data());
    ::_exit(127);
  }
  ::close(err[1]);
  std::FILE* output = ::fdopen(err[0], "r");
  char line[4096];
  while (std::fgets(line, sizeof line, output)) {
    std::string text(line);
    if (text.starts_with("  http")) {
      browser(text.substr(2, text.find_last_not_of("\r\n") - 1));
    }
  }
  std::fclose(output);
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class ClientEndToEnd : public ::testing::Test {
protected:
  void SetUp() override {
    core::set_log_sink([this](std::string_view line) {
      std::lock_guard guard(log_mutex_);
      logs_ += std::string(line) + "\n";
    });
    char pattern[] = "/tmp/tokenswap-e2e-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    config_home_ = pattern;

    server_config_.client_id = client_id;
    server_config_.client_secret = core::secret("tokenswap-demo-secret");
    server_config_.callback_url = redirect_uri_;
    server_config_.accounts_url = spotify_.base_url();
    upstream::pool_options options;
    options.accounts_url = spotify_.base_url();
    upstream_ = std::make_unique<upstream::pooled_token_client>(pool_, options);
    handler_ = std::make_unique<server::token_server>(server_config_, sealer_, *upstream_);
    server_ = std::make_unique<web::http_server>(pool_, web::server_limits{},
                                                 [this](web::request req, web::request_info info) {
                                                   return handler_->handle(std::move(req), info);
                                                 });
    ASSERT_FALSE(server_->listen("127.0.0.1", 0));
    server_->start();
    runner_ = std::thread([this] { pool_.run(); });
  }

  void TearDown() override {
    server_->stop();
    pool_.stop();
    if (runner_.joinable()) {
      runner_.join();
    }
    core::set_log_sink({});
    fs::remove_all(config_home_);
  }

  std::string server_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  config settings() {
    config c;
    c.client_id = client_id;
    c.redirect_uri = redirect_uri_;
    c.scopes = {"user-read-email", "user-read-private"};
    c.accounts_url = spotify_.base_url();
    c.exchange_url = server_url() + "/exchange";
    c.refresh_url = server_url() + "/refresh";
    c.store_dir = config_home_ / "tokenswap";
    c.login_timeout = 10s;
    c.open_url = [this](const std::string& url) { play_browser(url); };
    c.clock = [this] { return std::chrono::system_clock::now() + clock_offset_.load(); };
    return c;
  }

  // What a browser does with the authorize URL: the emulator approves at once (or the test
  // presses Cancel on its consent page), then the redirect goes to the loopback listener.
  void play_browser(const std::string& url) {
    auto answer = browser_request(http::verb::get, url);
    if (cancel_) {
      std::smatch id;
      std::string page = answer.body();
      ASSERT_TRUE(std::regex_search(page, id, std::regex("name=\"request\" value=\"([^\"]+)\"")));
      answer = browser_request(http::verb::post, spotify_.base_url() + "/authorize/decision",
                               "request=" + id[1].str() + "&decision=cancel");
    }
    auto location = std::string(answer[http::field::location]);
    ASSERT_TRUE(location.starts_with(redirect_uri_)) << answer.result_int();
    if (forge_state_) {
      location = std::regex_replace(location, std::regex("state=[^&]*"), "state=forged");
    }
    browser_page_ = browser_request(http::verb::get, location);
  }

  session stored() {
    return session_store(config_home_ / "tokenswap", "default").load().value().value();
  }

  emulator::emulator_server spotify_{approving_emulator()};
  std::string redirect_uri_ = "http://127.0.0.1:" + std::to_string(free_port()) + "/callback";
  web::io_pool pool_{1};
  core::config server_config_;
  core::sealer sealer_ = core::sealer::from_keys({core::sealer::raw_key{7, 7, 7}});
  std::unique_ptr<upstream::pooled_token_client> upstream_;
  std::unique_ptr<server::token_server> handler_;
  std::unique_ptr<web::http_server> server_;
  std::thread runner_;

  fs::path config_home_;
  std::atomic<std::chrono::seconds> clock_offset_{0s};
  bool cancel_ = false;
  bool forge_state_ = false;
  web::response browser_page_;
  std::mutex log_mutex_;
  std::string logs_;
};

TEST_F(ClientEndToEnd, LoginStoresASessionAndTheBrowserIsToldToClose) {
  auto s = session_manager(settings()).authorize();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->access_token.empty());
  EXPECT_EQ(stored(), *s);
  EXPECT_EQ(browser_page_.result_int(), 200u);
  EXPECT_NE(browser_page_.body().find("close this window"), std::string::npos);
  EXPECT_EQ(spotify_.emulator().counters().authorization_code_grants, 1u);
}

TEST_F(ClientEndToEnd, ACachedTokenNeedsNoRequest) {
  auto first = session_manager(settings()).authorize().value();
  auto calls = spotify_.emulator().counters().token_calls;
  auto again = session_manager(settings()).authorize().value();
  EXPECT_EQ(again.access_token, first.access_token);
  EXPECT_EQ(spotify_.emulator().counters().token_calls, calls);
  EXPECT_EQ(run_cli(config_home_, {"token"}).out, first.access_token + "\n");
  EXPECT_EQ(spotify_.emulator().counters().token_calls, calls);
}

TEST_F(ClientEndToEnd, AnExpiredTokenIsRefreshedAndTheRotatedRefreshTokenStored) {
  auto login = session_manager(settings()).authorize().value();
  clock_offset_ = 3600s;
  auto refreshed = session_manager(settings()).authorize();
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_NE(refreshed->access_token, login.access_token);
  EXPECT_NE(stored().refresh_token, login.refresh_token) << "the rotated token replaced the old";
  EXPECT_EQ(stored().access_token, refreshed->access_token);

  // The emulator has revoked the first refresh token: only the stored rotated one works now.
  clock_offset_ = 7200s;
  auto second = session_manager(settings()).authorize();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(spotify_.emulator().counters().refresh_token_grants, 2u);
  EXPECT_EQ(spotify_.emulator().counters().authorization_code_grants, 1u);
}

TEST_F(ClientEndToEnd, TheCommandsCallTheWebApiAndLogOut) {
  ASSERT_TRUE(session_manager(settings()).authorize());
  auto me = run_cli(config_home_, {"api", "--api-url", spotify_.base_url(), "GET", "/v1/me"});
  EXPECT_EQ(me.status, 0) << me.err;
  EXPECT_NE(me.out.find("\"display_name\""), std::string::npos) << me.out;

  auto missing =
      run_cli(config_home_, {"api", "--api-url", spotify_.base_url(), "GET", "/v1/nope"});
  EXPECT_EQ(missing.status, 1);

  auto logout = run_cli(config_home_, {"logout"});
  EXPECT_EQ(logout.status, 0) << logout.err;
  auto token = run_cli(config_home_, {"token"});
  EXPECT_EQ(token.status, 3);
  EXPECT_TRUE(token.out.empty());
  EXPECT_NE(token.err.find("tokenswap login"), std::string::npos);
}

TEST_F(ClientEndToEnd, TheLoginCommandLogsInThroughThePrintedUrl) {
  auto status = login_through_cli(config_home_,
                                  {"login", "--no-browser", "--server", server_url(), "--client-id",
                                   client_id, "--redirect-uri", redirect_uri_, "--accounts-url",
                                   spotify_.base_url(), "--scopes",
                                   "user-read-email,user-read-private", "--timeout", "10"},
                                  [this](const std::string& url) { play_browser(url); });
  EXPECT_EQ(status, 0);
  EXPECT_EQ(browser_page_.result_int(), 200u);
  auto token = run_cli(config_home_, {"token"});
  EXPECT_EQ(token.status, 0) << token.err;
  EXPECT_EQ(token.out, stored().access_token + "\n");
  EXPECT_EQ(stored().scopes, (std::vector<std::string>{"user-read-email", "user-read-private"}));
}

TEST_F(ClientEndToEnd, ACancelledLoginFailsClearly) {
  spotify_.emulator().set_auto_approve(false);
  cancel_ = true;
  auto s = session_manager(settings()).authorize();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, error_kind::cancelled);
  EXPECT_EQ(browser_page_.result_int(), 400u);
  EXPECT_FALSE(session_store(config_home_ / "tokenswap", "default").load().value());
}

TEST_F(ClientEndToEnd, AWrongStateFailsClearly) {
  forge_state_ = true;
  auto s = session_manager(settings()).authorize();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, error_kind::state_mismatch);
  EXPECT_EQ(spotify_.emulator().counters().authorization_code_grants, 0u) << "no code was traded";
}

TEST_F(ClientEndToEnd, AWriterKilledMidWriteLeavesTheSessionUsable) {
  auto login = session_manager(settings()).authorize().value();
  session_store store(config_home_ / "tokenswap", "default");
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto huge = login;
    huge.access_token = std::string(64 << 20, 'x');
    auto lock = store.lock();
    (void)store.save(huge, *lock);
    ::_exit(0);
  }
  auto has_temp_file = [&] {
    for (const auto& entry : fs::directory_iterator(config_home_ / "tokenswap")) {
      if (entry.path().filename().string().find(".tmp.") != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!has_temp_file() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);

  auto token = run_cli(config_home_, {"token"});
  EXPECT_EQ(token.status, 0) << token.err;
  EXPECT_EQ(token.out, login.access_token + "\n");
}

TEST_F(ClientEndToEnd, LogsHoldNoTokenAndNoCode) {
  auto login = session_manager(settings()).authorize().value();
  clock_offset_ = 3600s;
  auto refreshed = session_manager(settings()).authorize().value();
  std::lock_guard guard(log_mutex_);
  EXPECT_FALSE(logs_.empty());
  for (const auto& secret :
       {login.access_token, login.refresh_token, refreshed.access_token, refreshed.refresh_token}) {
    EXPECT_EQ(logs_.find(secret), std::string::npos);
  }
}

} // namespace
} // namespace tokenswap::client
