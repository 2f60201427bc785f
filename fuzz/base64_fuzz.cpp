// Base64 as tokens carry it: url-safe decoding is strict (one spelling per value, so a decoded
// token re-encodes to the very same text), and both alphabets round-trip any bytes.
#include "core/base64.hpp"

#include "property.hpp"

namespace core = tokenswap::core;
using tokenswap::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = tokenswap::fuzz::as_text(data, size);
  if (auto decoded = core::base64url_decode(input)) {
    require(core::base64url_encode(*decoded) == input, "url-safe base64 has one spelling");
  }
  if (auto decoded = core::base64_decode(input)) {
    require(core::base64_decode(core::base64_encode(*decoded)) == decoded,
            "what standard base64 decodes re-encodes faithfully");
  }
  require(core::base64url_decode(core::base64url_encode(input)) == std::string(input),
          "url-safe base64 round-trips bytes");
  require(core::base64_decode(core::base64_encode(input)) == std::string(input),
          "standard base64 round-trips bytes");
  return 0;
}
