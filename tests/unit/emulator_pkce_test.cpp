#include "emulator/pkce.hpp"

#include "emulator/encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tokenswap::emulator {
namespace {

// RFC 7636 appendix B.
constexpr auto rfc_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr auto rfc_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

TEST(EmulatorPkce, MatchesTheRfcExample) {
  EXPECT_EQ(sha256_base64url(rfc_verifier), rfc_challenge);
  EXPECT_TRUE(verifier_matches(rfc_verifier, rfc_challenge));
}

TEST(EmulatorPkce, RejectsAnotherVerifier) {
  std::string other = rfc_verifier;
  other[0] = 'e';
  EXPECT_FALSE(verifier_matches(other, rfc_challenge));
}

TEST(EmulatorPkce, RejectsAVerifierOfTheWrongShape) {
  EXPECT_FALSE(verifier_matches("short", sha256_base64url("short")));
  std::string spaced(50, 'a');
  spaced[10] = ' ';
  EXPECT_FALSE(verifier_matches(spaced, sha256_base64url(spaced)));
}

TEST(EmulatorPkce, AcceptsValuesOf43To128UnreservedCharacters) {
  EXPECT_TRUE(is_pkce_value(std::string(43, 'a')));
  EXPECT_TRUE(is_pkce_value(std::string(128, '~')));
  EXPECT_TRUE(is_pkce_value("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-._~"));
  EXPECT_FALSE(is_pkce_value(std::string(42, 'a')));
  EXPECT_FALSE(is_pkce_value(std::string(129, 'a')));
  EXPECT_FALSE(is_pkce_value(std::string(43, '+')));
  EXPECT_FALSE(is_pkce_value(std::string(43, '=')));
}

} // namespace
} // namespace tokenswap::emulator
