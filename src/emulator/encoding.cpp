#include "emulator/encoding.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>
#include <vector>

namespace tokenswap::emulator {
namespace {

const unsigned char* as_bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

} // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), as_bytes(bytes),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  while (!out.empty() && out.back() == '=') {
    out.pop_back();
  }
  for (char& c : out) {
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), as_bytes(text),
                                static_cast<int>(text.size()));
  if (written < 0) {
    return std::nullopt;
  }
  // EVP_DecodeBlock counts the padding as decoded zero bytes.
  auto padding = static_cast<std::size_t>(text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0);
  out.resize(static_cast<std::size_t>(written) - padding);
  return out;
}

std::string random_token(std::string_view prefix, std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("the system random generator failed");
  }
  std::string_view view(reinterpret_cast<const char*>(random.data()), random.size());
  return std::string(prefix) + base64url_encode(view);
}

std::string sha256_base64url(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(as_bytes(text), text.size(), digest);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

} // namespace tokenswap::emulator
