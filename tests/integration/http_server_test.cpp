#include "web/http_server.hpp"

#include "test_socket.hpp"
#include "web/io_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

namespace tokenswap::web {
namespace {

using namespace std::chrono_literals;
using testing::form_post;
using testing::test_socket;

// Answers "ok"; /slow first waits 400 ms, as a request waiting on Spotify would.
net::awaitable<response> answer_ok(request req, request_info) {
  if (req.target() == "/slow") {
    net::steady_timer wait(co_await net::this_coro::executor, 400ms);
    co_await wait.async_wait(net::as_tuple(net::use_awaitable));
  }
  response res{http::status::ok, req.version()};
  res.body() = "ok";
  co_return res;
}

class HttpServer : public ::testing::Test {
protected:
  void start(server_limits limits) {
    server_ = std::make_unique<http_server>(pool_, limits, answer_ok);
    ASSERT_FALSE(server_->listen("127.0.0.1", 0));
    server_->start();
    runner_ = std::thread([this] { pool_.run(); });
  }

  void TearDown() override {
    if (server_) {
      server_->stop();
    }
    pool_.stop();
    if (runner_.joinable()) {
      runner_.join();
    }
  }

  unsigned short port() const { return server_->port(); }

  // The client sees the close as soon as the socket shuts, which may be before the server's
  // session has counted why: give the count a moment to arrive.
  std::uint64_t timed_out_after_close() const {
    auto until = std::chrono::steady_clock::now() + 1s;
    while (server_->stats().timed_out == 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(5ms);
    }
    return server_->stats().timed_out;
  }

  // The server still answers an ordinary request on a new connection.
  void expect_serving() {
    test_socket client(port());
    ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto answer = client.read_answer();
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 200u);
    EXPECT_EQ(answer->body, "ok");
  }

  io_pool pool_{2};
  std::unique_ptr<http_server> server_;
  std::thread runner_;
};

TEST_F(HttpServer, SlowHeadersAreCutOffAtTheHeaderDeadline) {
  server_limits limits;
  limits.header_timeout = 300ms;
  start(limits);

  // The deadline runs from the accept, so the clock starts before the connect: a test thread
  // descheduled between the two on a busy machine would otherwise see the cut come "early".
  auto started = std::chrono::steady_clock::now();
  test_socket client(port());
  ASSERT_TRUE(client.send("POST /refresh HTTP/1.1\r\nHost: x\r\n"));
  std::this_thread::sleep_for(150ms);
  client.send("X-Slow: 1\r\n");

  EXPECT_TRUE(client.wait_closed(2s));
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 300ms);
  EXPECT_LT(waited, 1500ms);
  EXPECT_EQ(timed_out_after_close(), 1u);
  expect_serving();
}

TEST_F(HttpServer, SilentNewConnectionIsClosedAtTheHeaderDeadline) {
  server_limits limits;
  limits.header_timeout = 200ms;
  start(limits);

  test_socket client(port());
  EXPECT_TRUE(client.wait_closed(1s));
  EXPECT_EQ(timed_out_after_close(), 1u);
  expect_serving();
}

TEST_F(HttpServer, TricklingHeaderLinesDoesNotMoveTheHeaderDeadline) {
  server_limits limits;
  limits.header_timeout = 400ms;
  start(limits);

  auto started = std::chrono::steady_clock::now();
  test_socket client(port());
  // One header line every 100 ms: each arrives well inside the deadline, the whole never does.
  ASSERT_TRUE(client.send("POST /refresh HTTP/1.1\r\n"));
  bool closed = false;
  for (int line = 0; line < 20 && !closed; ++line) {
    closed = client.wait_closed(100ms) || !client.send("X-Slow: 1\r\n");
  }
  EXPECT_TRUE(closed);
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 400ms);
  EXPECT_LT(waited, 1100ms);
  EXPECT_EQ(timed_out_after_close(), 1u);
  expect_serving();
}

TEST_F(HttpServer, DeclaredHugeBodyGets413BeforeItIsRead) {
  start({});
  test_socket client(port());
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send("POST /refresh HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          "application/x-www-form-urlencoded\r\nContent-Length: 10485760\r\n\r\n"));
  client.send(std::string(64 * 1024, 'a'));
  auto answer = client.read_answer(2s);

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 413u);
  EXPECT_NE(answer->body.find("request body too large"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_EQ(server_->stats().body_too_large, 1u);
  expect_serving();
}

TEST_F(HttpServer, ChunkedBodyOverTheLimitGets413) {
  start({});
  test_socket client(port());
  std::string chunk(20 * 1024, 'a');
  ASSERT_TRUE(client.send("POST /refresh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5000\r\n" +
                          chunk + "\r\n0\r\n\r\n"));
  auto answer = client.read_answer(2s);

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 413u);
  expect_serving();
}

TEST_F(HttpServer, OversizedHeadersGet431) {
  start({});
  test_socket client(port());
  ASSERT_TRUE(
      client.send("GET / HTTP/1.1\r\nHost: x\r\nCookie: " + std::string(9000, 'c') + "\r\n\r\n"));
  auto answer = client.read_answer(2s);

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 431u);
  EXPECT_EQ(server_->stats().header_too_large, 1u);
  expect_serving();
}

TEST_F(HttpServer, OverlongRequestLineGets431) {
  start({});
  test_socket client(port());
  ASSERT_TRUE(client.send("GET /" + std::string(10000, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto answer = client.read_answer(2s);

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 431u);
  expect_serving();
}

TEST_F(HttpServer, GarbageGets400) {
  start({});
  test_socket client(port());
  ASSERT_TRUE(client.send("\x16\x03\x01 not http at all\r\n\r\n"));
  auto answer = client.read_answer(2s);

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400u);
  expect_serving();
}

TEST_F(HttpServer, ConnectionsOverTheCapGet503WithRetryAfter) {
  server_limits limits;
  limits.max_connections = 3;
  start(limits);
  std::vector<test_socket> held;
  for (int i = 0; i < 3; ++i) {
    held.emplace_back(port());
    ASSERT_TRUE(held.back().send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(held.back().read_answer());
  }

  test_socket extra(port());
  auto answer = extra.read_answer(2s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 503u);
  EXPECT_EQ(answer->header("retry-after"), "1");
  EXPECT_TRUE(extra.wait_closed(2s));
  EXPECT_EQ(server_->stats().refused_connections, 1u);

  held.pop_back();
  std::this_thread::sleep_for(100ms);
  expect_serving();
}

TEST_F(HttpServer, RequestsOverTheInFlightCapGet503WithRetryAfter) {
  server_limits limits;
  limits.max_in_flight = 1;
  start(limits);
  test_socket slow(port());
  ASSERT_TRUE(slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(100ms);

  test_socket second(port());
  ASSERT_TRUE(second.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto shed = second.read_answer(2s);
  ASSERT_TRUE(shed);
  EXPECT_EQ(shed->status, 503u);
  EXPECT_EQ(shed->header("retry-after"), "1");

  auto finished = slow.read_answer(2s);
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->status, 200u);
  EXPECT_EQ(server_->stats().shed_requests, 1u);
  expect_serving();
}

TEST_F(HttpServer, ShutdownFinishesRequestsAndClosesIdleConnectionsAtOnce) {
  start({});
  std::vector<test_socket> idle;
  for (int i = 0; i < 3; ++i) {
    idle.emplace_back(port());
    ASSERT_TRUE(idle.back().send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(idle.back().read_answer());
  }
  test_socket busy(port());
  ASSERT_TRUE(busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(100ms);

  std::promise<bool> drained;
  server_->shutdown(5s, [&](bool all) { drained.set_value(all); });
  for (auto& client : idle) {
    EXPECT_TRUE(client.wait_closed(200ms));
  }
  auto answer = busy.read_answer(2s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200u);
  EXPECT_EQ(answer->header("connection"), "close");

  auto done = drained.get_future();
  ASSERT_EQ(done.wait_for(2s), std::future_status::ready);
  EXPECT_TRUE(done.get());
  EXPECT_FALSE(test_socket(port()).is_open());
}

TEST_F(HttpServer, ShutdownGivesUpAfterTheGracePeriod) {
  start({});
  test_socket busy(port());
  ASSERT_TRUE(busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(50ms);

  std::promise<bool> drained;
  server_->shutdown(100ms, [&](bool all) { drained.set_value(all); });
  auto done = drained.get_future();
  ASSERT_EQ(done.wait_for(2s), std::future_status::ready);
  EXPECT_FALSE(done.get());
}

} // namespace
} // namespace tokenswap::web
