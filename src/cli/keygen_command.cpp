#include "cli/commands.hpp"

#include "core/sealer.hpp"

#include <cstdio>
#include <exception>
#include <string>

namespace tokenswap::cli {
namespace {

constexpr const char* keygen_help =
    "usage: tokenswap keygen\n"
    "\n"
    "Prints a fresh random secret (32 bytes from OpenSSL's generator, URL-safe base64) for\n"
    "ENCRYPTION_SECRET. tokenswap derives the key that seals refresh tokens from it.\n"
    "\n"
    "To rotate without logging anyone out: move the current value to ENCRYPTION_SECRET_PREVIOUS,\n"
    "set the new one as ENCRYPTION_SECRET, and restart. Tokens sealed with the old secret keep\n"
    "opening; new tokens are sealed with the new one.\n";

} // namespace

int run_keygen(arguments args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(keygen_help, stdout);
    return 0;
  }
  if (!args.empty()) {
    std::fprintf(stderr, "tokenswap keygen: unexpected argument '%s'\n\n%s",
                 std::string(args[0]).c_str(), keygen_help);
    return 2;
  }
  try {
    std::printf("%s\n", core::generate_secret().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tokenswap keygen: %s\n", e.what());
    return 1;
  }
  return 0;
}

} // namespace tokenswap::cli
