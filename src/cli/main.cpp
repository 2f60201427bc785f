#include "cli/commands.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace {

struct command {
  std::string_view name;
  std::string_view summary;
  int (*run)(tokenswap::cli::arguments);
};

constexpr command commands[] = {
    {"demo", "show the whole login flow in a browser, with no Spotify account",
     tokenswap::cli::run_demo},
    {"serve", "run the token-swap server", tokenswap::cli::run_serve},
    {"keygen", "print a fresh random ENCRYPTION_SECRET", tokenswap::cli::run_keygen},
    {"emulator", "run an emulator of Spotify's accounts service and Web API",
     tokenswap::cli::run_emulator},
    {"login", "log in to Spotify through the browser and store the session",
     tokenswap::cli::run_login},
    {"token", "print a valid access token, refreshing it as needed", tokenswap::cli::run_token},
    {"api", "call the Spotify Web API with the stored session", tokenswap::cli::run_api},
    {"logout", "remove the stored session", tokenswap::cli::run_logout},
};

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: tokenswap <command> [options]\n\ncommands:\n");
  for (const auto& c : commands) {
    std::fprintf(out, "  %-10.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  }
  std::fprintf(out, "\n'tokenswap <command> --help' explains each command's options.\n");
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::printf("tokenswap %s\n", TOKENSWAP_VERSION);
    return 0;
  }
  for (const auto& c : commands) {
    if (c.name == args[0]) {
      return c.run(tokenswap::cli::arguments(args).subspan(1));
    }
  }
  std::fprintf(stderr, "tokenswap: unknown command '%s'\n\n", std::string(args[0]).c_str());
  print_usage(stderr);
  return 2;
}
