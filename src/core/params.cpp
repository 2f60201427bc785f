#include "core/params.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace tokenswap::core {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// The number of continuation bytes a UTF-8 lead byte announces, or -1 for a byte that cannot lead.
int continuation_bytes(unsigned char lead) {
  if (lead < 0x80) {
    return 0;
  }
  if (lead >= 0xc2 && lead <= 0xdf) {
    return 1;
  }
  if (lead >= 0xe0 && lead <= 0xef) {
    return 2;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    return 3;
  }
  return -1;
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view text) {
  static constexpr unsigned minimum[] = {0, 0x80, 0x800, 0x10000};
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    int extra = continuation_bytes(lead);
    if (extra < 0 || text.size() - i <= static_cast<std::size_t>(extra)) {
      return false;
    }
    unsigned code = lead & (0x7fu >> extra);
    for (int k = 1; k <= extra; ++k) {
      auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((next & 0xc0) != 0x80) {
        return false;
      }
      code = (code << 6) | (next & 0x3fu);
    }
    if (code < minimum[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

// Decodes one form component: '+' is a space, %XX an octet.
std::optional<std::string> form_decode(std::string_view text) {
  // Decoded text is never longer: write in place, then trim to what was written.
  std::string out(text.size(), '\0');
  char* o = out.data();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      *o++ = ' ';
    } else if (c != '%') {
      *o++ = c;
    } else if (i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      *o++ = static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  if (!is_utf8(out)) {
    return std::nullopt;
  }
  return out;
}

std::string_view media_type(std::string_view content_type) {
  auto end = content_type.find(';');
  auto type = content_type.substr(0, end);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
    type.remove_suffix(1);
  }
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) {
    type.remove_prefix(1);
  }
  return type;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

} // namespace

[[noreturn]] void throw_exception_from_error(const oauth_error& error,
                                             const boost::source_location&) {
  throw std::runtime_error(error.error + ": " + error.description);
}

std::size_t params::count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      items_.begin(), items_.end(), [&](const auto& item) { return item.first == name; }));
}

result<std::optional<std::string>> params::optional(std::string_view name) const {
  const std::string* found = nullptr;
  for (const auto& [key, value] : items_) {
    if (key != name) {
      continue;
    }
    if (found) {
      return invalid_request("parameter '" + std::string(name) + "' is repeated");
    }
    found = &value;
  }
  if (!found) {
    return std::optional<std::string>();
  }
  if (found->empty()) {
    return invalid_request("parameter '" + std::string(name) + "' is empty");
  }
  return std::optional<std::string>(*found);
}

result<std::string> params::required(std::string_view name) const {
  auto value = optional(name);
  if (!value) {
    return value.error();
  }
  if (!*value) {
    return invalid_request("parameter '" + std::string(name) + "' is missing");
  }
  return std::move(**value);
}

result<params> decode_form(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> items;
  while (!body.empty()) {
    auto end = body.find('&');
    auto pair = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    if (pair.empty()) {
      continue;
    }
    auto equals = pair.find('=');
    auto key = form_decode(pair.substr(0, equals));
    auto value = form_decode(equals == std::string_view::npos ? "" : pair.substr(equals + 1));
    if (!key || !value) {
      return invalid_request("malformed form encoding");
    }
    items.emplace_back(std::move(*key), std::move(*value));
  }
  return params(std::move(items));
}

result<params> decode_json(std::string_view body) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) {
    return invalid_request("body is not a JSON object");
  }
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& [key, value] : parsed.as_object()) {
    if (value.is_object() || value.is_array()) {
      return invalid_request("parameter '" + std::string(key) + "' must be a string");
    }
    std::string text = value.is_string() ? std::string(value.as_string())
                       : value.is_null() ? std::string()
                                         : boost::json::serialize(value);
    items.emplace_back(std::string(key), std::move(text));
  }
  return params(std::move(items));
}

result<params> decode_body(std::string_view content_type, std::string_view body) {
  auto type = media_type(content_type);
  if (type.empty() || iequals(type, "application/x-www-form-urlencoded")) {
    return decode_form(body);
  }
  if (iequals(type, "application/json")) {
    return decode_json(body);
  }
  return oauth_error{415, "invalid_request",
                     "unsupported Content-Type; send application/x-www-form-urlencoded or "
                     "application/json",
                     std::nullopt};
}

std::string form_encode(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += digits[byte >> 4];
      out += digits[byte & 0xf];
    }
  }
  return out;
}

} // namespace tokenswap::core
