#include "emulator/client_registry.hpp"

#include <gtest/gtest.h>

namespace tokenswap::emulator {
namespace {

TEST(EmulatorClientRegistry, AcceptsSpotifysKindsOfRedirectUri) {
  EXPECT_FALSE(redirect_uri_problem("https://app.example/callback"));
  EXPECT_FALSE(redirect_uri_problem("myapp://callback"));
  EXPECT_FALSE(redirect_uri_problem("http://127.0.0.1:8888/callback"));
  EXPECT_FALSE(redirect_uri_problem("http://127.0.0.1/callback"));
  EXPECT_FALSE(redirect_uri_problem("http://[::1]:8888/callback"));
}

TEST(EmulatorClientRegistry, RefusesLocalhostAndPlainHttp) {
  EXPECT_TRUE(redirect_uri_problem("http://localhost:8888/callback"));
  EXPECT_TRUE(redirect_uri_problem("http://app.example/callback"));
  EXPECT_TRUE(redirect_uri_problem("not a uri"));
  EXPECT_TRUE(redirect_uri_problem("https://app.example/cb#fragment"));
}

TEST(EmulatorClientRegistry, MatchesExactly) {
  registered_client client{"app", "s", "App", {"https://app.example/cb"}};
  EXPECT_TRUE(is_registered_redirect(client, "https://app.example/cb"));
  EXPECT_FALSE(is_registered_redirect(client, "https://app.example/cb/"));
  EXPECT_FALSE(is_registered_redirect(client, "https://app.example/cb?x=1"));
  EXPECT_FALSE(is_registered_redirect(client, "HTTPS://app.example/cb"));
}

TEST(EmulatorClientRegistry, PortlessLoopbackAcceptsAnyPort) {
  registered_client client{"app", "s", "App", {"http://127.0.0.1/callback"}};
  EXPECT_TRUE(is_registered_redirect(client, "http://127.0.0.1:49152/callback"));
  EXPECT_FALSE(is_registered_redirect(client, "http://127.0.0.1:49152/other"));
  EXPECT_FALSE(is_registered_redirect(client, "http://127.0.0.2:49152/callback"));
}

TEST(EmulatorClientRegistry, LoopbackWithPortNeedsThatPort) {
  registered_client client{"app", "s", "App", {"http://127.0.0.1:8888/callback"}};
  EXPECT_FALSE(is_registered_redirect(client, "http://127.0.0.1:9999/callback"));
}

TEST(EmulatorClientRegistry, ReportsEveryProblemOfAClient) {
  client_registry clients;
  auto problems = clients.add({"", "", "", {"http://localhost/cb"}});
  EXPECT_EQ(problems.size(), 3u);
  EXPECT_TRUE(clients.empty());
  EXPECT_TRUE(clients.add({"app", "s", "", {"app://cb"}}).empty());
  EXPECT_EQ(clients.find("app")->name, "app");
  EXPECT_EQ(clients.add({"app", "s", "", {"app://cb"}}).size(), 1u);
}

TEST(EmulatorClientRegistry, DefaultClientIsValid) {
  client_registry clients;
  EXPECT_TRUE(clients.add(default_client()).empty());
}

} // namespace
} // namespace tokenswap::emulator
