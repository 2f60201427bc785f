// Legacy refresh tokens: opening arbitrary text never crashes, what opens is a plausible refresh
// token, the combined opener agrees with each scheme alone, and the manglings clients apply in
// transit ('+' as a space, line breaks as the two characters "\n") open the same.
#include "core/legacy_tokens.hpp"

#include "property.hpp"

#include <algorithm>
#include <array>

namespace core = tokenswap::core;
using tokenswap::fuzz::require;

namespace {

constexpr std::string_view secret = "tutorial example secret";
constexpr std::array schemes = {
    core::legacy_scheme::cryptojs_aes, core::legacy_scheme::node_aes_256_cbc,
    core::legacy_scheme::node_aes_256_ctr, core::legacy_scheme::ruby_3des};

const core::legacy_opener& every_scheme() {
  static const core::legacy_opener opener(secret, {schemes.begin(), schemes.end()});
  return opener;
}

const core::legacy_opener& only(std::size_t index) {
  static const std::array<core::legacy_opener, schemes.size()> openers = {
      core::legacy_opener(secret, {schemes[0]}), core::legacy_opener(secret, {schemes[1]}),
      core::legacy_opener(secret, {schemes[2]}), core::legacy_opener(secret, {schemes[3]})};
  return openers[index];
}

std::optional<std::string> first_of_each(std::string_view token) {
  for (std::size_t i = 0; i < schemes.size(); ++i) {
    if (auto plain = only(i).open(token)) {
      return plain;
    }
  }
  return std::nullopt;
}

std::string replace_all(std::string_view text, char from, std::string_view to) {
  std::string out;
  for (char c : text) {
    out += c == from ? to : std::string_view(&c, 1);
  }
  return out;
}

bool is_visible_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto token = tokenswap::fuzz::as_text(data, size);
  auto opened = every_scheme().open(token);
  require(opened == first_of_each(token), "the opener tries each scheme in order");
  if (!opened) {
    return 0;
  }
  require(!opened->empty() && is_visible_ascii(*opened), "an opened token is visible ASCII");
  if (token.find('+') != std::string_view::npos) {
    require(every_scheme().open(replace_all(token, '+', " ")) == opened, "'+' may come as ' '");
  }
  if (token.find('\n') != std::string_view::npos) {
    require(every_scheme().open(replace_all(token, '\n', "\\n")) == opened, "\\n may be literal");
  }
  return 0;
}
