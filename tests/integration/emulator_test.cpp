// The emulator over real sockets on 127.0.0.1: the browser's side of /authorize, the token
// endpoint as a token-swap server calls it, the Web API, and each fault control.
#include "emulator/emulator_server.hpp"

#include "core/base64.hpp"
#include "core/params.hpp"
#include "emulator/web_api.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <regex>

namespace tokenswap::emulator {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr auto redirect = "http://127.0.0.1:8888/callback";
constexpr auto verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr auto challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

struct reply {
  beast::error_code ec;
  web::response res;
};

// One request on a fresh connection, read to the end of the response (or the failure).
reply send(unsigned short port, http::verb method, std::string_view target, std::string body = "",
           std::vector<std::pair<http::field, std::string>> headers = {}) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  web::request req{method, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : headers) {
    req.set(name, value);
  }
  if (!body.empty()) {
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
  }
  req.body() = std::move(body);
  req.prepare_payload();
  http::write(socket, req);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  reply out;
  http::read(socket, buffer, parser, out.ec);
  if (!out.ec) {
    out.res = parser.release();
  }
  return out;
}

std::string basic(std::string_view id, std::string_view secret) {
  return "Basic " + core::base64_encode(std::string(id) + ":" + std::string(secret));
}

std::string query_value(std::string_view location, const std::string& name) {
  std::smatch match;
  std::string text(location);
  if (!std::regex_search(text, match, std::regex("[?&]" + name + "=([^&]*)"))) {
    return "";
  }
  return match[1];
}

json::object parse(const reply& r) { return json::parse(r.res.body()).as_object(); }

class EmulatorOverHttp : public ::testing::Test {
protected:
  static emulator_settings settings() {
    emulator_settings out;
    out.clients.push_back({"app", "secret", "Sample Player", {redirect}});
    out.clients.push_back({"other", "other-secret", "Other", {"http://127.0.0.1/cb"}});
    return out;
  }

  EmulatorOverHttp()
      : server(settings(), "127.0.0.1", 0, 2,
               [this] { return std::chrono::system_clock::now() + skew.load(); }) {}

  accounts_emulator& spotify() { return server.emulator(); }
  unsigned short port() const { return server.port(); }

  reply get(std::string_view target, std::vector<std::pair<http::field, std::string>> h = {}) {
    return send(port(), http::verb::get, target, "", std::move(h));
  }
  reply post(std::string_view target, std::string body,
             std::vector<std::pair<http::field, std::string>> h = {}) {
    return send(port(), http::verb::post, target, std::move(body), std::move(h));
  }

  std::string authorize_target(std::string extra = "") {
    return "/authorize?client_id=app&response_type=code&redirect_uri=" +
           core::form_encode(redirect) +
           "&state=st%2F1&scope=user-read-email%20playlist-read-private" + extra;
  }

  reply exchange(const std::string& code) {
    return post("/api/token",
                "grant_type=authorization_code&code=" + code +
                    "&redirect_uri=" + core::form_encode(redirect),
                {{http::field::authorization, basic("app", "secret")}});
  }

  reply refresh(const std::string& token) {
    return post("/api/token", "grant_type=refresh_token&refresh_token=" + token,
                {{http::field::authorization, basic("app", "secret")}});
  }

  json::object login(std::vector<std::string> scopes = {"user-read-email",
                                                        "playlist-read-private"}) {
    auto code = spotify().mint_code({"app", redirect, std::move(scopes), ""});
    auto answer = exchange(code);
    EXPECT_EQ(answer.res.result_int(), 200u) << answer.res.body();
    return parse(answer);
  }

  std::string pending_id(const reply& page) {
    std::smatch match;
    const auto& body = page.res.body();
    EXPECT_TRUE(std::regex_search(body, match, std::regex("name=\"request\" value=\"([^\"]+)\"")));
    return match[1];
  }

  std::atomic<std::chrono::seconds> skew{0s};
  emulator_server server;
};

TEST_F(EmulatorOverHttp, AutoApproveRedirectsWithCodeAndState) {
  spotify().set_auto_approve(true);
  auto r = get(authorize_target());
  ASSERT_EQ(r.res.result_int(), 302u);
  auto location = std::string(r.res[http::field::location]);
  EXPECT_TRUE(location.starts_with(std::string(redirect) + "?code=AQ"));
  EXPECT_EQ(query_value(location, "state"), "st%2F1");
  EXPECT_EQ(exchange(query_value(location, "code")).res.result_int(), 200u);
}

TEST_F(EmulatorOverHttp, ConsentPageExplainsTheRequest) {
  auto r = get(authorize_target());
  ASSERT_EQ(r.res.result_int(), 200u);
  EXPECT_EQ(r.res[http::field::content_type], "text/html; charset=utf-8");
  auto policy = std::string(r.res["Content-Security-Policy"]);
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(policy.find("form-action 'self' http://127.0.0.1:8888"), std::string::npos);
  const auto& page = r.res.body();
  EXPECT_NE(page.find("Sample Player"), std::string::npos);
  EXPECT_NE(page.find("See the email address of your account"), std::string::npos);
  EXPECT_NE(page.find("See your private playlists"), std::string::npos);
  EXPECT_NE(page.find(">Agree</button>"), std::string::npos);
  EXPECT_NE(page.find(">Cancel</button>"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(get("/authorize/style.css").res.result_int(), 200u);
}

TEST_F(EmulatorOverHttp, AgreeRedirectsWithAWorkingCode) {
  auto id = pending_id(get(authorize_target()));
  auto r = post("/authorize/decision", "request=" + id + "&decision=agree");
  ASSERT_EQ(r.res.result_int(), 303u);
  auto location = std::string(r.res[http::field::location]);
  EXPECT_EQ(query_value(location, "state"), "st%2F1");
  auto tokens = exchange(query_value(location, "code"));
  ASSERT_EQ(tokens.res.result_int(), 200u);
  EXPECT_EQ(parse(tokens)["scope"].as_string(), "user-read-email playlist-read-private");
}

TEST_F(EmulatorOverHttp, CancelRedirectsWithAccessDenied) {
  auto id = pending_id(get(authorize_target()));
  auto r = post("/authorize/decision", "request=" + id + "&decision=cancel");
  ASSERT_EQ(r.res.result_int(), 303u);
  EXPECT_EQ(r.res[http::field::location],
            std::string(redirect) + "?error=access_denied&state=st%2F1");
}

TEST_F(EmulatorOverHttp, AutoDenyRedirectsWithAccessDenied) {
  ASSERT_EQ(post("/emulator/settings", R"({"auto_deny":true})").res.result_int(), 200u);
  auto r = get(authorize_target());
  ASSERT_EQ(r.res.result_int(), 302u);
  EXPECT_EQ(r.res[http::field::location],
            std::string(redirect) + "?error=access_denied&state=st%2F1");
}

TEST_F(EmulatorOverHttp, DecisionCountsOnce) {
  auto id = pending_id(get(authorize_target()));
  EXPECT_EQ(post("/authorize/decision", "request=" + id + "&decision=cancel").res.result_int(),
            303u);
  auto again = post("/authorize/decision", "request=" + id + "&decision=agree");
  EXPECT_EQ(again.res.result_int(), 400u);
  EXPECT_EQ(again.res.count(http::field::location), 0u);
}

TEST_F(EmulatorOverHttp, AgreedScopesSkipTheDialogUnlessShowDialog) {
  auto id = pending_id(get(authorize_target()));
  post("/authorize/decision", "request=" + id + "&decision=agree");
  EXPECT_EQ(get(authorize_target()).res.result_int(), 302u);
  EXPECT_EQ(get(authorize_target("&show_dialog=true")).res.result_int(), 200u);
}

TEST_F(EmulatorOverHttp, BadRequestsGetTheErrorPageNotARedirect) {
  spotify().set_auto_approve(true);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/authorize?client_id=nobody&response_type=code&redirect_uri=" + core::form_encode(redirect),
       "Invalid client"},
      {"/authorize?client_id=app&response_type=code&redirect_uri=http%3A%2F%2Fevil.example%2F",
       "Invalid redirect URI"},
      {authorize_target("x&scope=bogus"), "appears more than once"},
      {"/authorize?client_id=app&response_type=token&redirect_uri=" + core::form_encode(redirect),
       "response_type must be code"},
      {authorize_target("&code_challenge_method=S256&code_challenge=short"), "code_challenge"},
  };
  for (const auto& [target, words] : cases) {
    auto r = get(target);
    EXPECT_EQ(r.res.result_int(), 400u) << target;
    EXPECT_EQ(r.res.count(http::field::location), 0u) << target;
    EXPECT_NE(r.res.body().find(words), std::string::npos) << target << r.res.body();
  }
}

TEST_F(EmulatorOverHttp, CodeGrantAndRefreshAnswerLikeSpotify) {
  auto tokens = login();
  auto code = spotify().mint_code({"app", redirect, {}, ""});
  auto first = exchange(code);
  EXPECT_EQ(first.res[http::field::content_type], "application/json");
  EXPECT_EQ(first.res[http::field::cache_control], "no-store");
  auto reused = exchange(code);
  EXPECT_EQ(reused.res.result_int(), 400u);
  EXPECT_EQ(reused.res.body(),
            R"({"error":"invalid_grant","error_description":"Invalid authorization code"})");

  auto refreshed = refresh(std::string(tokens["refresh_token"].as_string()));
  ASSERT_EQ(refreshed.res.result_int(), 200u);
  EXPECT_FALSE(parse(refreshed).contains("refresh_token"));
}

TEST_F(EmulatorOverHttp, TokenErrorsCarrySpotifysBodies) {
  auto code = spotify().mint_code({"app", redirect, {}, ""});
  auto wrong_secret = post("/api/token", "grant_type=authorization_code&code=" + code,
                           {{http::field::authorization, basic("app", "nope")}});
  EXPECT_EQ(wrong_secret.res.result_int(), 400u);
  EXPECT_EQ(wrong_secret.res.body(),
            R"({"error":"invalid_client","error_description":"Invalid client secret"})");
  auto wrong_redirect = post("/api/token",
                             "grant_type=authorization_code&redirect_uri=app%3A%2F%2Fx&code=" +
                                 spotify().mint_code({"app", redirect, {}, ""}),
                             {{http::field::authorization, basic("app", "secret")}});
  EXPECT_EQ(wrong_redirect.res.body(),
            R"({"error":"invalid_grant","error_description":"Invalid redirect URI"})");
  EXPECT_EQ(refresh("AQnothing").res.body(),
            R"({"error":"invalid_grant","error_description":"Invalid refresh token"})");
  EXPECT_EQ(
      post("/api/token", "").res.body(),
      R"({"error":"unsupported_grant_type","error_description":"grant_type parameter is missing"})");
  auto wrong_method = get("/api/token");
  EXPECT_EQ(wrong_method.res.result_int(), 405u);
  EXPECT_EQ(wrong_method.res[http::field::allow], "POST");
}

TEST_F(EmulatorOverHttp, RotationSwitchedOnThroughTheAdminEndpoint) {
  auto tokens = login();
  auto settings = post("/emulator/settings", R"({"rotate_refresh_tokens":true})");
  ASSERT_EQ(settings.res.result_int(), 200u) << settings.res.body();
  auto old_token = std::string(tokens["refresh_token"].as_string());
  auto rotated = refresh(old_token);
  ASSERT_EQ(rotated.res.result_int(), 200u);
  auto new_token = std::string(parse(rotated)["refresh_token"].as_string());
  EXPECT_TRUE(new_token != old_token);
  EXPECT_EQ(refresh(old_token).res.result_int(), 400u);
  EXPECT_EQ(refresh(new_token).res.result_int(), 200u);
}

TEST_F(EmulatorOverHttp, PkceLoginWithoutASecret) {
  spotify().set_auto_approve(true);
  auto r =
      get(authorize_target("&code_challenge_method=S256&code_challenge=" + std::string(challenge)));
  auto code = query_value(std::string(r.res[http::field::location]), "code");
  auto body = "grant_type=authorization_code&client_id=app&code=" + code +
              "&redirect_uri=" + core::form_encode(redirect) + "&code_verifier=";
  auto tokens = post("/api/token", body + verifier);
  ASSERT_EQ(tokens.res.result_int(), 200u) << tokens.res.body();
  EXPECT_EQ(tokens.res[http::field::access_control_allow_origin], "*");
}

TEST_F(EmulatorOverHttp, AdminEndpointMintsCodesRegistersAppsAndRevokes) {
  auto minted =
      post("/emulator/codes", R"({"client_id":"app","redirect_uri":")" + std::string(redirect) +
                                  R"(","scope":"user-read-email"})");
  ASSERT_EQ(minted.res.result_int(), 200u);
  auto tokens = exchange(std::string(parse(minted)["code"].as_string()));
  ASSERT_EQ(tokens.res.result_int(), 200u);
  EXPECT_EQ(parse(tokens)["scope"].as_string(), "user-read-email");

  EXPECT_EQ(post("/emulator/codes", R"({"client_id":"nobody","redirect_uri":"app://x"})")
                .res.result_int(),
            400u);
  EXPECT_EQ(post("/emulator/clients", R"({"id":"new","secret":"s","redirect_uris":["app://cb"]})")
                .res.result_int(),
            204u);
  EXPECT_EQ(post("/emulator/clients",
                 R"({"id":"bad","secret":"s","redirect_uris":["http://localhost/cb"]})")
                .res.result_int(),
            400u);

  ASSERT_EQ(post("/emulator/revoke", "").res.result_int(), 204u);
  EXPECT_EQ(refresh(std::string(parse(tokens)["refresh_token"].as_string())).res.body(),
            R"({"error":"invalid_grant","error_description":"Refresh token revoked"})");
  EXPECT_EQ(post("/emulator/settings", R"({"latency_ms":"slow"})").res.result_int(), 400u);
  EXPECT_EQ(get("/emulator/nothing").res.result_int(), 404u);
}

TEST_F(EmulatorOverHttp, ProfileNeedsAValidToken) {
  auto tokens = login({"user-read-email"});
  auto bearer = "Bearer " + std::string(tokens["access_token"].as_string());
  auto me = get("/v1/me", {{http::field::authorization, bearer}});
  ASSERT_EQ(me.res.result_int(), 200u);
  auto profile = parse(me);
  EXPECT_EQ(profile["email"].as_string(), default_user().email);
  EXPECT_FALSE(profile.contains("country"));

  EXPECT_EQ(get("/v1/me").res.body(), R"({"error":{"status":401,"message":"No token provided"}})");
  EXPECT_EQ(get("/v1/me", {{http::field::authorization, "Bearer BQforged"}}).res.body(),
            R"({"error":{"status":401,"message":"Invalid access token"}})");
  skew = 3601s;
  auto expired = get("/v1/me", {{http::field::authorization, bearer}});
  EXPECT_EQ(expired.res.result_int(), 401u);
  EXPECT_EQ(expired.res.body(), R"({"error":{"status":401,"message":"The access token expired"}})");
}

TEST_F(EmulatorOverHttp, ShortTokenLifetimeShowsInExpiresIn) {
  spotify().set_token_lifetime(5s);
  auto tokens = login();
  EXPECT_EQ(tokens["expires_in"].as_int64(), 5);
  skew = 5s;
  auto bearer = "Bearer " + std::string(tokens["access_token"].as_string());
  EXPECT_EQ(get("/v1/me", {{http::field::authorization, bearer}}).res.result_int(), 401u);
}

TEST_F(EmulatorOverHttp, PlaylistsPageByNextLinks) {
  auto tokens = login();
  std::vector<std::pair<http::field, std::string>> auth{
      {http::field::authorization, "Bearer " + std::string(tokens["access_token"].as_string())}};
  std::string target = "/v1/me/playlists?limit=4";
  std::size_t seen = 0;
  for (int pages = 0; pages < 10 && !target.empty(); ++pages) {
    auto page = get(target, auth);
    ASSERT_EQ(page.res.result_int(), 200u) << page.res.body();
    auto body = parse(page);
    seen += body["items"].as_array().size();
    auto next = body["next"];
    target = next.is_null() ? ""
                            : std::string(next.as_string())
                                  .substr(("http://127.0.0.1:" + std::to_string(port())).size());
  }
  EXPECT_EQ(seen, sample_library().size());
  EXPECT_EQ(get("/v1/me/playlists?limit=0", auth).res.body(),
            R"({"error":{"status":400,"message":"Invalid limit"}})");
  EXPECT_EQ(get("/images/playlist-0.svg").res[http::field::content_type], "image/svg+xml");
}

TEST_F(EmulatorOverHttp, PlaylistsNeedTheirScope) {
  auto tokens = login({"user-read-email"});
  auto r = get("/v1/me/playlists", {{http::field::authorization,
                                     "Bearer " + std::string(tokens["access_token"].as_string())}});
  EXPECT_EQ(r.res.result_int(), 403u);
}

TEST_F(EmulatorOverHttp, BrowsersMayCallTheWebApi) {
  auto r = send(port(), http::verb::options, "/v1/me");
  EXPECT_EQ(r.res.result_int(), 204u);
  EXPECT_EQ(r.res[http::field::access_control_allow_origin], "*");
  EXPECT_NE(r.res[http::field::access_control_allow_headers].find("Authorization"),
            std::string::npos);
}

TEST_F(EmulatorOverHttp, ServerErrorsForTheNextCallsOnly) {
  spotify().inject_fault({fault_kind::status, 503, 0s, 0ms, 0, 2, fault_target::token});
  EXPECT_EQ(refresh("AQx").res.result_int(), 503u);
  EXPECT_EQ(refresh("AQx").res.result_int(), 503u);
  EXPECT_EQ(refresh("AQx").res.result_int(), 400u);
}

TEST_F(EmulatorOverHttp, TooManyRequestsCarriesRetryAfter) {
  ASSERT_EQ(post("/emulator/faults", R"({"kind":"status","status":429,"retry_after":7})")
                .res.result_int(),
            204u);
  auto r = refresh("AQx");
  EXPECT_EQ(r.res.result_int(), 429u);
  EXPECT_EQ(r.res[http::field::retry_after], "7");
}

TEST_F(EmulatorOverHttp, ClosedConnectionGetsNoAnswer) {
  spotify().inject_fault({fault_kind::close, 500, 0s, 0ms, 0, 1, fault_target::token});
  auto r = refresh("AQx");
  EXPECT_TRUE(r.ec) << "expected no answer";
  EXPECT_EQ(refresh("AQx").res.result_int(), 400u);
}

TEST_F(EmulatorOverHttp, ResetCutsTheAnswerHalfway) {
  auto tokens = login();
  spotify().inject_fault({fault_kind::reset, 500, 0s, 0ms, 0, 1, fault_target::token});
  auto r = refresh(std::string(tokens["refresh_token"].as_string()));
  EXPECT_TRUE(r.ec) << "expected a broken answer";
  EXPECT_EQ(refresh(std::string(tokens["refresh_token"].as_string())).res.result_int(), 200u);
}

TEST_F(EmulatorOverHttp, MalformedJsonAndHugeBodies) {
  spotify().inject_fault({fault_kind::malformed_json, 500, 0s, 0ms, 0, 1, fault_target::token});
  spotify().inject_fault({fault_kind::huge_body, 500, 0s, 0ms, 5'000'000, 1, fault_target::token});
  auto malformed = refresh("AQx");
  EXPECT_EQ(malformed.res.result_int(), 200u);
  boost::system::error_code ec;
  json::parse(malformed.res.body(), ec);
  EXPECT_TRUE(ec);
  auto huge = refresh("AQx");
  EXPECT_EQ(huge.res.result_int(), 200u);
  EXPECT_EQ(huge.res.body().size(), 5'000'000u);
}

TEST_F(EmulatorOverHttp, HtmlInsteadOfJson) {
  ASSERT_EQ(post("/emulator/faults", R"({"kind":"html","status":502})").res.result_int(), 204u);
  auto r = refresh("AQx");
  EXPECT_EQ(r.res.result_int(), 502u);
  EXPECT_EQ(r.res[http::field::content_type], "text/html; charset=utf-8");
}

TEST_F(EmulatorOverHttp, DelaysAndLatencyHoldTheAnswer) {
  spotify().inject_fault({fault_kind::delay, 500, 0s, 300ms, 0, 1, fault_target::web_api});
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(get("/v1/me").res.result_int(), 401u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);

  spotify().set_latency(200ms);
  started = std::chrono::steady_clock::now();
  refresh("AQx");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 200ms);
}

TEST_F(EmulatorOverHttp, CountersSeeEveryTokenCall) {
  login();
  refresh("AQx");
  spotify().inject_fault({fault_kind::status, 500, 0s, 0ms, 0, 1, fault_target::token});
  refresh("AQx");
  post("/api/token", "grant_type=password");
  auto counted = spotify().counters();
  EXPECT_EQ(counted.token_calls, 4u);
  EXPECT_EQ(counted.authorization_code_grants, 1u);
  EXPECT_EQ(counted.refresh_token_grants, 2u);
  EXPECT_EQ(counted.other_grants, 1u);
  EXPECT_EQ(counted.faults_applied, 1u);
  auto over_http = json::parse(get("/emulator/counters").res.body()).as_object();
  EXPECT_EQ(over_http["refresh_token_grants"].as_int64(), 2);
}

TEST_F(EmulatorOverHttp, ConcurrentRefreshesOfARotatingTokenHaveOneWinner) {
  spotify().set_rotate_refresh_tokens(true);
  auto token = std::string(login()["refresh_token"].as_string());
  std::vector<std::future<unsigned>> calls;
  for (int i = 0; i < 16; ++i) {
    calls.push_back(
        std::async(std::launch::async, [&] { return refresh(token).res.result_int(); }));
  }
  int winners = 0;
  for (auto& call : calls) {
    winners += call.get() == 200 ? 1 : 0;
  }
  EXPECT_EQ(winners, 1);
}

} // namespace
} // namespace tokenswap::emulator
