#include "web/http_client.hpp"

#include "loopback.hpp"

#include <gtest/gtest.h>

namespace tokenswap::web {

void PrintTo(client_error error, std::ostream* out) { *out << describe(error); }

namespace {

using namespace std::chrono_literals;
using testing::background_pool;
using testing::counting_server;
using testing::run_sync;
using testing::scripted_peer;

request get_request() { return request{http::verb::get, "/", 11}; }

client_result<response> fetch_sync(const std::string& url,
                                   const std::function<void(fetch_options&)>& adjust = {}) {
  fetch_options options;
  if (adjust) {
    adjust(options);
  }
  background_pool threads;
  return run_sync(threads.context(), fetch(url, get_request(), std::move(options)));
}

TEST(ParseUrl, SplitsOriginAndTarget) {
  auto parts = parse_url("https://accounts.example.com:8443/base/api?x=1");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->where.host, "accounts.example.com");
  EXPECT_EQ(parts->where.port, "8443");
  EXPECT_TRUE(parts->where.tls);
  EXPECT_EQ(parts->target, "/base/api?x=1");
  EXPECT_EQ(parts->where.host_header(), "accounts.example.com:8443");
}

TEST(ParseUrl, DefaultsPortAndPathAndUnbracketsIpv6) {
  auto plain = parse_url("http://127.0.0.1");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->where.port, "80");
  EXPECT_EQ(plain->target, "/");
  EXPECT_EQ(plain->where.host_header(), "127.0.0.1");
  auto v6 = parse_url("http://[::1]:5000/x");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->where.host, "::1");
  EXPECT_EQ(v6->where.host_header(), "[::1]:5000");
}

TEST(ParseUrl, RejectsOtherSchemesAndMissingHosts) {
  EXPECT_EQ(parse_url("ftp://example.com/").error(), client_error::bad_url);
  EXPECT_EQ(parse_url("http:///path").error(), client_error::bad_url);
  EXPECT_EQ(parse_url("not a url").error(), client_error::bad_url);
}

TEST(Fetch, ReturnsTheResponseAndSendsHost) {
  counting_server server;
  auto answer = fetch_sync(server.url() + "/v1/me?x=1");
  ASSERT_TRUE(answer) << describe(answer.error());
  EXPECT_EQ(answer->result_int(), 200u);
  EXPECT_NE(answer->body().find("access_token"), std::string::npos);
  EXPECT_EQ(server.last_request().target(), "/v1/me?x=1");
  EXPECT_EQ(server.last_request()[http::field::host], server.url().substr(7));
}

TEST(Fetch, RefusedConnectionIsUnreachable) {
  unsigned short port = 0;
  {
    scripted_peer closed([](tcp::socket, std::size_t) -> net::awaitable<void> { co_return; });
    port = closed.port();
  }
  auto answer = fetch_sync("http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), client_error::unreachable);
}

TEST(Fetch, SilentPeerTimesOutAtTheDeadline) {
  scripted_peer silent([](tcp::socket socket, std::size_t) -> net::awaitable<void> {
    co_await testing::sleep_for(5s);
    socket.close();
  });
  auto started = std::chrono::steady_clock::now();
  auto answer = fetch_sync(silent.url(), [&](fetch_options& o) { o.timeout = 200ms; });
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), client_error::timeout);
  EXPECT_GE(waited, 190ms);
  EXPECT_LT(waited, 1500ms);
}

TEST(Fetch, GarbageIsBadResponse) {
  scripted_peer garbage([&](tcp::socket socket, std::size_t) -> net::awaitable<void> {
    co_await scripted_peer::write(socket, "SSH-2.0-OpenSSH_9.2\r\n\r\nnot http at all\r\n");
    socket.close();
  });
  auto answer = fetch_sync(garbage.url());
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), client_error::bad_response);
}

TEST(Fetch, BodyOverTheLimitIsTooLarge) {
  counting_server huge([](const request& req) {
    auto res = counting_server::ok(req);
    res.body() = std::string(100 * 1024, 'x');
    return res;
  });
  auto answer = fetch_sync(huge.url(), [&](fetch_options& o) { o.body_limit = 64 * 1024; });
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), client_error::too_large);
}

TEST(Fetch, InterimResponsesAreSkipped) {
  scripted_peer hints([&](tcp::socket socket, std::size_t) -> net::awaitable<void> {
    beast::flat_buffer buffer;
    co_await hints.read_request(socket, buffer);
    co_await scripted_peer::write(socket, "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" +
                                              testing::json_response("{}", false));
  });
  auto answer = fetch_sync(hints.url());
  ASSERT_TRUE(answer) << describe(answer.error());
  EXPECT_EQ(answer->result_int(), 200u);
}

TEST(Fetch, CloseAfterAnInterimResponseIsBroken) {
  scripted_peer hints([&](tcp::socket socket, std::size_t) -> net::awaitable<void> {
    beast::flat_buffer buffer;
    co_await hints.read_request(socket, buffer);
    co_await scripted_peer::write(socket, "HTTP/1.1 100 Continue\r\n\r\n");
    socket.close();
  });
  auto answer = fetch_sync(hints.url());
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), client_error::broken);
}

TEST(Fetch, CloseBeforeAnyResponseByteIsClosed) {
  scripted_peer hangs_up([&](tcp::socket socket, std::size_t) -> net::awaitable<void> {
    beast::flat_buffer buffer;
    co_await hangs_up.read_request(socket, buffer);
    socket.close();
  });
  auto answer = fetch_sync(hangs_up.url());
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), client_error::closed);
}

TEST(Fetch, ResetMidResponseIsBroken) {
  scripted_peer resets([&](tcp::socket socket, std::size_t) -> net::awaitable<void> {
    beast::flat_buffer buffer;
    co_await resets.read_request(socket, buffer);
    co_await scripted_peer::write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"acc");
    co_await testing::sleep_for(20ms);
    scripted_peer::reset(socket);
  });
  auto answer = fetch_sync(resets.url());
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), client_error::broken);
}

TEST(ClientConnection, KeepAliveServesSeveralRequestsAndSeesThePeerClose) {
  counting_server server(counting_server::ok, {.idle_timeout = 150ms});
  background_pool threads;
  auto where = parse_url(server.url())->where;
  run_sync(threads.context(), [&]() -> net::awaitable<void> {
    auto by = std::chrono::steady_clock::now() + 5s;
    auto connection = co_await client_connection::open(where, nullptr, by);
    EXPECT_TRUE(connection);
    auto req = get_request();
    req.set(http::field::host, where.host_header());
    for (int i = 0; i < 3; ++i) {
      auto answer = co_await connection->exchange(req, by, 4096);
      EXPECT_TRUE(answer);
      EXPECT_TRUE(connection->is_reusable());
    }
    EXPECT_TRUE(connection->is_quiet());
    co_await testing::sleep_for(400ms);
    EXPECT_FALSE(connection->is_quiet());
  }());
  EXPECT_EQ(server.requests(), 3u);
  EXPECT_EQ(server.connections(), 1u);
}

TEST(ClientConnection, ConnectionCloseFromTheServerIsNotReusable) {
  scripted_peer closing([&](tcp::socket socket, std::size_t) -> net::awaitable<void> {
    beast::flat_buffer buffer;
    co_await closing.read_request(socket, buffer);
    co_await scripted_peer::write(socket, testing::json_response("{}", false));
    co_await testing::sleep_for(1s);
  });
  background_pool threads;
  auto where = parse_url(closing.url())->where;
  run_sync(threads.context(), [&]() -> net::awaitable<void> {
    auto by = std::chrono::steady_clock::now() + 5s;
    auto connection = co_await client_connection::open(where, nullptr, by);
    EXPECT_TRUE(connection);
    auto answer = co_await connection->exchange(get_request(), by, 4096);
    EXPECT_TRUE(answer);
    EXPECT_FALSE(connection->is_reusable());
  }());
}

class TlsFetch : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    pki_ = new testing::test_pki(testing::make_test_pki("IP:127.0.0.1,DNS:localhost"));
  }
  static void TearDownTestSuite() { delete pki_; }

  static testing::test_pki* pki_;
  testing::temp_file ca_{pki_->ca_pem};
  testing::tls_peer peer_{*pki_};
};

testing::test_pki* TlsFetch::pki_ = nullptr;

TEST_F(TlsFetch, VerifiesAgainstTheGivenCa) {
  auto answer = fetch_sync(peer_.url(), [&](fetch_options& o) { o.ca_file = ca_.path(); });
  ASSERT_TRUE(answer) << describe(answer.error());
  EXPECT_EQ(answer->result_int(), 200u);
  auto by_name =
      fetch_sync(peer_.url("localhost"), [&](fetch_options& o) { o.ca_file = ca_.path(); });
  EXPECT_TRUE(by_name);
}

TEST_F(TlsFetch, UntrustedCertificateFailsTheHandshake) {
  auto answer = fetch_sync(peer_.url());
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), client_error::tls_failed);
  EXPECT_EQ(peer_.requests.load(), 0u);
}

TEST_F(TlsFetch, CertificateForAnotherHostIsRefused) {
  auto other = testing::make_test_pki("DNS:accounts.example.com");
  testing::tls_peer impostor(other);
  testing::temp_file other_ca(other.ca_pem);
  auto answer = fetch_sync(impostor.url(), [&](fetch_options& o) { o.ca_file = other_ca.path(); });
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), client_error::tls_failed);
  EXPECT_EQ(impostor.requests.load(), 0u);
}

TEST_F(TlsFetch, UnreadableCaFileIsReported) {
  auto answer =
      fetch_sync(peer_.url(), [&](fetch_options& o) { o.ca_file = "/nonexistent/ca.pem"; });
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error(), client_error::tls_failed);
}

TEST_F(TlsFetch, SecondConnectionResumesTheSession) {
  auto context = tls_client_context::create(ca_.path()).value();
  auto where = parse_url(peer_.url())->where;
  background_pool threads;
  run_sync(threads.context(), [&]() -> net::awaitable<void> {
    auto by = std::chrono::steady_clock::now() + 5s;
    auto req = get_request();
    req.set(http::field::host, where.host_header());
    auto first = co_await client_connection::open(where, context, by);
    EXPECT_TRUE(first);
    auto answer = co_await first->exchange(req, by, 4096);
    EXPECT_TRUE(answer);
    auto session = first->session();
    EXPECT_TRUE(session);
    auto second = co_await client_connection::open(where, context, by, session);
    EXPECT_TRUE(second);
    EXPECT_TRUE(second->resumed_session());
    // The server counts the resumption once its side of the handshake ends; an answer proves it.
    auto again = co_await second->exchange(req, by, 4096);
    EXPECT_TRUE(again);
  }());
  EXPECT_EQ(peer_.resumed.load(), 1u);
}

} // namespace
} // namespace tokenswap::web
