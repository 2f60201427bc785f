#include "emulator/scopes.hpp"

#include <algorithm>

namespace tokenswap::emulator {

const std::vector<scope_info>& known_scopes() {
  static const std::vector<scope_info> scopes = {
      {"user-read-private", "See your country, your subscription type and your explicit "
                            "content settings"},
      {"user-read-email", "See the email address of your account"},
      {"playlist-read-private", "See your private playlists"},
      {"playlist-read-collaborative", "See the playlists you share with others"},
      {"playlist-modify-private", "Create, edit and follow your private playlists"},
      {"playlist-modify-public", "Create, edit and follow your public playlists"},
      {"user-library-read", "See the songs, albums and episodes you saved"},
      {"user-library-modify", "Save and remove songs, albums and episodes in your library"},
      {"user-follow-read", "See who you follow"},
      {"user-follow-modify", "Follow and unfollow artists and people for you"},
      {"user-top-read", "See your top artists and songs"},
      {"user-read-recently-played", "See what you played recently"},
      {"user-read-playback-position", "See how far you got in episodes and audiobooks"},
      {"user-read-playback-state", "See what is playing and on which device"},
      {"user-modify-playback-state", "Play, pause, skip and choose what plays on your devices"},
      {"user-read-currently-playing", "See the song or episode playing now"},
      {"app-remote-control", "Control Spotify on your phone from this app"},
      {"streaming", "Play music and podcasts in this app"},
      {"ugc-image-upload", "Upload images as playlist covers"},
      {"user-personalized", "Use your listening to personalise what this app shows you"},
  };
  return scopes;
}

const scope_info* find_scope(std::string_view name) {
  const auto& scopes = known_scopes();
  auto found = std::find_if(scopes.begin(), scopes.end(),
                            [&](const scope_info& each) { return each.name == name; });
  return found == scopes.end() ? nullptr : &*found;
}

scope_list parse_scopes(std::string_view text) {
  scope_list out;
  while (!text.empty()) {
    auto end = text.find(' ');
    auto name = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (name.empty() || has_scope(out.names, name)) {
      continue;
    }
    if (!find_scope(name) && !out.unknown) {
      out.unknown = std::string(name);
    }
    out.names.emplace_back(name);
  }
  return out;
}

std::string join_scopes(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    out += out.empty() ? "" : " ";
    out += name;
  }
  return out;
}

bool has_scope(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace tokenswap::emulator
