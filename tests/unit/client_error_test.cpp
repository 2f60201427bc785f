#include "client/error.hpp"

#include <gtest/gtest.h>

namespace tokenswap::client {
namespace {

result<int> fails_with(error_kind kind) { return error{kind, "what happened"}; }

TEST(ClientError, KindsHaveStableNames) {
  EXPECT_EQ(to_string(error_kind::needs_login), "needs_login");
  EXPECT_EQ(to_string(error_kind::state_mismatch), "state_mismatch");
  EXPECT_EQ(to_string(error_kind::server_unreachable), "server_unreachable");
  EXPECT_EQ(to_string(error_kind::rejected_by_spotify), "rejected_by_spotify");
}

TEST(ClientError, ResultCarriesTheKindAsAValue) {
  auto r = fails_with(error_kind::timeout);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::timeout);
  EXPECT_EQ(r.error().message, "what happened");
}

TEST(ClientError, ValueThrowsAnExceptionWithTheSameKind) {
  try {
    (void)fails_with(error_kind::cancelled).value();
    FAIL() << "value() did not throw";
  } catch (const exception& e) {
    EXPECT_EQ(e.kind(), error_kind::cancelled);
    EXPECT_STREQ(e.what(), "cancelled: what happened");
  }
}

TEST(ClientError, ExceptionIsAStandardRuntimeError) {
  EXPECT_THROW((void)fails_with(error_kind::needs_login).value(), std::runtime_error);
}

} // namespace
} // namespace tokenswap::client
