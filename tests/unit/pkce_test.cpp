#include "core/pkce.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tokenswap::core {
namespace {

// RFC 7636 appendix B.
constexpr auto rfc_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr auto rfc_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

TEST(Pkce, MatchesTheRfcExample) {
  EXPECT_EQ(s256_challenge(rfc_verifier), rfc_challenge);
  EXPECT_TRUE(verifier_matches(rfc_verifier, rfc_challenge));
}

TEST(Pkce, RejectsAnotherVerifier) {
  std::string other = rfc_verifier;
  other[0] = 'e';
  EXPECT_FALSE(verifier_matches(other, rfc_challenge));
}

TEST(Pkce, RejectsAVerifierOfTheWrongShape) {
  EXPECT_FALSE(verifier_matches("short", s256_challenge("short")));
  std::string spaced(50, 'a');
  spaced[10] = ' ';
  EXPECT_FALSE(verifier_matches(spaced, s256_challenge(spaced)));
}

TEST(Pkce, AcceptsValuesOf43To128UnreservedCharacters) {
  EXPECT_TRUE(is_pkce_value(std::string(43, 'a')));
  EXPECT_TRUE(is_pkce_value(std::string(128, '~')));
  EXPECT_TRUE(is_pkce_value("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-._~"));
  EXPECT_FALSE(is_pkce_value(std::string(42, 'a')));
  EXPECT_FALSE(is_pkce_value(std::string(129, 'a')));
  EXPECT_FALSE(is_pkce_value(std::string(43, '+')));
  EXPECT_FALSE(is_pkce_value(std::string(43, '=')));
}

} // namespace
} // namespace tokenswap::core
