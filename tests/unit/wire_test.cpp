#include "web/wire.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace tokenswap::web {
namespace {

// What Beast's own serializer writes, the reference the one-buffer form must match byte for byte.
template <typename Message> std::string beast_bytes(const Message& message) {
  std::ostringstream out;
  out << message;
  return out.str();
}

TEST(WireBytes, TokenAnswerMatchesBeastsSerializer) {
  response res{http::status::ok, 11};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::pragma, "no-cache");
  res.set("X-Custom", "value");
  res.body() = R"({"access_token":"a","expires_in":3600})";
  res.keep_alive(true);
  res.prepare_payload();
  EXPECT_EQ(wire_bytes(res), beast_bytes(res));
}

TEST(WireBytes, EmptyAndUnusualStatusesMatchBeastsSerializer) {
  response no_content{http::status::no_content, 11};
  no_content.set(http::field::access_control_allow_origin, "*");
  no_content.prepare_payload();
  EXPECT_EQ(wire_bytes(no_content), beast_bytes(no_content));

  response old_client{http::status::too_many_requests, 10};
  old_client.set(http::field::retry_after, "30");
  old_client.body() = "{}";
  old_client.keep_alive(false);
  old_client.prepare_payload();
  EXPECT_EQ(wire_bytes(old_client), beast_bytes(old_client));
}

TEST(WireBytes, TokenRequestMatchesBeastsSerializer) {
  request req{http::verb::post, "/api/token", 11};
  req.set(http::field::host, "accounts.example");
  req.set(http::field::authorization, "Basic Y2xpZW50OnNlY3JldA==");
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  req.body() = "grant_type=refresh_token&refresh_token=AQ";
  req.prepare_payload();
  EXPECT_EQ(wire_bytes(req), beast_bytes(req));
}

TEST(WireBytes, RequestWithoutBodyMatchesBeastsSerializer) {
  request req{http::verb::get, "/v1/me?market=from_token", 10};
  req.set(http::field::host, "api.example");
  EXPECT_EQ(wire_bytes(req), beast_bytes(req));
}

} // namespace
} // namespace tokenswap::web
