#include "core/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <map>

namespace tokenswap::core {
namespace {

config_sources complete_environment() {
  config_sources sources;
  sources.environment = {{"CLIENT_ID", "app-id"},
                         {"CLIENT_SECRET", "app-secret"},
                         {"CLIENT_CALLBACK_URL", "myapp://callback"},
                         {"ENCRYPTION_SECRET", std::string(40, 'k')}};
  return sources;
}

bool mentions(const std::vector<std::string>& problems, std::string_view text) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const std::string& p) { return p.find(text) != std::string::npos; });
}

// Loads a complete environment with the given values replaced, and expects startup to be refused
// with exactly one problem per named setting.
void expect_refused_naming(const std::map<std::string, std::string>& bad_values,
                           std::initializer_list<std::string_view> named) {
  auto sources = complete_environment();
  for (const auto& [name, value] : bad_values) {
    sources.environment[name] = value;
  }
  auto outcome = load_config(sources);
  EXPECT_FALSE(outcome.settings);
  EXPECT_EQ(outcome.problems.size(), named.size());
  for (auto name : named) {
    EXPECT_TRUE(mentions(outcome.problems, name)) << name;
  }
}

TEST(Config, CompleteEnvironmentLoadsWithDefaults) {
  auto outcome = load_config(complete_environment());
  ASSERT_TRUE(outcome.settings) << outcome.problems.front();
  EXPECT_EQ(outcome.settings->client_id, "app-id");
  EXPECT_EQ(outcome.settings->port, 5000);
  EXPECT_EQ(outcome.settings->host, "0.0.0.0");
  EXPECT_EQ(outcome.settings->accounts_url, "https://accounts.spotify.com");
  EXPECT_EQ(outcome.settings->upstream_timeout, std::chrono::seconds(10));
  EXPECT_TRUE(outcome.settings->warnings.empty());
}

TEST(Config, EveryMissingSettingIsNamedAtOnce) {
  auto outcome = load_config({});
  EXPECT_FALSE(outcome.settings);
  EXPECT_EQ(outcome.problems.size(), 4u);
  for (auto name : {"CLIENT_ID", "CLIENT_SECRET", "CLIENT_CALLBACK_URL", "ENCRYPTION_SECRET"}) {
    EXPECT_TRUE(mentions(outcome.problems, name)) << name;
  }
}

TEST(Config, InvalidValuesAreAllReported) {
  expect_refused_naming({{"PORT", "70000"},
                         {"HOST", "example"},
                         {"UPSTREAM_TIMEOUT", "soon"},
                         {"SPOTIFY_ACCOUNTS_URL", "ftp://x"}},
                        {"PORT", "HOST", "UPSTREAM_TIMEOUT", "SPOTIFY_ACCOUNTS_URL"});
}

TEST(Config, ProblemsNeverContainSecretValues) {
  auto sources = complete_environment();
  sources.environment["CLIENT_CALLBACK_URL"] = "not a uri with s3cr3t";
  auto outcome = load_config(sources);
  ASSERT_FALSE(outcome.problems.empty());
  EXPECT_FALSE(mentions(outcome.problems, "s3cr3t"));
}

TEST(Config, OtherServersNamesAreAccepted) {
  config_sources sources;
  sources.environment = {{"SPOTIFY_CLIENT_ID", "id"},
                         {"SPOTIFY_CLIENT_SECRET", "s"},
                         {"SPOTIFY_CLIENT_CALLBACK_URL", "https://app.example.com/cb"},
                         {"ENCRYPTION_SECRET", "short"}};
  auto outcome = load_config(sources);
  ASSERT_TRUE(outcome.settings);
  EXPECT_EQ(outcome.settings->client_id, "id");
  EXPECT_EQ(outcome.settings->callback_url, "https://app.example.com/cb");
}

TEST(Config, ShortSecretWarnsButStarts) {
  auto sources = complete_environment();
  sources.environment["ENCRYPTION_SECRET"] = "tutorial-secret";
  auto outcome = load_config(sources);
  ASSERT_TRUE(outcome.settings);
  ASSERT_EQ(outcome.settings->warnings.size(), 1u);
  EXPECT_EQ(outcome.settings->warnings[0].find("tutorial-secret"), std::string::npos);
}

TEST(Config, EnvironmentWinsOverDotenvAndFlagsWinOverBoth) {
  auto sources = complete_environment();
  sources.dotenv_text = "PORT=6000\nCLIENT_ID=from-file\nTHREADS=3\n";
  sources.environment["PORT"] = "7000";
  auto outcome = load_config(sources);
  ASSERT_TRUE(outcome.settings);
  EXPECT_EQ(outcome.settings->port, 7000);
  EXPECT_EQ(outcome.settings->client_id, "app-id");
  EXPECT_EQ(outcome.settings->threads, 3u);

  sources.flags = {"--port", "8000", "--client-id=from-flag"};
  outcome = load_config(sources);
  ASSERT_TRUE(outcome.settings);
  EXPECT_EQ(outcome.settings->port, 8000);
  EXPECT_EQ(outcome.settings->client_id, "from-flag");
}

TEST(Config, FlagsAloneAreEnough) {
  config_sources sources;
  sources.flags = {"--client-id",    "a",         "--client-secret",     "b",
                   "--callback-url", "x://y",     "--encryption-secret", "c",
                   "--check",        "--demo-app"};
  auto outcome = load_config(sources);
  ASSERT_TRUE(outcome.settings);
  EXPECT_TRUE(outcome.check_only);
  EXPECT_TRUE(outcome.settings->demo_app);
}

TEST(Config, UnknownFlagIsAProblem) {
  auto sources = complete_environment();
  sources.flags = {"--colour", "blue"};
  auto outcome = load_config(sources);
  EXPECT_TRUE(mentions(outcome.problems, "--colour"));
}

TEST(Config, RedirectAllowListAndCallback) {
  auto sources = complete_environment();
  sources.environment["ALLOWED_REDIRECT_URIS"] = "http://127.0.0.1:8888/cb, other://x";
  auto outcome = load_config(sources);
  ASSERT_TRUE(outcome.settings);
  EXPECT_TRUE(outcome.settings->is_redirect_allowed("myapp://callback"));
  EXPECT_TRUE(outcome.settings->is_redirect_allowed("other://x"));
  EXPECT_FALSE(outcome.settings->is_redirect_allowed("evil://x"));
}

TEST(Config, LoopbackRedirectMatchesOnAnyPort) {
  auto sources = complete_environment();
  sources.environment["ALLOWED_REDIRECT_URIS"] = "http://127.0.0.1:8888/callback,http://[::1]/cb";
  auto outcome = load_config(sources);
  ASSERT_TRUE(outcome.settings);
  const auto& c = *outcome.settings;
  EXPECT_TRUE(c.is_redirect_allowed("http://127.0.0.1:51234/callback"));
  EXPECT_TRUE(c.is_redirect_allowed("http://127.0.0.1/callback"));
  EXPECT_TRUE(c.is_redirect_allowed("http://[::1]:4000/cb"));
  EXPECT_FALSE(c.is_redirect_allowed("http://127.0.0.1:51234/other"));
  EXPECT_FALSE(c.is_redirect_allowed("http://127.0.0.2:51234/callback"));
  EXPECT_FALSE(c.is_redirect_allowed("http://localhost:51234/callback"));
  EXPECT_FALSE(c.is_redirect_allowed("https://127.0.0.1:51234/callback"));
  EXPECT_FALSE(c.is_redirect_allowed("http://user@127.0.0.1:51234/callback"));
}

TEST(Config, PreviousSecretsAreAList) {
  auto sources = complete_environment();
  sources.environment["ENCRYPTION_SECRET_PREVIOUS"] = "old-one,older-one";
  auto outcome = load_config(sources);
  ASSERT_TRUE(outcome.settings);
  EXPECT_EQ(outcome.settings->previous_encryption_secrets.size(), 2u);
}

TEST(Dotenv, ParsesQuotesCommentsAndExport) {
  auto values = parse_dotenv("# comment\nexport A=1\nB = \"two words\"\nC='x#y'\nD=v # note\r\n"
                             "broken line\n");
  EXPECT_EQ(values.size(), 4u);
  EXPECT_EQ(values["A"], "1");
  EXPECT_EQ(values["B"], "two words");
  EXPECT_EQ(values["C"], "x#y");
  EXPECT_EQ(values["D"], "v");
}

TEST(Duration, AcceptsUnits) {
  EXPECT_EQ(parse_duration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(parse_duration("10s"), std::chrono::seconds(10));
  EXPECT_EQ(parse_duration("2m"), std::chrono::minutes(2));
  EXPECT_EQ(parse_duration("7"), std::chrono::seconds(7));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("1h"));
}

TEST(Secret, DescribesPresenceNotValue) {
  EXPECT_EQ(secret("hunter2").describe(), "present");
  EXPECT_EQ(secret().describe(), "absent");
}

TEST(Help, ListsEverySettingAndAlias) {
  auto help = config_help();
  for (auto name : {"CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "--callback-url", "PORT", "5000",
                    "SPOTIFY_ACCOUNTS_URL", "CORS_ORIGINS"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
}

} // namespace
} // namespace tokenswap::core

namespace tokenswap::core {
namespace {

TEST(ConfigHardening, LimitsHaveDeploymentDefaults) {
  auto outcome = load_config(complete_environment());
  ASSERT_TRUE(outcome.settings);
  const auto& c = *outcome.settings;
  EXPECT_EQ(c.max_connections, 10'000u);
  EXPECT_EQ(c.max_in_flight, 2'048u);
  EXPECT_EQ(c.max_body_bytes, 16u * 1024);
  EXPECT_EQ(c.shutdown_timeout, std::chrono::seconds(10));
  EXPECT_EQ(c.rate_limit, 0);
  EXPECT_EQ(c.refresh_grace, std::chrono::seconds(60));
  EXPECT_TRUE(c.legacy_schemes.empty());
}

TEST(ConfigHardening, LimitsRateAndLegacySettingsAreRead) {
  auto sources = complete_environment();
  sources.environment["MAX_CONNECTIONS"] = "500";
  sources.environment["RATE_LIMIT"] = "2.5";
  sources.environment["TRUSTED_PROXIES"] = "10.0.0.0/8, ::1";
  sources.environment["LEGACY_TOKEN_SCHEMES"] = "cryptojs,ruby-3des";
  sources.flags = {"--refresh-grace-period", "2s", "--shutdown-timeout=3s"};
  auto outcome = load_config(sources);
  ASSERT_TRUE(outcome.settings) << outcome.problems.front();
  EXPECT_EQ(outcome.settings->max_connections, 500u);
  EXPECT_EQ(outcome.settings->rate_limit, 2.5);
  EXPECT_EQ(outcome.settings->trusted_proxies.size(), 2u);
  EXPECT_EQ(outcome.settings->legacy_schemes.size(), 2u);
  EXPECT_EQ(outcome.settings->refresh_grace, std::chrono::seconds(2));
  EXPECT_EQ(outcome.settings->shutdown_timeout, std::chrono::seconds(3));
}

TEST(ConfigHardening, BadHardeningValuesAreAllReported) {
  // A certificate without its key is one problem, named by the missing setting.
  expect_refused_naming(
      {{"MAX_CONNECTIONS", "0"},
       {"RATE_LIMIT", "fast"},
       {"TRUSTED_PROXIES", "10.0.0.0/40"},
       {"LEGACY_TOKEN_SCHEMES", "rot13"},
       {"TLS_CERT_FILE", "/etc/cert.pem"}},
      {"MAX_CONNECTIONS", "RATE_LIMIT", "TRUSTED_PROXIES", "LEGACY_TOKEN_SCHEMES", "TLS_KEY_FILE"});
}

} // namespace
} // namespace tokenswap::core
