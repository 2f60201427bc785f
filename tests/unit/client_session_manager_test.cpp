#include "client/session_manager.hpp"

#include "client/pkce.hpp"
#include "client/session_store.hpp"
#include "client/transport.hpp"
#include "core/pkce.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

namespace tokenswap::client {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const time_point t0 = time_point(std::chrono::seconds(1'800'000'000));

// Stands in for the token-swap server and the Web API, counting what it is asked.
class fake_transport : public transport {
public:
  result<token_grant> exchange(const exchange_request& request) override {
    ++exchanges;
    std::lock_guard guard(mutex);
    last_exchange = request;
    return token_grant{"access-login", "Bearer", "s", 3600s, std::string("sealed-login")};
  }
  result<token_grant> refresh(std::string_view, std::string_view refresh_token) override {
    std::this_thread::sleep_for(20ms); // widens the window in which callers overlap
    int n = ++refreshes;
    if (refuse_refresh) {
      return error{error_kind::needs_login, "refused"};
    }
    std::lock_guard guard(mutex);
    refreshed_with = std::string(refresh_token);
    auto rotated =
        rotate ? std::optional<std::string>("sealed-" + std::to_string(n)) : std::nullopt;
    return token_grant{"access-" + std::to_string(n), "Bearer", "s", 3600s, rotated};
  }
  result<api_response> call_api(std::string_view, std::string_view, std::string_view token,
                                const std::optional<std::string>&) override {
    ++api_calls;
    std::lock_guard guard(mutex);
    api_tokens.emplace_back(token);
    if (always_401 || token == "access-old") {
      return api_response{401, "application/json", R"({"error":{"status":401}})"};
    }
    return api_response{200, "application/json", R"({"id":"user"})"};
  }

  std::atomic<int> exchanges{0};
  std::atomic<int> refreshes{0};
  std::atomic<int> api_calls{0};
  bool refuse_refresh = false;
  bool rotate = false;
  bool always_401 = false;
  std::mutex mutex;
  exchange_request last_exchange;
  std::string refreshed_with;
  std::vector<std::string> api_tokens;
};

// A GET over a plain socket, as a browser following the redirect would send it; returns the
// status line.
std::string browser_get(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url).value();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(parsed.port_number());
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return "connect failed";
  }
  auto request = "GET " + std::string(parsed.encoded_target()) +
                 " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  (void)::write(fd, request.data(), request.size());
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer.substr(0, answer.find("\r\n"));
}

std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  for (auto param : boost::urls::parse_uri(url)->params()) {
    out[param.key] = param.value;
  }
  return out;
}

// Plays the browser: the accounts service approves (or not) and redirects with `query`.
struct browser {
  std::string extra_query = "code=the-code";
  bool forge_state = false;
  std::string authorize_url;
  std::string status_line;
  int opened = 0;

  void operator()(const std::string& url) {
    ++opened;
    authorize_url = url;
    auto query = query_of(url);
    auto state = forge_state ? std::string("forged") : query["state"];
    status_line = browser_get(query["redirect_uri"] + "?" + extra_query + "&state=" + state);
  }
};

class ClientSessionManager : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/tokenswap-manager-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    settings_.client_id = "app";
    settings_.redirect_uri = "http://127.0.0.1:0/callback";
    settings_.scopes = {"user-read-email"};
    settings_.accounts_url = "https://accounts.example";
    settings_.exchange_url = "http://127.0.0.1:1/exchange";
    settings_.refresh_url = "http://127.0.0.1:1/refresh";
    settings_.store_dir = dir_;
    settings_.login_timeout = 5s;
    settings_.open_url = [this](const std::string& url) { browser_(url); };
    settings_.clock = [this] { return now_.load(); };
  }
  void TearDown() override { fs::remove_all(dir_); }

  session_manager manager() { return session_manager(settings_, network_); }

  void store_session(std::string access, time_point expires) {
    session s;
    s.client_id = "app";
    s.scopes = {"user-read-email"};
    s.exchange_url = settings_.exchange_url;
    s.refresh_url = settings_.refresh_url;
    s.access_token = std::move(access);
    s.expires_at = expires;
    s.refresh_token = "sealed-old";
    session_store store(dir_, "default");
    ASSERT_TRUE(store.save(s, store.lock().value()));
  }

  std::optional<session> stored() { return session_store(dir_, "default").load().value(); }

  fs::path dir_;
  config settings_;
  std::atomic<time_point> now_{t0};
  browser browser_;
  std::shared_ptr<fake_transport> network_ = std::make_shared<fake_transport>();
};

TEST_F(ClientSessionManager, AFreshStoredSessionIsReturnedWithoutAnyRequest) {
  store_session("access-cached", t0 + 3600s);
  auto s = manager().authorize();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_token, "access-cached");
  EXPECT_EQ(network_->refreshes + network_->exchanges, 0);
  EXPECT_EQ(browser_.opened, 0);
}

TEST_F(ClientSessionManager, AnExpiredSessionIsRefreshedAndStored) {
  store_session("access-old", t0 - 1s);
  auto s = manager().authorize();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_token, "access-1");
  EXPECT_EQ(s->expires_at, t0 + 3600s);
  EXPECT_EQ(network_->refreshed_with, "sealed-old");
  EXPECT_EQ(stored()->access_token, "access-1");
  EXPECT_EQ(stored()->refresh_token, "sealed-old") << "no rotation, the old token stays";
}

TEST_F(ClientSessionManager, ATokenInsideTheMarginIsRefreshed) {
  store_session("access-old", t0 + 29s);
  EXPECT_EQ(manager().authorize()->access_token, "access-1");
  settings_.refresh_margin = 10s;
  store_session("access-old", t0 + 29s);
  EXPECT_EQ(manager().authorize()->access_token, "access-old");
}

TEST_F(ClientSessionManager, ARotatedRefreshTokenReplacesTheStoredOne) {
  network_->rotate = true;
  store_session("access-old", t0 - 1s);
  ASSERT_TRUE(manager().authorize());
  EXPECT_EQ(stored()->refresh_token, "sealed-1");
  now_ = t0 + 7200s;
  ASSERT_TRUE(manager().authorize());
  EXPECT_EQ(network_->refreshed_with, "sealed-1");
}

// A full disk after Spotify rotated the refresh token: the new token exists only in memory, so it
// keeps serving (and is the one refreshed with), and is saved as soon as the disk takes it.
TEST_F(ClientSessionManager, ARotatedTokenThatCouldNotBeSavedIsKeptAndSavedLater) {
  network_->rotate = true;
  store_session("access-old", t0 - 1s);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A file size limit makes the session's write fail, as a full disk does.
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit full{64, RLIM_INFINITY};
    rlimit room{RLIM_INFINITY, RLIM_INFINITY};
    ::setrlimit(RLIMIT_FSIZE, &full);
    auto m = manager();
    int failed = 0;
    auto first = m.authorize();
    failed |= (first || first.error().kind != error_kind::storage_failed) ? 1 : 0;
    failed |= stored()->refresh_token != "sealed-old" ? 2 : 0;
    auto again = m.authorize();
    failed |= (!again || again->access_token != "access-1" || network_->refreshes != 1) ? 4 : 0;
    now_ = t0 + 7200s;
    m.authorize();
    failed |= network_->refreshed_with != "sealed-1" ? 8 : 0;
    ::setrlimit(RLIMIT_FSIZE, &room);
    auto later = m.authorize();
    failed |= (!later || later->access_token != "access-2" || network_->refreshes != 2) ? 16 : 0;
    failed |= stored()->refresh_token != "sealed-2" ? 32 : 0;
    ::_exit(failed);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "failed checks, as bits";
}

TEST_F(ClientSessionManager, WithoutASessionTheLoginRuns) {
  auto s = manager().authorize();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->access_token, "access-login");
  EXPECT_EQ(stored()->refresh_token, "sealed-login");
  EXPECT_EQ(browser_.status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(network_->last_exchange.code, "the-code");
  EXPECT_EQ(network_->last_exchange.url, settings_.exchange_url);
}

TEST_F(ClientSessionManager, TheLoginUsesPkceS256AndTheBoundPort) {
  ASSERT_TRUE(manager().authorize());
  auto query = query_of(browser_.authorize_url);
  EXPECT_EQ(query["code_challenge_method"], "S256");
  EXPECT_EQ(query["code_challenge"], core::s256_challenge(network_->last_exchange.code_verifier));
  EXPECT_TRUE(core::is_pkce_value(network_->last_exchange.code_verifier));
  EXPECT_EQ(network_->last_exchange.redirect_uri, query["redirect_uri"]);
  EXPECT_NE(query["redirect_uri"], settings_.redirect_uri) << "port 0 is replaced by the real one";
  EXPECT_EQ(query["client_id"], "app");
}

TEST_F(ClientSessionManager, ChangedScopesRunANewLogin) {
  store_session("access-cached", t0 + 3600s);
  settings_.scopes = {"user-read-private", "user-read-email"};
  auto s = manager().authorize();
  ASSERT_TRUE(s);
  EXPECT_EQ(browser_.opened, 1);
  EXPECT_EQ(stored()->scopes, (std::vector<std::string>{"user-read-email", "user-read-private"}));
}

TEST_F(ClientSessionManager, ReorderedScopesAreNotAChange) {
  settings_.scopes = {"b", "a"};
  ASSERT_TRUE(manager().authorize());
  settings_.scopes = {"a", "b", "a"};
  ASSERT_TRUE(manager().authorize());
  EXPECT_EQ(browser_.opened, 1);
}

TEST_F(ClientSessionManager, TokenNeverOpensTheBrowser) {
  auto s = manager().token();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, error_kind::needs_login);
  EXPECT_EQ(browser_.opened, 0);
}

TEST_F(ClientSessionManager, ARefusedRefreshTokenLeadsToALogin) {
  network_->refuse_refresh = true;
  store_session("access-old", t0 - 1s);
  auto token = manager().token();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().kind, error_kind::needs_login);
  auto s = manager().authorize();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->access_token, "access-login");
}

TEST_F(ClientSessionManager, ACancelledLoginFailsClearlyAndStoresNothing) {
  browser_.extra_query = "error=access_denied";
  auto s = manager().authorize();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, error_kind::cancelled);
  EXPECT_EQ(browser_.status_line, "HTTP/1.1 400 Bad Request");
  EXPECT_FALSE(stored());
  EXPECT_EQ(network_->exchanges, 0);
}

TEST_F(ClientSessionManager, AWrongStateFailsClearly) {
  browser_.forge_state = true;
  auto s = manager().authorize();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, error_kind::state_mismatch);
  EXPECT_EQ(network_->exchanges, 0);
}

TEST_F(ClientSessionManager, AnUnfinishedLoginTimesOut) {
  settings_.login_timeout = 1s;
  settings_.open_url = [](const std::string&) {};
  auto started = std::chrono::steady_clock::now();
  auto s = manager().authorize();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, error_kind::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(ClientSessionManager, AnOpenerThatThrowsCancelsTheLogin) {
  settings_.open_url = [](const std::string&) { throw std::runtime_error("no browser"); };
  auto s = manager().authorize();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, error_kind::cancelled);
  EXPECT_NE(s.error().message.find("no browser"), std::string::npos);
}

TEST_F(ClientSessionManager, ConcurrentCallersShareOneRefresh) {
  store_session("access-old", t0 - 1s);
  auto shared = manager();
  auto other = manager(); // a second manager contends through the file lock only
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&, i] {
      auto s = (i % 2 ? shared : other).authorize();
      ok += s && s->access_token == "access-1";
    });
  }
  for (auto& caller : callers) {
    caller.join();
  }
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(network_->refreshes, 1);
}

TEST_F(ClientSessionManager, AnApi401RefreshesOnceAndRetries) {
  store_session("access-old", t0 + 3600s);
  auto answer = manager().call_api("GET", "https://api.example/v1/me");
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->status, 200u);
  EXPECT_EQ(network_->refreshes, 1);
  EXPECT_EQ(network_->api_tokens, (std::vector<std::string>{"access-old", "access-1"}));
}

TEST_F(ClientSessionManager, ASecond401IsReturnedNotRetriedForever) {
  network_->always_401 = true;
  store_session("access-cached", t0 + 3600s);
  auto answer = manager().call_api("GET", "https://api.example/v1/me");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 401u);
  EXPECT_EQ(network_->api_calls, 2);
}

TEST_F(ClientSessionManager, ForgetRemovesTheSession) {
  store_session("access-cached", t0 + 3600s);
  auto m = manager();
  ASSERT_TRUE(m.authorize());
  ASSERT_TRUE(m.forget());
  EXPECT_FALSE(stored());
  EXPECT_EQ(m.token().error().kind, error_kind::needs_login);
}

TEST_F(ClientSessionManager, ABadConfigNamesEveryProblem) {
  settings_.client_id.clear();
  settings_.redirect_uri = "http://localhost:8888/cb";
  settings_.profile = "../x";
  auto s = manager().authorize();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, error_kind::invalid_config);
  EXPECT_NE(s.error().message.find("client id"), std::string::npos);
  EXPECT_NE(s.error().message.find("loopback"), std::string::npos);
  EXPECT_NE(s.error().message.find("profile"), std::string::npos);
}

TEST_F(ClientSessionManager, ValueThrowsForCallersThatPreferExceptions) {
  EXPECT_THROW((void)manager().token().value(), exception);
}

} // namespace
} // namespace tokenswap::client
