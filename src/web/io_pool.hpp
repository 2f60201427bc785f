#pragma once

#include "web/asio.hpp"

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace tokenswap::web {

// One io_context per thread. A connection lives on exactly one context for its whole life, so
// nothing inside a session needs a strand or a lock.
class io_pool {
public:
  explicit io_pool(std::size_t threads);
  ~io_pool();

  io_pool(const io_pool&) = delete;
  io_pool& operator=(const io_pool&) = delete;

  std::size_t size() const { return contexts_.size(); }
  net::io_context& at(std::size_t index) { return *contexts_[index]; }
  // Round robin, for spreading accepted connections.
  net::io_context& next();
  // The index of the context that runs the given executor, or size() when it is none of ours.
  std::size_t index_of(const net::any_io_executor& executor) const;

  // Runs every context, one per thread, the calling thread taking the first; returns when all
  // have stopped.
  void run();
  void stop();

private:
  struct context;
  // An io_context whose services can be shut down before any context of the pool is destroyed.
  class pool_context : public net::io_context {
  public:
    using net::io_context::io_context;
    void shut_down() { shutdown(); }
  };
  std::vector<std::unique_ptr<pool_context>> contexts_;
  std::vector<std::unique_ptr<context>> guards_;
  std::atomic<std::size_t> next_{0};
};

// The number of threads to use when none is configured: one per core, at least one.
std::size_t default_thread_count();

} // namespace tokenswap::web
