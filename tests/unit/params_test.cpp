#include "core/params.hpp"

#include <gtest/gtest.h>

namespace tokenswap::core {
namespace {

std::string required(const result<params>& decoded, std::string_view name) {
  EXPECT_TRUE(decoded.has_value());
  auto value = decoded->required(name);
  EXPECT_TRUE(value.has_value()) << value.error().description;
  return value ? *value : std::string();
}

TEST(DecodeForm, DecodesPlusAsSpaceAndPercentEscapes) {
  auto decoded = decode_form("code=a+b%2Bc%20d&state=x");
  EXPECT_EQ(required(decoded, "code"), "a b+c d");
  EXPECT_EQ(required(decoded, "state"), "x");
}

TEST(DecodeForm, RawUrlSafeTokenSurvivesUnchanged) {
  std::string token = "v1.AbC-_09xyz-_QQ";
  EXPECT_EQ(required(decode_form("refresh_token=" + token), "refresh_token"), token);
}

TEST(DecodeForm, MissingParameterIsInvalidRequest) {
  auto decoded = decode_form("client_id=abc");
  auto code = decoded->required("code");
  ASSERT_FALSE(code.has_value());
  EXPECT_EQ(code.error().error, "invalid_request");
  EXPECT_EQ(code.error().status, 400u);
  EXPECT_NE(code.error().description.find("missing"), std::string::npos);
}

TEST(DecodeForm, EmptyParameterIsInvalidRequest) {
  auto code = decode_form("code=")->required("code");
  ASSERT_FALSE(code.has_value());
  EXPECT_NE(code.error().description.find("empty"), std::string::npos);
}

TEST(DecodeForm, KeyWithoutEqualsSignIsEmpty) {
  EXPECT_FALSE(decode_form("code")->required("code").has_value());
}

TEST(DecodeForm, RepeatedParameterIsInvalidRequest) {
  auto code = decode_form("code=a&code=b")->required("code");
  ASSERT_FALSE(code.has_value());
  EXPECT_NE(code.error().description.find("repeated"), std::string::npos);
}

TEST(DecodeForm, UnknownFieldsAreKeptButIgnored) {
  auto decoded = decode_form("grant_type=refresh_token&client_id=x&refresh_token=t");
  EXPECT_EQ(required(decoded, "refresh_token"), "t");
  EXPECT_EQ(decoded->items().size(), 3u);
}

TEST(DecodeForm, EmptyPairsAreSkipped) {
  EXPECT_EQ(required(decode_form("&&code=c&"), "code"), "c");
}

TEST(DecodeForm, MalformedEscapesAreRefused) {
  EXPECT_FALSE(decode_form("code=%").has_value());
  EXPECT_FALSE(decode_form("code=%4").has_value());
  EXPECT_FALSE(decode_form("code=%zz").has_value());
}

TEST(DecodeForm, InvalidUtf8IsRefused) {
  EXPECT_FALSE(decode_form("code=%FF").has_value());
  EXPECT_FALSE(decode_form("code=%C0%AF").has_value());    // overlong '/'
  EXPECT_FALSE(decode_form("code=%ED%A0%80").has_value()); // surrogate
  EXPECT_FALSE(decode_form("code=%E2%82").has_value());    // truncated
  EXPECT_EQ(required(decode_form("code=%E2%82%AC"), "code"), "\xE2\x82\xAC");
}

TEST(OptionalParam, AbsentIsFineButEmptyIsNot) {
  auto decoded = decode_form("code=c&redirect_uri=");
  auto verifier = decoded->optional("code_verifier");
  ASSERT_TRUE(verifier.has_value());
  EXPECT_FALSE(verifier->has_value());
  EXPECT_FALSE(decoded->optional("redirect_uri").has_value());
}

TEST(DecodeJson, ReadsStringsAndScalars) {
  auto decoded = decode_json(R"({"code":"abc","n":5,"flag":true,"nothing":null})");
  EXPECT_EQ(required(decoded, "code"), "abc");
  EXPECT_EQ(required(decoded, "n"), "5");
  EXPECT_EQ(required(decoded, "flag"), "true");
  EXPECT_FALSE(decoded->required("nothing").has_value());
}

TEST(DecodeJson, RefusesNonObjectsAndNesting) {
  EXPECT_FALSE(decode_json("[1,2]").has_value());
  EXPECT_FALSE(decode_json("{\"code\":").has_value());
  EXPECT_FALSE(decode_json(R"({"code":{"a":1}})").has_value());
}

TEST(DecodeBody, ChoosesByContentType) {
  EXPECT_EQ(required(decode_body("", "code=a"), "code"), "a");
  EXPECT_EQ(
      required(decode_body("application/x-www-form-urlencoded; charset=UTF-8", "code=a"), "code"),
      "a");
  EXPECT_EQ(required(decode_body("Application/JSON", R"({"code":"a"})"), "code"), "a");
}

TEST(DecodeBody, UnsupportedContentTypeIs415) {
  auto decoded = decode_body("text/plain", "code=a");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().status, 415u);
}

TEST(FormEncode, EscapesAllButUnreserved) {
  EXPECT_EQ(form_encode("a b+c/=&~._-"), "a%20b%2Bc%2F%3D%26~._-");
  EXPECT_EQ(required(decode_form("x=" + form_encode("é & +")), "x"), "é & +");
}

} // namespace
} // namespace tokenswap::core
