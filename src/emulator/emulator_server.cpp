#include "emulator/emulator_server.hpp"

#include "web/io_pool.hpp"

#include <system_error>
#include <thread>

namespace tokenswap::emulator {

struct emulator_server::running {
  running(emulator_settings settings, clock_function clock, std::size_t threads)
      : emulator(std::move(settings), std::move(clock)), pool(threads),
        server(pool, {}, emulator.handler()) {}

  accounts_emulator emulator;
  web::io_pool pool;
  web::http_server server;
  std::string host;
  std::thread thread;
};

emulator_server::emulator_server(emulator_settings settings, std::string host, unsigned short port,
                                 std::size_t threads, clock_function clock)
    : running_(std::make_unique<running>(std::move(settings), std::move(clock), threads)) {
  if (auto ec = running_->server.listen(host, port)) {
    throw std::system_error(ec, "emulator cannot listen on " + host);
  }
  running_->host = host.find(':') == std::string::npos ? host : "[" + host + "]";
  running_->server.start();
  running_->thread = std::thread([this] { running_->pool.run(); });
}

emulator_server::~emulator_server() {
  running_->server.stop();
  running_->pool.stop();
  running_->thread.join();
}

accounts_emulator& emulator_server::emulator() { return running_->emulator; }

unsigned short emulator_server::port() const { return running_->server.port(); }

std::string emulator_server::base_url() const {
  return "http://" + running_->host + ":" + std::to_string(port());
}

} // namespace tokenswap::emulator
