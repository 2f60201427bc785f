// `tokenswap emulator` as people start it: flags, the printed address, serving, and Ctrl-C.
#include "core/base64.hpp"

#include "test_command.hpp"
#include "web/asio.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <string>
#include <vector>

namespace tokenswap {
namespace {

using testing::exit_code_of;
using testing::running_command;

web::response get(unsigned short port, const std::string& target) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  web::request req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(socket, req);
  beast::flat_buffer buffer;
  web::response res;
  http::read(socket, buffer, res);
  return res;
}

TEST(EmulatorCommand, PrintsItsAddressServesAndStopsOnCtrlC) {
  running_command command({"emulator", "--port", "0", "--auto-approve", "--client-id", "cli-app",
                           "--client-secret", "s3", "--redirect-uri", "http://127.0.0.1/cb",
                           "--app-name", "Command Line App"});
  auto line = command.read_line();
  std::smatch match;
  ASSERT_TRUE(std::regex_search(line, match, std::regex("http://127\\.0\\.0\\.1:(\\d+)"))) << line;
  auto port = static_cast<unsigned short>(std::stoi(match[1]));

  auto res = get(port, "/authorize?client_id=cli-app&response_type=code&redirect_uri="
                       "http%3A%2F%2F127.0.0.1%3A4321%2Fcb&state=abc");
  EXPECT_EQ(res.result_int(), 302u);
  EXPECT_TRUE(
      std::string(res[http::field::location]).starts_with("http://127.0.0.1:4321/cb?code="));
  EXPECT_EQ(get(port, "/authorize?client_id=tokenswap-demo-client&response_type=code"
                      "&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback")
                .result_int(),
            400u);
  EXPECT_EQ(command.interrupt_and_wait(), 0);
}

TEST(EmulatorCommand, RefusesBadFlags) {
  EXPECT_EQ(exit_code_of({"emulator", "--port", "70000"}), 2);
  EXPECT_EQ(exit_code_of({"emulator", "--bogus"}), 2);
  EXPECT_EQ(exit_code_of({"emulator", "--client-id", "x"}), 2);
  EXPECT_EQ(exit_code_of({"emulator", "--client-id", "x", "--client-secret", "y", "--redirect-uri",
                          "http://localhost:8888/cb"}),
            2);
}

TEST(EmulatorCommand, HelpExplainsTheOptions) {
  running_command command({"emulator", "--help"});
  auto text = command.read_all();
  EXPECT_NE(text.find("--rotate-refresh-tokens"), std::string::npos);
  EXPECT_NE(text.find("--token-lifetime"), std::string::npos);
  EXPECT_EQ(command.interrupt_and_wait(), 0);
}

} // namespace
} // namespace tokenswap
