#include "client/loopback_redirect.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <gtest/gtest.h>

#include <map>

namespace tokenswap::client {
namespace {

TEST(ClientLoopbackRedirect, ParsesAnIpv4LoopbackUri) {
  auto r = parse_loopback_redirect("http://127.0.0.1:8888/callback");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->host, "127.0.0.1");
  EXPECT_EQ(r->port, 8888);
  EXPECT_EQ(r->path, "/callback");
  EXPECT_EQ(r->uri(8888), "http://127.0.0.1:8888/callback");
}

TEST(ClientLoopbackRedirect, PortZeroIsFilledInWithTheBoundPort) {
  auto r = parse_loopback_redirect("http://127.0.0.1:0/cb");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->port, 0);
  EXPECT_EQ(r->uri(43123), "http://127.0.0.1:43123/cb");
}

TEST(ClientLoopbackRedirect, AcceptsIpv6Loopback) {
  auto r = parse_loopback_redirect("http://[::1]:9000/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host, "::1");
  EXPECT_EQ(r->uri(9000), "http://[::1]:9000/");
}

TEST(ClientLoopbackRedirect, RefusesWhatIsNotALoopbackIpLiteral) {
  for (auto uri :
       {"http://localhost:8888/cb", "https://127.0.0.1:8888/cb", "http://192.168.1.2:8888/cb",
        "http://127.0.0.1/cb", "myapp://callback", "http://127.0.0.1:8888/cb?x=1", "not a uri"}) {
    auto r = parse_loopback_redirect(uri);
    ASSERT_FALSE(r) << uri;
    EXPECT_EQ(r.error().kind, error_kind::invalid_config) << uri;
  }
}

TEST(ClientLoopbackRedirect, MatchesOnlyTheRedirectPath) {
  auto redirect = parse_loopback_redirect("http://127.0.0.1:0/callback").value();
  EXPECT_TRUE(is_callback_target("/callback?code=abc&state=s", redirect));
  EXPECT_TRUE(is_callback_target("/callback", redirect));
  EXPECT_FALSE(is_callback_target("/favicon.ico", redirect));
  EXPECT_FALSE(is_callback_target("/callback/x?code=abc", redirect));
}

TEST(ClientCallback, ReturnsTheCodeWhenTheStateMatches) {
  auto r = read_callback("/callback?code=AQ%2Bx-y&state=s1", "s1");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "AQ+x-y");
}

TEST(ClientCallback, WrongOrMissingStateIsAMismatch) {
  for (auto target : {"/cb?code=c&state=other", "/cb?code=c", "/cb?error=access_denied"}) {
    auto r = read_callback(target, "s1");
    ASSERT_FALSE(r) << target;
    EXPECT_EQ(r.error().kind, error_kind::state_mismatch) << target;
  }
}

TEST(ClientCallback, AccessDeniedIsACancel) {
  auto r = read_callback("/cb?error=access_denied&state=s1", "s1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::cancelled);
  EXPECT_NE(r.error().message.find("cancelled"), std::string::npos);
}

TEST(ClientCallback, NoCodeIsNotSuccess) { EXPECT_FALSE(read_callback("/cb?state=s1", "s1")); }

TEST(ClientCallback, TheCodeNeverAppearsInAnError) {
  auto r = read_callback("/cb?code=secret-code&state=wrong", "s1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find("secret-code"), std::string::npos);
}

std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  for (auto param : boost::urls::parse_uri(url)->params()) {
    out[param.key] = param.value;
  }
  return out;
}

authorize_request sample_request() {
  return {"https://accounts.spotify.com",
          "client id",
          "http://127.0.0.1:8888/callback",
          {"user-read-email", "user-read-private"},
          "state1",
          "challenge1",
          false};
}

TEST(ClientAuthorizeUrl, CarriesEveryParameterEncoded) {
  auto url = build_authorize_url(sample_request());
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_TRUE(url->starts_with("https://accounts.spotify.com/authorize?")) << *url;
  EXPECT_EQ(url->find(' '), std::string::npos);
  auto query = query_of(*url);
  EXPECT_EQ(query["client_id"], "client id");
  EXPECT_EQ(query["response_type"], "code");
  EXPECT_EQ(query["redirect_uri"], "http://127.0.0.1:8888/callback");
  EXPECT_EQ(query["scope"], "user-read-email user-read-private");
  EXPECT_EQ(query["state"], "state1");
  EXPECT_EQ(query["code_challenge_method"], "S256");
  EXPECT_EQ(query["code_challenge"], "challenge1");
  EXPECT_EQ(query.count("show_dialog"), 0u);
}

TEST(ClientAuthorizeUrl, KeepsTheBasePathOfAnEmulator) {
  auto request = sample_request();
  request.accounts_url = "http://127.0.0.1:5001/accounts/";
  request.show_dialog = true;
  auto url = build_authorize_url(request).value();
  EXPECT_TRUE(url.starts_with("http://127.0.0.1:5001/accounts/authorize?")) << url;
  EXPECT_EQ(query_of(url)["show_dialog"], "true");
}

TEST(ClientAuthorizeUrl, RefusesANonHttpAccountsUrl) {
  auto request = sample_request();
  request.accounts_url = "ftp://accounts";
  EXPECT_FALSE(build_authorize_url(request));
}

} // namespace
} // namespace tokenswap::client
