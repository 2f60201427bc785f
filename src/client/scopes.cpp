#include "client/scopes.hpp"

#include <algorithm>

namespace tokenswap::client {

std::vector<std::string> parse_scopes(std::string_view text) {
  std::vector<std::string> scopes;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find_first_of(" ,", start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    scopes.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return normalize_scopes(std::move(scopes));
}

std::vector<std::string> normalize_scopes(std::vector<std::string> scopes) {
  std::erase_if(scopes, [](const std::string& s) { return s.empty(); });
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  return scopes;
}

bool same_scopes(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return normalize_scopes(a) == normalize_scopes(b);
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string joined;
  for (const auto& scope : scopes) {
    if (!joined.empty()) {
      joined += ' ';
    }
    joined += scope;
  }
  return joined;
}

} // namespace tokenswap::client
