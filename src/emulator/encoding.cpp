#include "emulator/encoding.hpp"

#include "core/base64.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <vector>

namespace tokenswap::emulator {

std::string random_token(std::string_view prefix, std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("the system random generator failed");
  }
  std::string_view view(reinterpret_cast<const char*>(random.data()), random.size());
  return std::string(prefix) + core::base64url_encode(view);
}

std::optional<std::string_view> credentials_for(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') {
    return std::nullopt;
  }
  auto same = std::equal(scheme.begin(), scheme.end(), header.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  if (!same) {
    return std::nullopt;
  }
  auto rest = header.substr(scheme.size());
  return rest.substr(std::min(rest.find_first_not_of(' '), rest.size()));
}

} // namespace tokenswap::emulator
