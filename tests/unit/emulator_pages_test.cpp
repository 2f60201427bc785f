#include "emulator/pages.hpp"

#include <gtest/gtest.h>

namespace tokenswap::emulator {
namespace {

TEST(EmulatorPages, EscapesEverythingThatCouldBreakOutOfHtml) {
  EXPECT_EQ(html_escape(R"(<a href="x" title='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(EmulatorPages, ConsentPageEscapesTheAppAndRedirect) {
  registered_client client{"app", "s", "<script>alert(1)</script>", {"app://cb"}};
  authorize_request request{"app", "app://cb?x=\"><b>", std::nullopt, {"streaming"}, "", false};
  auto page = consent_page(client, request, "pending-id");
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_EQ(page.find("\"><b>"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(page.find("name=\"request\" value=\"pending-id\""), std::string::npos);
  EXPECT_NE(page.find("Play music and podcasts in this app"), std::string::npos);
}

TEST(EmulatorPages, ConsentPageWithoutScopesStillSaysWhatIsShared) {
  registered_client client{"app", "s", "App", {"app://cb"}};
  auto page = consent_page(client, {"app", "app://cb", std::nullopt, {}, "", false}, "id");
  EXPECT_NE(page.find("public profile"), std::string::npos);
}

TEST(EmulatorPages, ErrorPageShowsTheProblem) {
  auto page = error_page("INVALID_CLIENT: Invalid redirect URI");
  EXPECT_NE(page.find("INVALID_CLIENT: Invalid redirect URI"), std::string::npos);
  EXPECT_NE(page.find("role=\"alert\""), std::string::npos);
}

TEST(EmulatorPages, PolicyLetsTheFormRedirectOnlyToTheApp) {
  EXPECT_EQ(content_security_policy(),
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'");
  EXPECT_NE(content_security_policy("http://127.0.0.1:8888/callback?x=1")
                .find("form-action 'self' http://127.0.0.1:8888;"),
            std::string::npos);
  EXPECT_NE(content_security_policy("myapp://callback").find("form-action 'self' myapp:;"),
            std::string::npos);
  EXPECT_NE(content_security_policy("https://app.example/cb").find("'self' https://app.example;"),
            std::string::npos);
}

} // namespace
} // namespace tokenswap::emulator
