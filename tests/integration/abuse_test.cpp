// The server under abuse: each attack gets a prompt, exact answer, and the server keeps serving.
#include "test_socket.hpp"
#include "test_stack.hpp"

#include <gtest/gtest.h>

namespace tokenswap::testing {
namespace {

using namespace std::chrono_literals;

class Abuse : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    world_ = new test_stack([](core::config& c) {
      c.header_timeout = 300ms;
      c.rate_limit = 5;
      c.rate_limit_burst = 30;
      c.trusted_proxies = {core::parse_range("127.0.0.3").value()};
    });
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  static unsigned short port() { return world_->port(); }

  // One request on its own connection from `source`; the answer's status.
  static unsigned status_from(const char* source, std::string_view extra_headers = "") {
    test_socket client(port(), source);
    client.send(form_post("/refresh", "refresh_token=not-a-token", extra_headers));
    auto answer = client.read_answer();
    return answer ? answer->status : 0;
  }

  static test_stack* world_;
};

test_stack* Abuse::world_ = nullptr;

TEST_F(Abuse, SlowlorisIsDisconnectedAtTheHeaderDeadline) {
  test_socket client(port(), "127.0.0.4");
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send("POST /refresh HTTP/1.1\r\nHost: x\r\n"));
  std::this_thread::sleep_for(100ms);
  client.send("X-A: 1\r\n");
  std::this_thread::sleep_for(100ms);
  client.send("X-B: 1\r\n");

  EXPECT_TRUE(client.wait_closed(2s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  world_->expect_serving();
}

TEST_F(Abuse, TenMegabyteBodyIs413BeforeItIsRead) {
  test_socket client(port(), "127.0.0.5");
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(client.send("POST /refresh HTTP/1.1\r\nHost: x\r\nContent-Type: "
                          "application/x-www-form-urlencoded\r\nContent-Length: 10485760\r\n\r\n"
                          "refresh_token="));
  client.send(std::string(64 * 1024, 'a'));
  auto answer = client.read_answer(2s);

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 413u);
  EXPECT_EQ(json_field({answer->status, answer->body, {}}, "error"), "invalid_request");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_TRUE(client.wait_closed(2s));
  world_->expect_serving();
}

TEST_F(Abuse, OversizedHeadersAre431) {
  test_socket client(port(), "127.0.0.6");
  ASSERT_TRUE(client.send(
      "POST /refresh HTTP/1.1\r\nHost: x\r\nX-Junk: " + std::string(16 * 1024, 'j') + "\r\n\r\n"));
  auto answer = client.read_answer(2s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 431u);
  world_->expect_serving();
}

TEST_F(Abuse, InvalidPercentEncodingAndUtf8Are400) {
  for (const auto* body : {"code=%zz", "code=%4", "code=%FF%FE%FD", "code=abc%C3%28"}) {
    auto r = post_form(port(), "/exchange", body);
    EXPECT_EQ(r.status, 400u) << body;
    EXPECT_EQ(json_field(r, "error"), "invalid_request") << body;
  }
  auto bad_json = send_request(port(), http::verb::post, "/refresh",
                               "{\"refresh_token\":\"\xff\xfe\"}", "application/json");
  EXPECT_EQ(bad_json.status, 400u);
  world_->expect_serving();
}

TEST_F(Abuse, FloodFromOneAddressIs429WhileOthersAreServed) {
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 60; ++i) {
    test_socket client(port(), "127.0.0.7");
    client.send(form_post("/refresh", "refresh_token=not-a-token"));
    auto answer = client.read_answer();
    ASSERT_TRUE(answer);
    if (answer->status == 429) {
      ++limited;
      retry_after = answer->header("retry-after");
    } else {
      EXPECT_EQ(answer->status, 400u);
    }
  }
  EXPECT_GE(limited, 25);
  EXPECT_EQ(retry_after, "1");

  // Another address, and a client named by a trusted proxy, have their own budgets; a forged
  // X-Forwarded-For from an untrusted peer changes nothing.
  EXPECT_EQ(status_from("127.0.0.8"), 400u);
  EXPECT_EQ(status_from("127.0.0.3", "X-Forwarded-For: 198.51.100.7\r\n"), 400u);
  EXPECT_EQ(status_from("127.0.0.7", "X-Forwarded-For: 198.51.100.8\r\n"), 429u);
  world_->expect_serving();
}

TEST_F(Abuse, FiveThousandIdleConnectionsDoNotStopService) {
  constexpr std::size_t idle = 5000;
  // Both ends of every connection live in this process.
  if (raise_descriptor_limit() < 2 * idle + 200) {
    GTEST_SKIP() << "the descriptor limit is too low for " << idle << " connections";
  }
  // In batches, each answered before the next connects, so the kernel's accept queue never
  // overflows into SYN retries on a busy machine.
  constexpr std::size_t batch = 500;
  std::vector<test_socket> held;
  held.reserve(idle);
  for (std::size_t start = 0; start < idle; start += batch) {
    for (std::size_t i = start; i < start + batch; ++i) {
      held.emplace_back(port());
      ASSERT_TRUE(held.back().send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")) << i;
    }
    for (std::size_t i = start; i < start + batch; ++i) {
      auto answer = held[i].read_answer();
      ASSERT_TRUE(answer) << i;
      ASSERT_EQ(answer->status, 200u);
    }
  }

  world_->expect_serving();
  ASSERT_TRUE(held.back().send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto again = held.back().read_answer();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200u);
}

} // namespace
} // namespace tokenswap::testing
