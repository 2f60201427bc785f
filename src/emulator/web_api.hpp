// The few Web API resources the emulator serves (api.spotify.com's shapes): the current user's
// profile, their playlists from a small built-in library, and the playlists' cover images.
#pragma once

#include "core/params.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokenswap::emulator {

struct user_profile {
  std::string id;
  std::string display_name;
  std::string email;
  std::string country;
  std::string product;
  unsigned followers = 0;
};

// The person who logs in to the emulator.
user_profile default_user();

// GET /v1/me: email only with user-read-email; country, product and explicit_content only with
// user-read-private. `api_base` is the origin links point to (http://host:port).
std::string profile_json(const user_profile& user, const std::vector<std::string>& scopes,
                         std::string_view api_base);

struct sample_playlist {
  std::string_view name;
  std::string_view description;
  unsigned tracks = 0;
  // Owned by someone else (and followed), or by the user.
  std::string_view owner_id;
  std::string_view owner_name;
  std::string_view color;
};

const std::vector<sample_playlist>& sample_library();

struct page_request {
  unsigned limit = 20;
  unsigned offset = 0;
};

// limit 1 to 50 (default 20), offset 0 to 100000 (default 0); the problem in words otherwise.
std::optional<page_request> parse_paging(const core::params& query, std::string& problem);

// GET /v1/me/playlists: a paging object (href, items, limit, next, offset, previous, total).
std::string playlists_json(const user_profile& user, const page_request& page,
                           std::string_view api_base);

// GET /images/playlist-<n>.svg: a cover drawn from the playlist's colour and initial.
std::optional<std::string> playlist_image_svg(std::string_view file_name);

// The Web API's error shape: {"error":{"status":...,"message":...}}.
std::string web_api_error(unsigned status, std::string_view message);

} // namespace tokenswap::emulator
