#pragma once

#include <charconv>
#include <string_view>

namespace tokenswap::cli {

// Reads a whole decimal number within [low, high] into `out`; false (and `out` untouched) when
// the text is not exactly such a number.
template <typename Number>
bool parse_number(std::string_view text, Number& out, Number low, Number high) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return false;
  }
  out = value;
  return true;
}

} // namespace tokenswap::cli
