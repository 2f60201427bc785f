// JSON request bodies (decode_json, decode_body): decoded parameters written back as a JSON object
// of strings decode to themselves, and hold only text a form body could carry too (UTF-8).
#include "core/params.hpp"

#include "property.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace core = tokenswap::core;
using tokenswap::fuzz::require;

namespace {

std::string quoted(const std::string& text) {
  return boost::json::serialize(boost::json::string(text));
}

// Written by hand rather than through json::object so that repeated keys stay repeated.
std::string as_json(const core::params& decoded) {
  std::string body = "{";
  for (const auto& [key, value] : decoded.items()) {
    body += body.size() == 1 ? "" : ",";
    body += quoted(key) + ":" + quoted(value);
  }
  return body + "}";
}

// The form decoder refuses text that is not UTF-8, so it serves as the check here.
bool is_form_text(const std::string& text) {
  auto decoded = core::decode_form("v=" + core::form_encode(text));
  return decoded && decoded->items().size() == 1 && decoded->items()[0].second == text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = tokenswap::fuzz::as_text(data, size);
  auto decoded = core::decode_json(body);
  auto chosen = core::decode_body("application/json; charset=utf-8", body);
  require(decoded.has_value() == chosen.has_value(), "decode_body picks JSON by media type");
  if (!decoded) {
    require(decoded.error().status == 400 && decoded.error().error == "invalid_request",
            "a malformed JSON body is a 400 invalid_request");
    return 0;
  }
  require(chosen->items() == decoded->items(), "decode_body decodes JSON like decode_json");

  for (const auto& [key, value] : decoded->items()) {
    require(is_form_text(key) && is_form_text(value), "JSON parameters are UTF-8 text");
  }
  auto again = core::decode_json(as_json(*decoded));
  require(again && again->items() == decoded->items(),
          "re-written parameters decode to themselves");
  return 0;
}
