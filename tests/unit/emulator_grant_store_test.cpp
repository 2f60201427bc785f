#include "emulator/grant_store.hpp"

#include <gtest/gtest.h>

namespace tokenswap::emulator {
namespace {

using namespace std::chrono_literals;

const time_point start = time_point(std::chrono::seconds(1'800'000'000));

code_grant sample_code(std::string client = "app") {
  return {{std::move(client), "listener", {"user-read-email"}, start}, "app://cb", ""};
}

TEST(EmulatorGrantStore, CodeWorksOnce) {
  grant_store store;
  auto code = store.add_code(sample_code(), start + 10min);
  auto first = store.take_code(code, "app", start + 1min);
  ASSERT_EQ(first.status, lookup_status::found);
  EXPECT_EQ(first.grant->redirect_uri, "app://cb");
  EXPECT_EQ(store.take_code(code, "app", start + 1min).status, lookup_status::unknown);
}

TEST(EmulatorGrantStore, ExpiredCodeIsReportedExpiredThenForgotten) {
  grant_store store;
  auto code = store.add_code(sample_code(), start + 10min);
  EXPECT_EQ(store.take_code(code, "app", start + 10min).status, lookup_status::expired);
  EXPECT_EQ(store.take_code(code, "app", start + 10min).status, lookup_status::unknown);
}

TEST(EmulatorGrantStore, CodeOfAnotherClientIsUnknownAndStaysUsable) {
  grant_store store;
  auto code = store.add_code(sample_code(), start + 10min);
  EXPECT_EQ(store.take_code(code, "intruder", start).status, lookup_status::unknown);
  EXPECT_EQ(store.take_code(code, "app", start).status, lookup_status::found);
}

TEST(EmulatorGrantStore, AccessTokenExpiresAtItsDeadline) {
  grant_store store;
  auto token = store.add_access_token({"app", "listener", {}, start}, start + 5s, start);
  EXPECT_EQ(store.find_access_token(token, start + 4s).status, lookup_status::found);
  EXPECT_EQ(store.find_access_token(token, start + 5s).status, lookup_status::expired);
  EXPECT_EQ(store.find_access_token("BQnope", start).status, lookup_status::unknown);
}

TEST(EmulatorGrantStore, RefreshTokenBelongsToItsClient) {
  grant_store store;
  auto token = store.add_refresh_token({{"app", "listener", {}, start}, false, false});
  EXPECT_EQ(store.find_refresh_token(token, "app", start - 1h).status, lookup_status::found);
  EXPECT_EQ(store.find_refresh_token(token, "other", start - 1h).status, lookup_status::unknown);
}

TEST(EmulatorGrantStore, RefreshTokenExpiresWithItsLogin) {
  grant_store store;
  auto token = store.add_refresh_token({{"app", "listener", {}, start}, false, false});
  EXPECT_EQ(store.find_refresh_token(token, "app", start + 1s).status, lookup_status::expired);
}

TEST(EmulatorGrantStore, RevokedAndRemovedRefreshTokensStopWorking) {
  grant_store store;
  auto revoked = store.add_refresh_token({{"app", "listener", {}, start}, false, false});
  store.revoke_refresh_tokens();
  auto later = store.add_refresh_token({{"app", "listener", {}, start}, false, false});
  EXPECT_EQ(store.find_refresh_token(revoked, "app", start).status, lookup_status::expired);
  EXPECT_EQ(store.find_refresh_token(later, "app", start).status, lookup_status::found);
  store.remove_refresh_token(later);
  EXPECT_EQ(store.find_refresh_token(later, "app", start).status, lookup_status::unknown);
}

TEST(EmulatorGrantStore, PurgeForgetsOnlyExpiredEntries) {
  grant_store store;
  store.add_code(sample_code(), start + 1min);
  store.add_code(sample_code(), start + 20min);
  store.add_access_token({"app", "listener", {}, start}, start + 1min, start);
  store.purge(start + 5min);
  EXPECT_EQ(store.code_count(), 1u);
  EXPECT_EQ(store.access_token_count(), 0u);
}

TEST(EmulatorGrantStore, AccessTokensStayWithinTheirLimit) {
  grant_store store(32);
  auto old = store.add_access_token({"app", "listener", {}, start}, start + 1s, start);
  for (int i = 0; i < 100; ++i) {
    store.add_access_token({"app", "listener", {}, start}, start + 1h, start + 2s);
  }
  EXPECT_LE(store.access_token_count(), 32u);
  EXPECT_GE(store.access_token_count(), 28u);
  EXPECT_EQ(store.find_access_token(old, start).status, lookup_status::unknown);
}

} // namespace
} // namespace tokenswap::emulator
