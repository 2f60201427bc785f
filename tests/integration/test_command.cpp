#include "test_command.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include <sys/wait.h>
#include <unistd.h>

namespace tokenswap::testing {

running_command::running_command(std::vector<std::string> args) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    std::vector<char*> argv{const_cast<char*>(TOKENSWAP_BINARY)};
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    execv(TOKENSWAP_BINARY, argv.data());
    _exit(127);
  }
  close(out[1]);
  output_ = fdopen(out[0], "r");
}

running_command::~running_command() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (output_) {
    std::fclose(output_);
  }
}

std::string running_command::read_line() {
  char line[512] = {};
  return std::fgets(line, sizeof line, output_) ? std::string(line) : std::string();
}

std::string running_command::read_all() {
  std::string text;
  for (auto line = read_line(); !line.empty(); line = read_line()) {
    text += line;
  }
  return text;
}

int running_command::interrupt_and_wait() {
  kill(pid_, SIGINT);
  int status = 0;
  waitpid(pid_, &status, 0);
  exited_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int exit_code_of(std::vector<std::string> args) {
  running_command command(std::move(args));
  command.read_all();
  return command.interrupt_and_wait();
}

} // namespace tokenswap::testing
