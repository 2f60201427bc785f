// Sealed refresh tokens: opening arbitrary text never crashes, and any text sealed opens to itself
// for its own client id only, with the current or a previous key, and not once altered.
#include "core/sealer.hpp"

#include "property.hpp"

#include <algorithm>
#include <cctype>

namespace core = tokenswap::core;
using tokenswap::fuzz::require;

namespace {

constexpr std::string_view client_id = "0123456789abcdef0123456789abcdef";
constexpr std::size_t max_sealable = 16 * 1024;

core::sealer::raw_key key_of(unsigned char fill) {
  core::sealer::raw_key key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<unsigned char>(fill + i);
  }
  return key;
}

// Seals with the first key and also opens with the second, as after a secret rotation.
const core::sealer& rotated() {
  static const auto instance = core::sealer::from_keys({key_of(1), key_of(2)});
  return instance;
}

const core::sealer& previous() {
  static const auto instance = core::sealer::from_keys({key_of(2)});
  return instance;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

// Another character of the token alphabet in one place: a different token that must not open.
std::string altered(std::string sealed, std::size_t seed) {
  std::size_t at = 3 + seed % (sealed.size() - 3);
  sealed[at] = sealed[at] == 'A' ? 'B' : 'A';
  return sealed;
}

void check_round_trip(std::string_view token) {
  auto sealed = rotated().seal(token, client_id);
  require(std::all_of(sealed.begin(), sealed.end(), is_token_char),
          "sealed tokens survive a raw form post");
  require(rotated().open(sealed, client_id) == std::string(token), "seal then open round-trips");
  require(!rotated().open(sealed, "another-client"), "a token opens only for its client id");
  require(!rotated().open(altered(sealed, token.size()), client_id), "altered tokens fail");
  require(!rotated().open(sealed.substr(0, sealed.size() - 1), client_id), "truncated ones too");
  require(!previous().open(sealed, client_id), "the current key is not the previous one");

  auto old = previous().seal(token, client_id);
  require(rotated().open(old, client_id) == std::string(token), "previous keys still open");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = tokenswap::fuzz::as_text(data, size);
  if (auto opened = rotated().open(input, client_id)) {
    require(rotated().open(rotated().seal(*opened, client_id), client_id) == opened,
            "whatever opens can be sealed again");
  }
  rotated().open("v1." + std::string(input), client_id);
  if (input.size() <= max_sealable) {
    check_round_trip(input);
  }
  return 0;
}
