#include "core/base64.hpp"

#include <array>
#include <cstdint>

namespace tokenswap::core {
namespace {

constexpr std::string_view standard_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr int invalid = -1;

using decode_table = std::array<int, 256>;

constexpr decode_table make_table(std::string_view alphabet) {
  decode_table table{};
  table.fill(invalid);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  }
  return table;
}

constexpr decode_table standard_table = make_table(standard_alphabet);
constexpr decode_table url_table = make_table(url_alphabet);

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (unsigned char byte : bytes) {
    bits = (bits << 8) | byte;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(alphabet[(bits >> count) & 0x3f]);
    }
  }
  if (count > 0) {
    out.push_back(alphabet[(bits << (6 - count)) & 0x3f]);
  }
  while (pad && out.size() % 4 != 0) {
    out.push_back('=');
  }
  return out;
}

// Decodes sextets from the table; the caller has removed padding and skipped characters.
// Leftover bits must be zero, so no two inputs decode to the same bytes.
std::optional<std::string> decode(std::string_view text, const decode_table& table) {
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int value = table[static_cast<unsigned char>(c)];
    if (value == invalid) {
      return std::nullopt;
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  if ((bits & ((1u << count) - 1)) != 0) {
    return std::nullopt;
  }
  return out;
}

// Removes CR/LF and up to two trailing '=' that complete a 4-character group.
std::optional<std::string> strip_standard(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') {
      compact.push_back(c);
    }
  }
  std::size_t padding = 0;
  while (!compact.empty() && compact.back() == '=' && padding < 2) {
    compact.pop_back();
    ++padding;
  }
  if (padding > 0 && (compact.size() + padding) % 4 != 0) {
    return std::nullopt;
  }
  return compact;
}

} // namespace

std::string base64url_encode(std::string_view bytes) { return encode(bytes, url_alphabet, false); }

std::optional<std::string> base64url_decode(std::string_view text) {
  return decode(text, url_table);
}

std::string base64_encode(std::string_view bytes) { return encode(bytes, standard_alphabet, true); }

std::optional<std::string> base64_decode(std::string_view text) {
  auto compact = strip_standard(text);
  if (!compact) {
    return std::nullopt;
  }
  return decode(*compact, standard_table);
}

} // namespace tokenswap::core
