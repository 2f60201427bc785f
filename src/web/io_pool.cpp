#include "web/io_pool.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <thread>

namespace tokenswap::web {

struct io_pool::context {
  net::executor_work_guard<net::io_context::executor_type> guard;
};

io_pool::io_pool(std::size_t threads) {
  if (threads == 0) {
    threads = 1;
  }
  for (std::size_t i = 0; i < threads; ++i) {
    contexts_.push_back(std::make_unique<pool_context>(1));
    guards_.push_back(
        std::make_unique<context>(context{net::make_work_guard(contexts_.back()->get_executor())}));
  }
}

// Every context shuts down before any is destroyed: an accept still pending on the first context
// holds a socket of another context, and abandoning it needs that context's services alive. Then
// contexts go last to first: a session left suspended on a later context may hold the last
// reference to a server whose listener lives on the first, which must still exist then.
io_pool::~io_pool() {
  guards_.clear();
  for (auto& each : contexts_) {
    each->shut_down();
  }
  while (!contexts_.empty()) {
    contexts_.pop_back();
  }
}

net::io_context& io_pool::next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

std::size_t io_pool::index_of(const net::any_io_executor& executor) const {
  for (std::size_t i = 0; i < contexts_.size(); ++i) {
    if (&net::query(executor, net::execution::context) == contexts_[i].get()) {
      return i;
    }
  }
  return contexts_.size();
}

void io_pool::run() {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([this, i] { contexts_[i]->run(); });
  }
  contexts_[0]->run();
  for (auto& thread : threads) {
    thread.join();
  }
}

void io_pool::stop() {
  for (auto& guard : guards_) {
    guard->guard.reset();
  }
  for (auto& each : contexts_) {
    each->stop();
  }
}

std::size_t default_thread_count() {
  auto cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

} // namespace tokenswap::web
