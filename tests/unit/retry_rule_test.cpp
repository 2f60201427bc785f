#include "upstream/retry_rule.hpp"

#include <gtest/gtest.h>

namespace tokenswap::upstream {
namespace {

using web::client_error;

TEST(MayResend, UnsentRequestMayGoAgainWhateverItIs) {
  EXPECT_TRUE(may_resend(client_error::not_sent, false));
  EXPECT_TRUE(may_resend(client_error::not_sent, true));
}

TEST(MayResend, SilentCloseAfterSendingResendsOnlyRetrySafeCalls) {
  EXPECT_TRUE(may_resend(client_error::closed, true));
  EXPECT_FALSE(may_resend(client_error::closed, false));
}

TEST(MayResend, PartialAnswersTimeoutsAndGarbageAreNeverResent) {
  for (auto failure : {client_error::broken, client_error::timeout, client_error::bad_response,
                       client_error::too_large, client_error::unreachable}) {
    EXPECT_FALSE(may_resend(failure, true));
    EXPECT_FALSE(may_resend(failure, false));
  }
}

TEST(FailureOf, MapsTransportErrorsToTheServersThreeCases) {
  EXPECT_EQ(failure_of(client_error::timeout), token_failure::timeout);
  EXPECT_EQ(failure_of(client_error::too_large), token_failure::bad_response);
  EXPECT_EQ(failure_of(client_error::bad_response), token_failure::bad_response);
  EXPECT_EQ(failure_of(client_error::tls_failed), token_failure::unreachable);
  EXPECT_EQ(failure_of(client_error::broken), token_failure::unreachable);
  EXPECT_EQ(failure_of(client_error::closed), token_failure::unreachable);
}

} // namespace
} // namespace tokenswap::upstream
