#pragma once

#include <span>
#include <string_view>

namespace tokenswap::cli {

using arguments = std::span<const std::string_view>;

// Each command gets the arguments after its name and returns the process exit code.
int run_serve(arguments args);
int run_emulator(arguments args);
int run_keygen(arguments args);
int run_demo(arguments args);
int run_login(arguments args);
int run_token(arguments args);
int run_api(arguments args);
int run_logout(arguments args);

} // namespace tokenswap::cli
