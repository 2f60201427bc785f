// An emulator listening on its own threads: what tests and in-process embedders start with one
// line, e.g. `emulator_server spotify({.auto_approve = true});` then `spotify.base_url()`.
#pragma once

#include "emulator/accounts_emulator.hpp"

#include <memory>
#include <string>

namespace tokenswap::emulator {

class emulator_server {
public:
  // Listens on host:port (port 0 picks a free one) and serves on `threads` threads until
  // destroyed. Throws std::system_error when it cannot listen, std::invalid_argument for bad
  // clients.
  explicit emulator_server(emulator_settings settings = {}, std::string host = "127.0.0.1",
                           unsigned short port = 0, std::size_t threads = 1,
                           clock_function clock = {});
  ~emulator_server();
  emulator_server(const emulator_server&) = delete;
  emulator_server& operator=(const emulator_server&) = delete;

  accounts_emulator& emulator();
  unsigned short port() const;
  // http://host:port, without a trailing slash.
  std::string base_url() const;

private:
  struct running;
  std::unique_ptr<running> running_;
};

} // namespace tokenswap::emulator
