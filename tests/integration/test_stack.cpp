#include "test_stack.hpp"

#include "core/log.hpp"
#include "core/token_exchange.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <future>

namespace tokenswap::testing {
namespace {

constexpr std::string_view callback = "myapp://callback";

emulator::emulator_settings emulator_settings() {
  emulator::emulator_settings settings;
  settings.clients.push_back({std::string(stack_client_id),
                              std::string(stack_client_secret),
                              "Integration",
                              {std::string(callback)}});
  return settings;
}

core::config server_settings(unsigned short emulator_port) {
  core::config c;
  c.client_id = stack_client_id;
  c.client_secret = core::secret(std::string(stack_client_secret));
  c.callback_url = callback;
  c.encryption_secret = core::secret(std::string(stack_encryption_secret));
  c.host = "127.0.0.1";
  c.port = 0;
  c.accounts_url = "http://127.0.0.1:" + std::to_string(emulator_port);
  c.upstream_timeout = std::chrono::milliseconds(1000);
  c.log_minimum = core::log_level::warn;
  return c;
}

} // namespace

test_stack::test_stack(std::function<void(core::config&)> adjust)
    : emulator_(emulator_settings()), emulator_server_(pool_, {}, emulator_.handler()) {
  EXPECT_FALSE(emulator_server_.listen("127.0.0.1", 0));
  emulator_server_.start();
  auto settings = server_settings(emulator_server_.port());
  if (adjust) {
    adjust(settings);
  }
  core::set_log_level(settings.log_minimum);
  service_ = std::make_unique<server::service>(pool_, settings);
  EXPECT_FALSE(service_->listen());
  service_->start();
  runner_ = std::thread([this] { pool_.run(); });
}

// Sessions hold their server's state; letting them end before the pool stops keeps any of them
// from outliving the io_context its listener belongs to.
test_stack::~test_stack() {
  std::promise<void> served;
  service_->shutdown([&](bool) { served.set_value(); });
  served.get_future().wait_for(std::chrono::seconds(5));
  std::promise<void> emulated;
  emulator_server_.shutdown(std::chrono::seconds(2), [&](bool) { emulated.set_value(); });
  emulated.get_future().wait_for(std::chrono::seconds(5));
  pool_.stop();
  runner_.join();
  core::set_log_level(core::log_level::info);
}

std::string test_stack::mint_code() {
  return emulator_.mint_code(
      {std::string(stack_client_id), std::string(callback), {"user-read-email"}, ""});
}

reply test_stack::login(const std::string& route) {
  return post_form(port(), route, "code=" + mint_code());
}

std::string test_stack::spotify_refresh_token() {
  auto body = core::code_grant_body({mint_code(), callback, std::nullopt});
  auto auth = core::basic_authorization(stack_client_id, stack_client_secret);
  auto r = send_request(emulator_server_.port(), http::verb::post, "/api/token", body,
                        "application/x-www-form-urlencoded", {{"Authorization", auth}});
  EXPECT_EQ(r.status, 200u) << r.body;
  return json_field(r, "refresh_token");
}

void test_stack::expect_serving() {
  auto exchanged = login();
  ASSERT_EQ(exchanged.status, 200u) << exchanged.body;
  auto refreshed =
      post_form(port(), "/refresh", "refresh_token=" + json_field(exchanged, "refresh_token"));
  EXPECT_EQ(refreshed.status, 200u) << refreshed.body;
}

std::string json_field(const reply& r, std::string_view name) {
  boost::system::error_code ec;
  auto value = boost::json::parse(r.body, ec);
  if (ec || !value.is_object() || !value.as_object().contains(name) ||
      !value.as_object().at(name).is_string()) {
    return {};
  }
  return std::string(value.as_object().at(name).as_string());
}

} // namespace tokenswap::testing
