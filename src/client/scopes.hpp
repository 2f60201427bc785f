#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tokenswap::client {

// Splits a scope list at spaces and commas (both spellings are common on command lines) into a
// sorted list without repeats or empty entries.
std::vector<std::string> parse_scopes(std::string_view text);

// Sorts and removes repeats, so two lists compare as sets.
std::vector<std::string> normalize_scopes(std::vector<std::string> scopes);

// Order-insensitive set equality.
bool same_scopes(const std::vector<std::string>& a, const std::vector<std::string>& b);

// The space-separated form the authorize request takes (RFC 6749 section 3.3).
std::string join_scopes(const std::vector<std::string>& scopes);

} // namespace tokenswap::client
