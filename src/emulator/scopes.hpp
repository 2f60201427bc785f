// Spotify's authorization scopes: which names exist and what each lets an app do, in plain words.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokenswap::emulator {

struct scope_info {
  std::string_view name;
  // What the person grants, as the consent page says it.
  std::string_view explanation;
};

const std::vector<scope_info>& known_scopes();
const scope_info* find_scope(std::string_view name);

// A space-separated scope list, in order, repeats removed.
struct scope_list {
  std::vector<std::string> names;
  // The first name Spotify does not know, when there is one.
  std::optional<std::string> unknown;
};

scope_list parse_scopes(std::string_view text);
std::string join_scopes(const std::vector<std::string>& names);
bool has_scope(const std::vector<std::string>& names, std::string_view name);

} // namespace tokenswap::emulator
