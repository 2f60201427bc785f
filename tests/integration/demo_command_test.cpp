// `tokenswap demo` as people start it: the three parts it prints, the flow through them without
// a browser (the browser test drives the page itself), and Ctrl-C.
#include "test_command.hpp"
#include "test_http.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace tokenswap {
namespace {

using testing::exit_code_of;
using testing::running_command;
using testing::send_request;

unsigned short port_in(const std::string& line) {
  std::smatch match;
  EXPECT_TRUE(std::regex_search(line, match, std::regex("http://127\\.0\\.0\\.1:(\\d+)"))) << line;
  return match.empty() ? 0 : static_cast<unsigned short>(std::stoi(match[1]));
}

boost::json::object json_of(const testing::reply& answer) {
  EXPECT_EQ(answer.status, 200u) << answer.body;
  auto parsed = boost::json::parse(answer.body);
  return parsed.is_object() ? parsed.as_object() : boost::json::object{};
}

std::string text(const boost::json::object& object, std::string_view key) {
  auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

// A code as if the person had agreed on the consent page, from the emulator's test controls.
std::string agreed_code(unsigned short accounts, const boost::json::object& page) {
  boost::json::object wanted{{"client_id", page.at("client_id")},
                             {"redirect_uri", page.at("redirect_uri")},
                             {"scope", "user-read-email user-read-private"}};
  return text(json_of(send_request(accounts, http::verb::post, "/emulator/codes",
                                   boost::json::serialize(wanted), "application/json")),
              "code");
}

TEST(DemoCommand, ServesThePageAndTheFlowBehindItUntilCtrlC) {
  running_command demo({"demo", "--port", "0", "--token-lifetime", "90"});
  auto page = port_in(demo.read_line());
  auto accounts = port_in(demo.read_line());
  auto swap = port_in(demo.read_line());

  auto config = json_of(send_request(page, http::verb::get, "/config.json"));
  EXPECT_EQ(text(config, "exchange_url"), "http://127.0.0.1:" + std::to_string(swap) + "/exchange");
  EXPECT_EQ(text(config, "redirect_uri"), "http://127.0.0.1:" + std::to_string(page) + "/callback");

  auto redirect = "&redirect_uri=" + text(config, "redirect_uri");
  auto login = send_request(swap, http::verb::post, "/exchange",
                            "code=" + agreed_code(accounts, config) + redirect,
                            "application/x-www-form-urlencoded",
                            {{"Origin", "http://127.0.0.1:" + std::to_string(page)}});
  auto tokens = json_of(login);
  EXPECT_FALSE(login.header("access-control-allow-origin").empty());
  EXPECT_EQ(tokens.at("expires_in").as_int64(), 90);
  EXPECT_TRUE(text(tokens, "refresh_token").starts_with("v1."));

  auto me = send_request(accounts, http::verb::get, "/v1/me", "", "",
                         {{"Authorization", "Bearer " + text(tokens, "access_token")}});
  EXPECT_EQ(me.status, 200u);
  auto renewed = json_of(send_request(swap, http::verb::post, "/refresh",
                                      "refresh_token=" + text(tokens, "refresh_token")));
  EXPECT_TRUE(text(renewed, "refresh_token").starts_with("v1."));
  EXPECT_NE(text(renewed, "refresh_token"), text(tokens, "refresh_token"));

  EXPECT_EQ(demo.interrupt_and_wait(), 0);
}

TEST(DemoCommand, RefusesBadFlags) {
  EXPECT_EQ(exit_code_of({"demo", "--port", "70000"}), 2);
  EXPECT_EQ(exit_code_of({"demo", "--token-lifetime", "0"}), 2);
  EXPECT_EQ(exit_code_of({"demo", "--bogus"}), 2);
}

TEST(DemoCommand, HelpExplainsTheOptions) {
  running_command command({"demo", "--help"});
  auto help = command.read_all();
  EXPECT_NE(help.find("--token-lifetime"), std::string::npos);
  EXPECT_NE(help.find("--port"), std::string::npos);
  EXPECT_EQ(command.interrupt_and_wait(), 0);
}

} // namespace
} // namespace tokenswap
