// Form bodies (decode_form, decode_body) and form_encode: a decoded body re-encoded decodes to
// the same parameters, and any text survives form_encode followed by decode_form.
#include "core/params.hpp"

#include "property.hpp"

#include <algorithm>
#include <cctype>

namespace core = tokenswap::core;
using tokenswap::fuzz::require;

namespace {

std::string encode(const core::params& decoded) {
  std::string body;
  for (const auto& [key, value] : decoded.items()) {
    body += body.empty() ? "" : "&";
    body += core::form_encode(key) + "=" + core::form_encode(value);
  }
  return body;
}

bool same(const core::result<core::params>& a, const core::result<core::params>& b) {
  if (a.has_value() != b.has_value()) {
    return false;
  }
  return a ? a->items() == b->items() : a.error().status == b.error().status;
}

void check_lookups(const core::params& decoded) {
  for (const auto& [key, value] : decoded.items()) {
    auto found = decoded.optional(key);
    bool usable = decoded.count(key) == 1 && !value.empty();
    require(found.has_value() == usable, "a parameter is usable iff it is single and non-empty");
    require(!usable || (*found && **found == value), "optional() returns the value itself");
    require(decoded.required(key).has_value() == usable, "required() agrees with optional()");
  }
}

void check_body(std::string_view body) {
  auto decoded = core::decode_form(body);
  require(same(decoded, core::decode_body("", body)), "no Content-Type means a form");
  require(
      same(decoded, core::decode_body(" Application/X-WWW-Form-URLEncoded ; charset=UTF-8", body)),
      "the form media type is matched without case, parameters or spaces");
  require(core::decode_body("text/plain", body).error().status == 415, "other types get 415");
  if (!decoded) {
    require(decoded.error().status == 400 && decoded.error().error == "invalid_request",
            "a malformed form is a 400 invalid_request");
    return;
  }
  auto again = core::decode_form(encode(*decoded));
  require(again && again->items() == decoded->items(),
          "re-encoded parameters decode to themselves");
  check_lookups(*decoded);
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; });
}

bool is_form_safe(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '%';
}

void check_encoding(std::string_view text) {
  auto encoded = core::form_encode(text);
  require(std::all_of(encoded.begin(), encoded.end(), is_form_safe),
          "form_encode leaves only unreserved characters and escapes");
  auto decoded = core::decode_form("v=" + encoded);
  require(decoded || !is_ascii(text), "any ASCII text survives encoding");
  require(!decoded || decoded->items().size() == 1, "an encoded value stays one parameter");
  require(!decoded || decoded->items()[0].second == text, "an encoded value decodes to itself");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = tokenswap::fuzz::as_text(data, size);
  check_body(input);
  check_encoding(input);
  return 0;
}
