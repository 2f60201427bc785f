#include "upstream/pooled_token_client.hpp"

#include "core/log.hpp"
#include "loopback.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <future>

namespace tokenswap::upstream {
namespace {

using namespace std::chrono_literals;
using testing::counting_server;
using testing::scripted_peer;

const token_call exchange_call{"grant_type=authorization_code&code=c0de", "Basic aWQ6c2VjcmV0",
                               false};
const token_call refresh_call{"grant_type=refresh_token&refresh_token=r3fresh",
                              "Basic aWQ6c2VjcmV0", true};

// Answers the first request on connection 0, then reads the second and hangs up without a
// word: what a peer closing an idle connection just as a request goes out looks like.
net::awaitable<void> hang_up_on_second_request(scripted_peer& peer, tcp::socket socket,
                                               std::size_t index) {
  beast::flat_buffer buffer;
  for (int served = 0; co_await peer.read_request(socket, buffer); ++served) {
    if (index == 0 && served == 1) {
      socket.close();
      co_return;
    }
    co_await scripted_peer::write(socket, testing::json_response(R"({"access_token":"A"})"));
  }
}

class PooledTokenClient : public ::testing::Test {
protected:
  void TearDown() override {
    threads_.stop();
    client_.reset();
  }

  pooled_token_client& make(std::string url,
                            const std::function<void(pool_options&)>& adjust = {}) {
    pool_options options;
    options.accounts_url = std::move(url);
    if (adjust) {
      adjust(options);
    }
    client_ = std::make_unique<pooled_token_client>(threads_.pool(), std::move(options));
    return *client_;
  }

  token_outcome post(const token_call& call) {
    return testing::run_sync(threads_.context(), client_->post_token(call));
  }

  std::vector<token_outcome> post_together(std::size_t count, const token_call& call) {
    std::vector<std::future<token_outcome>> pending;
    for (std::size_t i = 0; i < count; ++i) {
      pending.push_back(
          net::co_spawn(threads_.context(), client_->post_token(call), net::use_future));
    }
    std::vector<token_outcome> outcomes;
    for (auto& each : pending) {
      outcomes.push_back(each.get());
    }
    return outcomes;
  }

  testing::background_pool threads_;
  std::unique_ptr<pooled_token_client> client_;
};

TEST_F(PooledTokenClient, SequentialRequestsShareOneConnection) {
  counting_server server;
  auto& client = make(server.url());
  constexpr int count = 1000;
  auto started = std::chrono::steady_clock::now();
  testing::run_sync(threads_.context(), [&]() -> net::awaitable<void> {
    for (int i = 0; i < count; ++i) {
      auto outcome = co_await client.post_token(refresh_call);
      EXPECT_TRUE(outcome.reply && outcome.reply->status == 200);
    }
  }());
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  std::printf("sequential keep-alive: %d requests in %.3f s (%.0f/s)\n", count, took.count(),
              count / took.count());

  EXPECT_EQ(server.requests(), std::size_t{count});
  EXPECT_EQ(server.connections(), 1u);
  auto counted = client.counters();
  EXPECT_EQ(counted.connections_opened, 1u);
  EXPECT_EQ(counted.requests_sent, std::uint64_t{count});
  EXPECT_EQ(counted.connections_reused, std::uint64_t{count - 1});
}

TEST_F(PooledTokenClient, PoolingOffOpensAConnectionPerRequest) {
  counting_server server;
  make(server.url(), [&](pool_options& o) { o.pooling = false; });
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(post(refresh_call).reply);
  }
  EXPECT_EQ(server.connections(), 20u);
  EXPECT_EQ(server.last_request()[http::field::connection], "close");
  EXPECT_EQ(client_->counters().connections_opened, 20u);
}

TEST_F(PooledTokenClient, PostsTheCallToTheTokenEndpointAndReturnsTheAnswer) {
  counting_server server([](const web::request& req) {
    web::response res{http::status::too_many_requests, req.version()};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::retry_after, "7");
    res.body() = R"({"error":"rate_limited"})";
    return res;
  });
  make(server.url() + "/base/");
  auto outcome = post(exchange_call);

  ASSERT_TRUE(outcome.reply);
  EXPECT_EQ(outcome.reply->status, 429u);
  EXPECT_EQ(outcome.reply->content_type, "application/json");
  EXPECT_EQ(outcome.reply->retry_after, "7");
  EXPECT_EQ(outcome.reply->body, R"({"error":"rate_limited"})");
  auto seen = server.last_request();
  EXPECT_EQ(seen.method(), http::verb::post);
  EXPECT_EQ(seen.target(), "/base/api/token");
  EXPECT_EQ(seen[http::field::authorization], exchange_call.authorization);
  EXPECT_EQ(seen[http::field::content_type], "application/x-www-form-urlencoded");
  EXPECT_EQ(seen.body(), exchange_call.body);
}

TEST_F(PooledTokenClient, IdleConnectionClosedByTheServerIsReplacedBeforeSending) {
  counting_server server(counting_server::ok, {.idle_timeout = 100ms});
  make(server.url());
  ASSERT_TRUE(post(exchange_call).reply);
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(post(exchange_call).reply);

  EXPECT_EQ(server.requests(), 2u);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(client_->counters().stale_connections_dropped, 1u);
  EXPECT_EQ(client_->counters().resends, 0u);
}

TEST_F(PooledTokenClient, RefreshLostToAClosingConnectionIsSentOnceMore) {
  scripted_peer peer([&](tcp::socket s, std::size_t i) {
    return hang_up_on_second_request(peer, std::move(s), i);
  });
  make(peer.url());
  ASSERT_TRUE(post(refresh_call).reply);
  auto outcome = post(refresh_call);

  ASSERT_TRUE(outcome.reply);
  EXPECT_EQ(outcome.reply->status, 200u);
  EXPECT_EQ(peer.requests.load(), 3u);
  EXPECT_EQ(client_->counters().resends, 1u);
}

TEST_F(PooledTokenClient, CodeExchangeLostToAClosingConnectionIsNeverSentTwice) {
  scripted_peer peer([&](tcp::socket s, std::size_t i) {
    return hang_up_on_second_request(peer, std::move(s), i);
  });
  make(peer.url());
  ASSERT_TRUE(post(exchange_call).reply);
  auto outcome = post(exchange_call);

  ASSERT_FALSE(outcome.reply);
  EXPECT_EQ(outcome.failure, token_failure::unreachable);
  EXPECT_EQ(peer.requests.load(), 2u);
  EXPECT_EQ(client_->counters().resends, 0u);
  EXPECT_TRUE(post(exchange_call).reply);
}

TEST_F(PooledTokenClient, SilentServerTimesOutWithinTheDeadline) {
  scripted_peer silent([](tcp::socket socket, std::size_t) -> net::awaitable<void> {
    co_await testing::sleep_for(5s);
    socket.close();
  });
  make(silent.url(), [&](pool_options& o) { o.request_timeout = 200ms; });
  auto outcome = post(refresh_call);

  ASSERT_FALSE(outcome.reply);
  EXPECT_EQ(outcome.failure, token_failure::timeout);
  EXPECT_GE(outcome.elapsed, 190ms);
  EXPECT_LT(outcome.elapsed, 1000ms);
  EXPECT_EQ(client_->counters().failures_timeout, 1u);
}

TEST_F(PooledTokenClient, RefusedConnectionIsUnreachable) {
  std::string url;
  {
    scripted_peer gone([](tcp::socket, std::size_t) -> net::awaitable<void> { co_return; });
    url = gone.url();
  }
  make(url);
  auto outcome = post(refresh_call);
  ASSERT_FALSE(outcome.reply);
  EXPECT_EQ(outcome.failure, token_failure::unreachable);
  EXPECT_EQ(client_->counters().failures_unreachable, 1u);
}

TEST_F(PooledTokenClient, NonHttpBytesAreABadResponse) {
  scripted_peer garbage([&](tcp::socket socket, std::size_t) -> net::awaitable<void> {
    beast::flat_buffer buffer;
    co_await garbage.read_request(socket, buffer);
    co_await scripted_peer::write(socket, "\x16\x03\x01 this is not HTTP\r\n\r\n");
  });
  make(garbage.url());
  auto outcome = post(exchange_call);
  ASSERT_FALSE(outcome.reply);
  EXPECT_EQ(outcome.failure, token_failure::bad_response);
  EXPECT_EQ(client_->counters().failures_bad_response, 1u);
}

TEST_F(PooledTokenClient, HugeResponseIsABadResponse) {
  counting_server huge([](const web::request& req) {
    auto res = counting_server::ok(req);
    res.body() = std::string(100 * 1024, ' ');
    return res;
  });
  make(huge.url());
  auto outcome = post(refresh_call);
  ASSERT_FALSE(outcome.reply);
  EXPECT_EQ(outcome.failure, token_failure::bad_response);
}

TEST_F(PooledTokenClient, ResetMidResponseFailsAndTheNextRequestSucceeds) {
  scripted_peer peer([&](tcp::socket socket, std::size_t index) -> net::awaitable<void> {
    beast::flat_buffer buffer;
    while (co_await peer.read_request(socket, buffer)) {
      if (index == 0) {
        co_await scripted_peer::write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"a");
        co_await testing::sleep_for(20ms);
        scripted_peer::reset(socket);
        co_return;
      }
      co_await scripted_peer::write(socket, testing::json_response("{}"));
    }
  });
  make(peer.url());
  auto broken = post(refresh_call);
  ASSERT_FALSE(broken.reply);
  EXPECT_EQ(broken.failure, token_failure::unreachable);
  EXPECT_EQ(peer.requests.load(), 1u);
  EXPECT_TRUE(post(refresh_call).reply);
}

// Each connection answers one request at a time, after a pause.
net::awaitable<void> slow_answers(scripted_peer& peer, tcp::socket socket,
                                  std::chrono::milliseconds pause) {
  beast::flat_buffer buffer;
  while (co_await peer.read_request(socket, buffer)) {
    co_await testing::sleep_for(pause);
    co_await scripted_peer::write(socket, testing::json_response("{}"));
  }
}

TEST_F(PooledTokenClient, RequestsOverTheCapWaitForAFreeConnection) {
  scripted_peer peer(
      [&](tcp::socket s, std::size_t) { return slow_answers(peer, std::move(s), 30ms); });
  make(peer.url(), [&](pool_options& o) { o.max_concurrent_requests = 2; });
  auto outcomes = post_together(10, refresh_call);

  for (const auto& outcome : outcomes) {
    EXPECT_TRUE(outcome.reply);
  }
  EXPECT_EQ(peer.connections(), 2u);
  EXPECT_EQ(client_->counters().queued, 8u);
}

TEST_F(PooledTokenClient, QueuedRequestTimesOutWithinItsDeadline) {
  scripted_peer peer(
      [&](tcp::socket s, std::size_t) { return slow_answers(peer, std::move(s), 2s); });
  make(peer.url(), [&](pool_options& o) {
    o.request_timeout = 200ms;
    o.max_concurrent_requests = 1;
  });
  auto outcomes = post_together(3, exchange_call);

  for (const auto& outcome : outcomes) {
    EXPECT_FALSE(outcome.reply);
    EXPECT_EQ(outcome.failure, token_failure::timeout);
    EXPECT_LT(outcome.elapsed, 1000ms);
  }
  EXPECT_EQ(client_->counters().queued, 2u);
}

TEST_F(PooledTokenClient, NeverLogsCredentialsOrBodies) {
  std::string captured;
  core::set_log_sink([&](std::string_view line) { captured += line; });
  counting_server server;
  make(server.url());
  post(exchange_call);
  core::set_log_sink({});
  EXPECT_EQ(captured.find("aWQ6c2VjcmV0"), std::string::npos);
  EXPECT_EQ(captured.find("c0de"), std::string::npos);
}

TEST(PooledTokenClientOptions, ReportsUnusableSettings) {
  pool_options bad_url;
  bad_url.accounts_url = "ftp://example.com";
  EXPECT_TRUE(pooled_token_client::check(bad_url));
  pool_options bad_ca;
  bad_ca.ca_file = "/nonexistent/ca.pem";
  EXPECT_TRUE(pooled_token_client::check(bad_ca));
  EXPECT_FALSE(pooled_token_client::check(pool_options{}));
  testing::background_pool threads;
  bad_url.accounts_url = "accounts";
  EXPECT_THROW(pooled_token_client(threads.pool(), bad_url), std::invalid_argument);
}

class PooledTokenClientTls : public PooledTokenClient {
protected:
  testing::test_pki pki_ = testing::make_test_pki("IP:127.0.0.1");
  testing::temp_file ca_{pki_.ca_pem};
  testing::tls_peer peer_{pki_};
};

TEST_F(PooledTokenClientTls, ReusesOneVerifiedConnection) {
  make(peer_.url(), [&](pool_options& o) { o.ca_file = ca_.path(); });
  for (int i = 0; i < 50; ++i) {
    auto outcome = post(refresh_call);
    ASSERT_TRUE(outcome.reply);
  }
  EXPECT_EQ(peer_.handshakes.load(), 1u);
  EXPECT_EQ(peer_.requests.load(), 50u);
}

TEST_F(PooledTokenClientTls, WithoutPoolingEachConnectionResumesTheTlsSession) {
  make(peer_.url(), [&](pool_options& o) {
    o.ca_file = ca_.path();
    o.pooling = false;
  });
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(post(refresh_call).reply);
  }
  EXPECT_EQ(peer_.handshakes.load(), 10u);
  EXPECT_EQ(peer_.resumed.load(), 9u);
  EXPECT_EQ(client_->counters().tls_sessions_resumed, 9u);
}

TEST_F(PooledTokenClientTls, UntrustedServerIsUnreachable) {
  make(peer_.url());
  auto outcome = post(exchange_call);
  ASSERT_FALSE(outcome.reply);
  EXPECT_EQ(outcome.failure, token_failure::unreachable);
  EXPECT_EQ(peer_.requests.load(), 0u);
}

} // namespace
} // namespace tokenswap::upstream
