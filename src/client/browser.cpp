#include "client/browser.hpp"

#include <cstdio>
#include <cstdlib>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace tokenswap::client {
namespace {

bool has_display() {
  auto set = [](const char* name) {
    const char* value = std::getenv(name);
    return value && *value;
  };
  return set("DISPLAY") || set("WAYLAND_DISPLAY");
}

// Starts xdg-open with its output silenced; a thread reaps it so no zombie is left behind.
bool spawn_opener(const std::string& url) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string program = "xdg-open";
  char* argv[] = {program.data(), const_cast<char*>(url.c_str()), nullptr};
  pid_t child = 0;
  int failed = posix_spawnp(&child, "xdg-open", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) {
    return false;
  }
  std::thread([child] { ::waitpid(child, nullptr, 0); }).detach();
  return true;
}

} // namespace

void open_in_browser(const std::string& url) {
  if (has_display() && spawn_opener(url)) {
    std::fprintf(stderr,
                 "Opening the login page in your browser. If it does not open, visit:\n"
                 "  %s\n",
                 url.c_str());
    return;
  }
  std::fprintf(stderr, "Open this URL in a browser to log in:\n  %s\n", url.c_str());
}

} // namespace tokenswap::client
