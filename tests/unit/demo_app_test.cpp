#include "demo/demo_app.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace tokenswap::demo {
namespace {

demo_config sample_config() {
  return {"demo-client",
          "http://127.0.0.1:7001/authorize",
          "http://127.0.0.1:7002/exchange",
          "http://127.0.0.1:7002/refresh",
          "http://127.0.0.1:7001",
          "http://127.0.0.1:7000/callback",
          {"user-read-email", "playlist-read-private"}};
}

web::request get(std::string target) {
  web::request req{http::verb::get, target, 11};
  return req;
}

web::response must_serve(const web::request& req) {
  auto res = serve_demo(req, sample_config());
  EXPECT_TRUE(res.has_value()) << req.target();
  return res ? *res : web::response{};
}

TEST(ServeDemo, RootServesThePageWithSecurityHeaders) {
  auto res = must_serve(get("/"));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(res[http::field::cache_control], "no-cache");
  EXPECT_EQ(res["Content-Security-Policy"], content_security_policy(sample_config()));
  EXPECT_NE(res.body().find("<script type=\"module\" src=\"app.js\">"), std::string::npos);
}

TEST(ServeDemo, CallbackServesThePageWithoutCachingTheCode) {
  auto res = must_serve(get("/callback?code=abc&state=xyz"));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), must_serve(get("/")).body());
  EXPECT_EQ(res[http::field::cache_control], "no-store");
}

TEST(ServeDemo, ScriptsAndStylesHaveTheirContentTypes) {
  EXPECT_EQ(must_serve(get("/app.js"))[http::field::content_type],
            "text/javascript; charset=utf-8");
  EXPECT_EQ(must_serve(get("/style.css"))[http::field::content_type], "text/css; charset=utf-8");
  EXPECT_EQ(must_serve(get("/favicon.svg"))[http::field::content_type], "image/svg+xml");
}

TEST(ServeDemo, MatchingEtagAnswersNotModifiedWithoutBody) {
  auto first = must_serve(get("/app.js"));
  ASSERT_FALSE(first[http::field::etag].empty());
  auto req = get("/app.js");
  req.set(http::field::if_none_match, first[http::field::etag]);
  auto again = must_serve(req);
  EXPECT_EQ(again.result(), http::status::not_modified);
  EXPECT_TRUE(again.body().empty());
}

TEST(ServeDemo, ConfigCarriesEverythingThePageNeeds) {
  auto res = must_serve(get("/config.json"));
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(res[http::field::cache_control], "no-store");
  auto config = boost::json::parse(res.body()).as_object();
  EXPECT_EQ(config.at("client_id").as_string(), "demo-client");
  EXPECT_EQ(config.at("authorize_url").as_string(), "http://127.0.0.1:7001/authorize");
  EXPECT_EQ(config.at("exchange_url").as_string(), "http://127.0.0.1:7002/exchange");
  EXPECT_EQ(config.at("refresh_url").as_string(), "http://127.0.0.1:7002/refresh");
  EXPECT_EQ(config.at("api_base_url").as_string(), "http://127.0.0.1:7001");
  EXPECT_EQ(config.at("redirect_uri").as_string(), "http://127.0.0.1:7000/callback");
  EXPECT_EQ(config.at("scopes").as_array().size(), 2u);
}

TEST(ServeDemo, OtherPathsAreLeftToTheServer) {
  EXPECT_FALSE(serve_demo(get("/exchange"), sample_config()).has_value());
  EXPECT_FALSE(serve_demo(get("/../app.js"), sample_config()).has_value());
  EXPECT_FALSE(serve_demo(get("/assets/app.js"), sample_config()).has_value());
}

TEST(ServeDemo, OnlyGetIsAllowed) {
  web::request req{http::verb::post, "/config.json", 11};
  auto res = serve_demo(req, sample_config());
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result(), http::status::method_not_allowed);
  EXPECT_EQ((*res)[http::field::allow], "GET");
}

TEST(ContentSecurityPolicy, AllowsNoInlineCodeAndOnlyTheKnownServices) {
  auto policy = content_security_policy(sample_config());
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(policy.find("script-src 'self';"), std::string::npos);
  EXPECT_NE(policy.find("style-src 'self';"), std::string::npos);
  EXPECT_NE(policy.find("connect-src 'self' http://127.0.0.1:7002 http://127.0.0.1:7001;"),
            std::string::npos);
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos);
}

TEST(ContentSecurityPolicy, ListsEachRealSpotifyServiceOnce) {
  auto config = sample_config();
  config.authorize_url = "https://accounts.spotify.com/authorize";
  config.exchange_url = "https://swap.example/exchange";
  config.refresh_url = "https://swap.example/refresh";
  config.api_base_url = "https://api.spotify.com";
  auto policy = content_security_policy(config);
  EXPECT_NE(policy.find("connect-src 'self' https://swap.example https://accounts.spotify.com "
                        "https://api.spotify.com;"),
            std::string::npos);
}

TEST(DemoAddresses, RedirectUriIsThePagesCallback) {
  EXPECT_EQ(page_url("127.0.0.1", 8080), "http://127.0.0.1:8080/");
  EXPECT_EQ(redirect_uri_for("http://127.0.0.1:8080/"), "http://127.0.0.1:8080/callback");
  EXPECT_EQ(redirect_uri_for("https://swap.example"), "https://swap.example/callback");
}

TEST(ConfigForServer, PageTalksToItsOwnServerAndTheRealServices) {
  core::config settings;
  settings.client_id = "real-client";
  settings.callback_url = "http://127.0.0.1:5000/demo/callback";
  settings.accounts_url = "https://accounts.spotify.com/";
  auto config = config_for_server(settings);
  EXPECT_EQ(config.authorize_url, "https://accounts.spotify.com/authorize");
  EXPECT_EQ(config.exchange_url, "/exchange");
  EXPECT_EQ(config.refresh_url, "/refresh");
  EXPECT_EQ(config.api_base_url, "https://api.spotify.com");
  EXPECT_EQ(config.redirect_uri, settings.callback_url);
  EXPECT_EQ(config.mount, "/demo/");
  EXPECT_NE(content_security_policy(config).find(
                "connect-src 'self' https://accounts.spotify.com https://api.spotify.com;"),
            std::string::npos);
}

TEST(ConfigForServer, RedirectUriIsTheAllowedOneThatReachesThePage) {
  core::config settings;
  settings.callback_url = "myapp://callback";
  settings.allowed_redirect_uris = {"myapp://other", "https://swap.example/demo/callback"};
  EXPECT_EQ(config_for_server(settings).redirect_uri, "https://swap.example/demo/callback");
}

TEST(ServeDemo, MountedPageAnswersOnlyUnderItsMount) {
  auto config = sample_config();
  config.mount = "/demo/";
  EXPECT_FALSE(serve_demo(get("/"), config).has_value());
  EXPECT_FALSE(serve_demo(get("/callback"), config).has_value());
  EXPECT_EQ(serve_demo(get("/demo/"), config)->result(), http::status::ok);
  EXPECT_EQ(serve_demo(get("/demo/callback?code=c"), config)->result(), http::status::ok);
  EXPECT_EQ(serve_demo(get("/demo/app.js"), config)->result(), http::status::ok);
  EXPECT_EQ(serve_demo(get("/demo/config.json"), config)->result(), http::status::ok);
}

TEST(ServeDemo, MountWithoutItsSlashRedirectsToIt) {
  auto config = sample_config();
  config.mount = "/demo/";
  auto res = serve_demo(get("/demo"), config);
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->result(), http::status::permanent_redirect);
  EXPECT_EQ((*res)[http::field::location], "/demo/");
}

TEST(MakeDemoHandler, AnswersNotFoundOutsideThePage) {
  net::io_context context;
  auto handler = make_demo_handler(sample_config());
  std::optional<web::response> answer;
  net::co_spawn(context, handler(get("/nothing-here"), {}),
                [&](std::exception_ptr, web::response res) { answer = std::move(res); });
  context.run();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->result(), http::status::not_found);
}

} // namespace
} // namespace tokenswap::demo
