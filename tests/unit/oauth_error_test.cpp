#include "core/oauth_error.hpp"

#include <gtest/gtest.h>

namespace tokenswap::core {
namespace {

TEST(OauthError, SerializesErrorAndDescription) {
  EXPECT_EQ(invalid_request("missing code").to_json(),
            R"({"error":"invalid_request","error_description":"missing code"})");
}

TEST(OauthError, OmitsEmptyDescription) {
  EXPECT_EQ(server_error(502, "temporarily_unavailable", "").to_json(),
            R"({"error":"temporarily_unavailable"})");
}

} // namespace
} // namespace tokenswap::core
