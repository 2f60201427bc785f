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

// Whole 3-byte groups become 4 characters written in place; the tail (1 or 2 bytes) becomes 2 or 3
// characters, plus padding when asked. Sealing encodes on every refresh, so no per-byte appends.
std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t groups = bytes.size() / 3;
  const std::size_t tail = bytes.size() % 3;
  const std::size_t tail_chars = tail == 0 ? 0 : (pad ? 4 : tail + 1);
  std::string out(groups * 4 + tail_chars, '\0');
  char* o = out.data();
  for (std::size_t g = 0; g < groups; ++g, in += 3, o += 4) {
    const std::uint32_t bits = (std::uint32_t{in[0]} << 16) | (std::uint32_t{in[1]} << 8) | in[2];
    o[0] = alphabet[bits >> 18];
    o[1] = alphabet[(bits >> 12) & 0x3f];
    o[2] = alphabet[(bits >> 6) & 0x3f];
    o[3] = alphabet[bits & 0x3f];
  }
  if (tail != 0) {
    const std::uint32_t bits = (std::uint32_t{in[0]} << 16) | (tail == 2 ? in[1] << 8 : 0);
    o[0] = alphabet[bits >> 18];
    o[1] = alphabet[(bits >> 12) & 0x3f];
    if (tail == 2) {
      o[2] = alphabet[(bits >> 6) & 0x3f];
    }
    if (pad) {
      o[3] = '=';
      if (tail == 1) {
        o[2] = '=';
      }
    }
  }
  return out;
}

// Sextets from the table, 4 characters to 3 bytes; the caller has removed padding and skipped
// characters. Leftover bits must be zero, so no two inputs decode to the same bytes.
std::optional<std::string> decode(std::string_view text, const decode_table& table) {
  const std::size_t tail = text.size() % 4;
  if (tail == 1) {
    return std::nullopt;
  }
  const std::size_t groups = text.size() / 4;
  std::string out(groups * 3 + (tail == 0 ? 0 : tail - 1), '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  char* o = out.data();
  // Invalid characters are -1: or-ing every looked-up value leaves the sign bit set if any was.
  int seen = 0;
  for (std::size_t g = 0; g < groups; ++g, in += 4, o += 3) {
    const int a = table[in[0]], b = table[in[1]], c = table[in[2]], d = table[in[3]];
    seen |= a | b | c | d;
    const auto bits = (static_cast<std::uint32_t>(a) << 18) |
                      (static_cast<std::uint32_t>(b) << 12) | (static_cast<std::uint32_t>(c) << 6) |
                      static_cast<std::uint32_t>(d);
    o[0] = static_cast<char>(bits >> 16);
    o[1] = static_cast<char>(bits >> 8);
    o[2] = static_cast<char>(bits);
  }
  if (tail != 0) {
    const int a = table[in[0]], b = table[in[1]], c = tail == 3 ? table[in[2]] : 0;
    seen |= a | b | c;
    const auto bits = (static_cast<std::uint32_t>(a) << 18) |
                      (static_cast<std::uint32_t>(b) << 12) | (static_cast<std::uint32_t>(c) << 6);
    // The bits past the last whole byte must be zero.
    const std::uint32_t unused = tail == 2 ? 0xffffu : 0xffu;
    if ((bits & unused) != 0) {
      return std::nullopt;
    }
    o[0] = static_cast<char>(bits >> 16);
    if (tail == 3) {
      o[1] = static_cast<char>(bits >> 8);
    }
  }
  if (seen < 0) {
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
