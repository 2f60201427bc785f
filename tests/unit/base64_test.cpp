#include "core/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tokenswap::core {
namespace {

std::string all_byte_values() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
  }
  return bytes;
}

TEST(Base64url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64url, UsesDashAndUnderscoreForTheLastTwoDigits) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64url, RoundTripsEveryByteValueAtEveryLength) {
  const std::string bytes = all_byte_values();
  for (std::size_t length = 0; length <= bytes.size(); ++length) {
    const std::string input = bytes.substr(bytes.size() - length);
    EXPECT_EQ(base64url_decode(base64url_encode(input)), input) << "length " << length;
  }
}

TEST(Base64url, RejectsPadding) {
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);
}

TEST(Base64url, RejectsCharactersOutsideTheUrlAlphabet) {
  for (std::string_view bad : {"Zm9+", "Zm9/", "Zm 9", "Zm9\n", "Zm.v", "Zm\xc3\xa9"}) {
    EXPECT_EQ(base64url_decode(bad), std::nullopt) << bad;
  }
}

TEST(Base64url, RejectsAForeignCharacterAtAnyPosition) {
  const std::string valid = base64url_encode("a sealed refresh token of 32 byt");
  ASSERT_EQ(valid.size(), 43u); // ten whole groups and a three-character tail
  for (std::size_t at = 0; at < valid.size(); ++at) {
    for (char bad : {'+', '/', '=', ' ', '\0', '\x80'}) {
      std::string text = valid;
      text[at] = bad;
      EXPECT_EQ(base64url_decode(text), std::nullopt) << "position " << at;
    }
  }
}

TEST(Base64url, RejectsImpossibleLengths) {
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);
}

TEST(Base64url, RejectsNonZeroTrailingBits) {
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm8"), std::string("fo"));
}

TEST(Base64, EncodesWithPaddingAndStandardAlphabet) {
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

TEST(Base64, RoundTripsEveryByteValue) {
  const std::string bytes = all_byte_values();
  EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
}

TEST(Base64, SkipsLineBreaksOfWrappedOutput) {
  EXPECT_EQ(base64_decode("Zm9v\nYmFy\n"), std::string("foobar"));
  EXPECT_EQ(base64_decode("Zm9v\r\nYmE=\r\n"), std::string("fooba"));
}

TEST(Base64, AcceptsMissingPadding) { EXPECT_EQ(base64_decode("Zm8"), std::string("fo")); }

TEST(Base64, RejectsMisplacedOrExcessPadding) {
  EXPECT_EQ(base64_decode("Zg="), std::nullopt);
  EXPECT_EQ(base64_decode("Zg==="), std::nullopt);
  EXPECT_EQ(base64_decode("Zg==Zm8="), std::nullopt);
}

TEST(Base64, RejectsUrlAlphabetAndSpaces) {
  EXPECT_EQ(base64_decode("-_8="), std::nullopt);
  EXPECT_EQ(base64_decode(" /8="), std::nullopt);
}

} // namespace
} // namespace tokenswap::core
