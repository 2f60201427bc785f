#include "core/json_text.hpp"

namespace tokenswap::core {
namespace {

bool needs_escape(char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; }

} // namespace

void append_json_string(std::string& out, std::string_view value) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  // Runs without anything to escape (a whole token, usually) go in with one append.
  std::size_t run = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (!needs_escape(c)) {
      continue;
    }
    out.append(value.data() + run, i - run);
    run = i + 1;
    if (c == '"' || c == '\\') {
      const char escaped[] = {'\\', c};
      out.append(escaped, sizeof escaped);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      const char escaped[] = {'\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 0xf]};
      out.append(escaped, sizeof escaped);
    }
  }
  out.append(value.data() + run, value.size() - run);
  out += '"';
}

} // namespace tokenswap::core
