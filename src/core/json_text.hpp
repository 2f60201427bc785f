#pragma once

#include <string>
#include <string_view>

namespace tokenswap::core {

// Appends `value` as a JSON string literal: quotes, backslashes and control characters escaped,
// every other byte as it is (callers pass UTF-8, which JSON carries unescaped).
void append_json_string(std::string& out, std::string_view value);

} // namespace tokenswap::core
