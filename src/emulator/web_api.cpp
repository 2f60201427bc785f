#include "emulator/web_api.hpp"

#include "emulator/scopes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace tokenswap::emulator {
namespace {

namespace json = boost::json;

json::object user_reference(std::string_view id, std::string_view name, std::string_view api_base) {
  json::object owner;
  owner["display_name"] = name;
  owner["external_urls"] =
      json::object{{"spotify", "https://open.spotify.com/user/" + std::string(id)}};
  owner["href"] = std::string(api_base) + "/v1/users/" + std::string(id);
  owner["id"] = id;
  owner["type"] = "user";
  owner["uri"] = "spotify:user:" + std::string(id);
  return owner;
}

// A stable 22-character base62 id for the n-th sample playlist, shaped like Spotify's.
std::string playlist_id(std::size_t index) {
  std::string id = "7sampleTokenswapList00";
  id[20] = static_cast<char>('0' + index / 10);
  id[21] = static_cast<char>('0' + index % 10);
  return id;
}

json::object playlist_json(std::size_t index, std::string_view api_base) {
  const auto& each = sample_library()[index];
  auto id = playlist_id(index);
  auto href = std::string(api_base) + "/v1/playlists/" + id;
  json::object item;
  item["collaborative"] = false;
  item["description"] = each.description;
  item["external_urls"] = json::object{{"spotify", "https://open.spotify.com/playlist/" + id}};
  item["href"] = href;
  item["id"] = id;
  item["images"] = json::array{json::object{
      {"url", std::string(api_base) + "/images/playlist-" + std::to_string(index) + ".svg"},
      {"height", 300},
      {"width", 300}}};
  item["name"] = each.name;
  item["owner"] = user_reference(each.owner_id, each.owner_name, api_base);
  item["public"] = each.owner_id != default_user().id;
  item["snapshot_id"] = "MSw" + id;
  item["tracks"] = json::object{{"href", href + "/tracks"}, {"total", each.tracks}};
  item["type"] = "playlist";
  item["uri"] = "spotify:playlist:" + id;
  return item;
}

std::optional<unsigned> number(const std::string& text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

json::value page_link(std::string_view api_base, unsigned offset, unsigned limit) {
  return json::value(std::string(api_base) + "/v1/me/playlists?offset=" + std::to_string(offset) +
                     "&limit=" + std::to_string(limit));
}

} // namespace

user_profile default_user() {
  return {"tokenswap-listener", "Alex Listener", "alex.listener@example.com", "SE", "premium", 42};
}

std::string profile_json(const user_profile& user, const std::vector<std::string>& scopes,
                         std::string_view api_base) {
  json::object body;
  if (has_scope(scopes, "user-read-private")) {
    body["country"] = user.country;
  }
  body["display_name"] = user.display_name;
  if (has_scope(scopes, "user-read-email")) {
    body["email"] = user.email;
  }
  if (has_scope(scopes, "user-read-private")) {
    body["explicit_content"] = json::object{{"filter_enabled", false}, {"filter_locked", false}};
  }
  auto reference = user_reference(user.id, user.display_name, api_base);
  body["external_urls"] = reference["external_urls"];
  body["followers"] = json::object{{"href", nullptr}, {"total", user.followers}};
  body["href"] = reference["href"];
  body["id"] = user.id;
  body["images"] = json::array{json::object{
      {"url", std::string(api_base) + "/images/user.svg"}, {"height", 300}, {"width", 300}}};
  if (has_scope(scopes, "user-read-private")) {
    body["product"] = user.product;
  }
  body["type"] = "user";
  body["uri"] = reference["uri"];
  return json::serialize(body);
}

const std::vector<sample_playlist>& sample_library() {
  static const std::vector<sample_playlist> library = {
      {"Morning Coffee", "Gentle acoustic songs to start the day", 34, "tokenswap-listener",
       "Alex Listener", "#b5651d"},
      {"Deep Focus", "Calm instrumentals for long work sessions", 120, "spotify", "Spotify",
       "#1e3a5f"},
      {"Running 170 BPM", "Steady beats for a steady pace", 48, "tokenswap-listener",
       "Alex Listener", "#c0392b"},
      {"Road Trip Singalongs", "Everyone knows the words", 76, "tokenswap-listener",
       "Alex Listener", "#f39c12"},
      {"Jazz Classics", "Standards from the golden age", 95, "spotify", "Spotify", "#6c3483"},
      {"Rainy Day", "Soft songs for grey afternoons", 27, "tokenswap-listener", "Alex Listener",
       "#5d6d7e"},
      {"Indie Discoveries", "New names worth a listen", 60, "spotify", "Spotify", "#117a65"},
      {"Dinner Party", "Warm grooves for good company", 41, "tokenswap-listener", "Alex Listener",
       "#922b21"},
      {"Sleep", "Quiet sounds to drift off", 150, "spotify", "Spotify", "#212f3d"},
  };
  return library;
}

std::optional<page_request> parse_paging(const core::params& query, std::string& problem) {
  page_request page;
  auto limit = query.optional("limit");
  auto offset = query.optional("offset");
  if (!limit || !offset) {
    problem = !limit ? limit.error().description : offset.error().description;
    return std::nullopt;
  }
  if (*limit) {
    auto value = number(**limit);
    if (!value || *value < 1 || *value > 50) {
      problem = "Invalid limit";
      return std::nullopt;
    }
    page.limit = *value;
  }
  if (*offset) {
    auto value = number(**offset);
    if (!value || *value > 100000) {
      problem = "Invalid offset";
      return std::nullopt;
    }
    page.offset = *value;
  }
  return page;
}

std::string playlists_json(const user_profile&, const page_request& page,
                           std::string_view api_base) {
  auto total = static_cast<unsigned>(sample_library().size());
  json::array items;
  for (unsigned i = page.offset; i < total && i < page.offset + page.limit; ++i) {
    items.push_back(playlist_json(i, api_base));
  }
  json::object body;
  body["href"] = page_link(api_base, page.offset, page.limit);
  body["items"] = std::move(items);
  body["limit"] = page.limit;
  body["next"] = page.offset + page.limit < total
                     ? page_link(api_base, page.offset + page.limit, page.limit)
                     : json::value(nullptr);
  body["offset"] = page.offset;
  body["previous"] =
      page.offset > 0
          ? page_link(api_base, page.offset > page.limit ? page.offset - page.limit : 0, page.limit)
          : json::value(nullptr);
  body["total"] = total;
  return json::serialize(body);
}

std::optional<std::string> playlist_image_svg(std::string_view file_name) {
  std::string_view color = "#1db954";
  std::string_view initial = "A";
  if (file_name != "user.svg") {
    if (!file_name.starts_with("playlist-") || !file_name.ends_with(".svg")) {
      return std::nullopt;
    }
    auto index = number(std::string(file_name.substr(9, file_name.size() - 13)));
    if (!index || *index >= sample_library().size()) {
      return std::nullopt;
    }
    color = sample_library()[*index].color;
    initial = sample_library()[*index].name.substr(0, 1);
  }
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"300\" "
         "viewBox=\"0 0 300 300\"><rect width=\"300\" height=\"300\" fill=\"" +
         std::string(color) +
         "\"/><text x=\"150\" y=\"195\" font-family=\"sans-serif\" font-size=\"150\" "
         "text-anchor=\"middle\" fill=\"#ffffff\">" +
         std::string(initial) + "</text></svg>";
}

std::string web_api_error(unsigned status, std::string_view message) {
  json::object error{{"status", status}, {"message", message}};
  return json::serialize(json::object{{"error", std::move(error)}});
}

} // namespace tokenswap::emulator
