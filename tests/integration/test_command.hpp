// The tokenswap binary run as a child process, as people start it, for tests of its commands.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <sys/types.h>

namespace tokenswap::testing {

// The command running as a child process, its stdout read through a pipe. Killed if still
// running when destroyed.
class running_command {
public:
  explicit running_command(std::vector<std::string> args);
  ~running_command();
  running_command(const running_command&) = delete;
  running_command& operator=(const running_command&) = delete;

  // The next line of its output, empty once it closed its output.
  std::string read_line();
  // Everything it prints until it closes its output.
  std::string read_all();
  // Sends SIGINT (Ctrl-C) and waits; the exit code, or -1 when a signal ended it.
  int interrupt_and_wait();

private:
  pid_t pid_ = -1;
  bool exited_ = false;
  std::FILE* output_ = nullptr;
};

// Runs the command until it closes its output (for flags that make it exit at once), then
// interrupts it if needed; its exit code.
int exit_code_of(std::vector<std::string> args);

} // namespace tokenswap::testing
