#include "emulator/web_api.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

namespace tokenswap::emulator {
namespace {

namespace json = boost::json;
constexpr auto base = "http://127.0.0.1:5100";

json::object page(unsigned offset, unsigned limit) {
  return json::parse(playlists_json(default_user(), {limit, offset}, base)).as_object();
}

std::optional<page_request> paging(std::string_view query, std::string& problem) {
  return parse_paging(core::decode_form(query).value(), problem);
}

TEST(EmulatorWebApi, ProfileShowsPrivateFieldsOnlyWithTheirScopes) {
  auto bare = json::parse(profile_json(default_user(), {}, base)).as_object();
  EXPECT_FALSE(bare.contains("email"));
  EXPECT_FALSE(bare.contains("country"));
  EXPECT_FALSE(bare.contains("product"));
  EXPECT_FALSE(bare.contains("explicit_content"));
  EXPECT_EQ(bare["type"].as_string(), "user");
  EXPECT_EQ(bare["uri"].as_string(), "spotify:user:" + default_user().id);
  EXPECT_EQ(bare["href"].as_string(), std::string(base) + "/v1/users/" + default_user().id);

  auto full =
      json::parse(profile_json(default_user(), {"user-read-email", "user-read-private"}, base))
          .as_object();
  EXPECT_EQ(full["email"].as_string(), default_user().email);
  EXPECT_EQ(full["country"].as_string(), "SE");
  EXPECT_EQ(full["product"].as_string(), "premium");
  EXPECT_TRUE(full["explicit_content"].is_object());
}

TEST(EmulatorWebApi, FirstPageLinksToTheNext) {
  auto first = page(0, 4);
  EXPECT_EQ(first["items"].as_array().size(), 4u);
  EXPECT_EQ(first["total"].as_int64(), static_cast<std::int64_t>(sample_library().size()));
  EXPECT_TRUE(first["previous"].is_null());
  EXPECT_EQ(first["next"].as_string(), std::string(base) + "/v1/me/playlists?offset=4&limit=4");
  EXPECT_EQ(first["href"].as_string(), std::string(base) + "/v1/me/playlists?offset=0&limit=4");
}

TEST(EmulatorWebApi, LastPageHasNoNext) {
  auto last = page(8, 4);
  EXPECT_EQ(last["items"].as_array().size(), sample_library().size() - 8);
  EXPECT_TRUE(last["next"].is_null());
  EXPECT_EQ(last["previous"].as_string(), std::string(base) + "/v1/me/playlists?offset=4&limit=4");
}

TEST(EmulatorWebApi, OffsetPastTheEndIsAnEmptyPage) {
  auto beyond = page(100, 20);
  EXPECT_TRUE(beyond["items"].as_array().empty());
  EXPECT_TRUE(beyond["next"].is_null());
}

TEST(EmulatorWebApi, PlaylistHasSpotifysShape) {
  auto item = page(0, 1)["items"].as_array()[0].as_object();
  EXPECT_EQ(item["type"].as_string(), "playlist");
  EXPECT_EQ(item["id"].as_string().size(), 22u);
  EXPECT_TRUE(item["owner"].as_object().contains("display_name"));
  EXPECT_TRUE(item["tracks"].as_object()["total"].is_number());
  auto image = item["images"].as_array()[0].as_object()["url"].as_string();
  EXPECT_EQ(image, std::string(base) + "/images/playlist-0.svg");
}

TEST(EmulatorWebApi, PagingDefaultsAndLimits) {
  std::string problem;
  auto defaults = paging("", problem);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->limit, 20u);
  EXPECT_EQ(defaults->offset, 0u);
  EXPECT_EQ(paging("limit=50&offset=3", problem)->limit, 50u);
  EXPECT_FALSE(paging("limit=0", problem));
  EXPECT_EQ(problem, "Invalid limit");
  EXPECT_FALSE(paging("limit=51", problem));
  EXPECT_FALSE(paging("limit=ten", problem));
  EXPECT_FALSE(paging("offset=-1", problem));
  EXPECT_EQ(problem, "Invalid offset");
}

TEST(EmulatorWebApi, ServesAnImageForEachPlaylistOnly) {
  EXPECT_TRUE(playlist_image_svg("playlist-0.svg"));
  EXPECT_TRUE(playlist_image_svg("user.svg"));
  EXPECT_FALSE(playlist_image_svg("playlist-99.svg"));
  EXPECT_FALSE(playlist_image_svg("playlist-.svg"));
  EXPECT_FALSE(playlist_image_svg("../etc/passwd"));
}

TEST(EmulatorWebApi, ErrorsUseTheWebApiShape) {
  EXPECT_EQ(web_api_error(401, "Invalid access token"),
            R"({"error":{"status":401,"message":"Invalid access token"}})");
}

} // namespace
} // namespace tokenswap::emulator
