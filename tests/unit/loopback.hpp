// Servers on 127.0.0.1 (port 0) for client tests: a well-behaved one built on web::http_server,
// a scripted raw TCP peer for misbehaviour, and a TLS peer.
#pragma once

#include "test_certificates.hpp"
#include "web/http_server.hpp"
#include "web/io_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

namespace tokenswap::testing {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// An io_pool running on its own threads until stop() or destruction.
class background_pool {
public:
  explicit background_pool(std::size_t threads = 1) : pool_(threads) {
    runner_ = std::thread([this] { pool_.run(); });
  }
  ~background_pool() { stop(); }
  background_pool(const background_pool&) = delete;
  background_pool& operator=(const background_pool&) = delete;

  web::io_pool& pool() { return pool_; }
  net::io_context& context() { return pool_.at(0); }
  void stop() {
    if (runner_.joinable()) {
      pool_.stop();
      runner_.join();
    }
  }

private:
  web::io_pool pool_;
  std::thread runner_;
};

// Runs a coroutine on the context and waits for its result.
template <typename T> T run_sync(net::io_context& context, net::awaitable<T> work) {
  return net::co_spawn(context, std::move(work), net::use_future).get();
}

inline net::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  net::steady_timer timer(co_await net::this_coro::executor, duration);
  co_await timer.async_wait(use_tuple);
}

inline std::string json_response(const std::string& body, bool keep_alive = true) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + (keep_alive ? "" : "Connection: close\r\n") +
         "\r\n" + body;
}

// A raw TCP server: each accepted connection runs the script, given the connection's index.
class scripted_peer {
public:
  using script = std::function<net::awaitable<void>(tcp::socket, std::size_t index)>;

  explicit scripted_peer(script run)
      : acceptor_(context_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
        script_(std::move(run)) {
    net::co_spawn(context_, accept_loop(), net::detached);
    runner_ = std::thread([this] { context_.run(); });
  }
  ~scripted_peer() {
    context_.stop();
    runner_.join();
  }
  scripted_peer(const scripted_peer&) = delete;
  scripted_peer& operator=(const scripted_peer&) = delete;

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::size_t connections() const { return accepted_.load(); }

  // Scripts count the requests they read here.
  std::atomic<std::size_t> requests{0};

  // Reads one whole request; false when the connection ended first.
  net::awaitable<bool> read_request(tcp::socket& socket, beast::flat_buffer& buffer) {
    web::request req;
    auto [ec, n] = co_await http::async_read(socket, buffer, req, use_tuple);
    if (!ec) {
      ++requests;
    }
    co_return !ec;
  }

  static net::awaitable<void> write(tcp::socket& socket, std::string text) {
    co_await net::async_write(socket, net::buffer(text), use_tuple);
  }

  // Closes with a TCP reset instead of a FIN.
  static void reset(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.set_option(net::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
  }

private:
  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
      if (ec) {
        co_return;
      }
      auto index = accepted_++;
      net::co_spawn(context_, script_(std::move(socket), index), net::detached);
    }
  }

  net::io_context context_;
  tcp::acceptor acceptor_;
  script script_;
  std::atomic<std::size_t> accepted_{0};
  std::thread runner_;
};

// A web::http_server that counts the requests and distinct connections it serves.
class counting_server {
public:
  using responder = std::function<web::response(const web::request&)>;

  explicit counting_server(responder respond = ok, web::server_limits limits = {})
      : respond_(std::move(respond)),
        server_(threads_.pool(), limits,
                [this](web::request req, web::request_info info) -> net::awaitable<web::response> {
                  co_return record(req, info);
                }) {
    if (server_.listen("127.0.0.1", 0)) {
      throw std::runtime_error("test server cannot listen");
    }
    server_.start();
  }
  ~counting_server() {
    server_.stop();
    threads_.stop();
  }

  static web::response ok(const web::request& req) {
    web::response res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"access_token":"A","token_type":"Bearer","expires_in":3600})";
    return res;
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  std::size_t requests() const { return requests_.load(); }
  std::size_t connections() const {
    std::lock_guard lock(mutex_);
    return peers_.size();
  }
  web::request last_request() const {
    std::lock_guard lock(mutex_);
    return last_;
  }

private:
  web::response record(const web::request& req, const web::request_info& info) {
    ++requests_;
    {
      std::lock_guard lock(mutex_);
      peers_.insert(info.peer.port());
      last_ = req;
    }
    return respond_(req);
  }

  background_pool threads_;
  responder respond_;
  web::http_server server_;
  mutable std::mutex mutex_;
  std::set<unsigned short> peers_;
  web::request last_;
  std::atomic<std::size_t> requests_{0};
};

// A TLS server with the given certificate that answers every request 200 with a small JSON body,
// keeping connections alive, and counts handshakes, resumed sessions and requests.
class tls_peer {
public:
  explicit tls_peer(const test_pki& pki)
      : tls_(net::ssl::context::tls_server),
        tcp_([this](tcp::socket socket, std::size_t) { return serve(std::move(socket)); }) {
    tls_.use_certificate_chain(net::buffer(pki.server_certificate_pem));
    tls_.use_private_key(net::buffer(pki.server_key_pem), net::ssl::context::pem);
  }

  std::string url(const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(tcp_.port());
  }

  std::atomic<std::size_t> handshakes{0};
  std::atomic<std::size_t> failed_handshakes{0};
  std::atomic<std::size_t> resumed{0};
  std::atomic<std::size_t> requests{0};

private:
  net::awaitable<void> serve(tcp::socket socket) {
    net::ssl::stream<tcp::socket> stream(std::move(socket), tls_);
    auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
    if (ec) {
      ++failed_handshakes;
      co_return;
    }
    ++handshakes;
    resumed += SSL_session_reused(stream.native_handle()) == 1 ? 1 : 0;
    beast::flat_buffer buffer;
    for (;;) {
      web::request req;
      auto [read_ec, n] = co_await http::async_read(stream, buffer, req, use_tuple);
      if (read_ec) {
        co_return;
      }
      ++requests;
      auto res = counting_server::ok(req);
      res.prepare_payload();
      co_await http::async_write(stream, res, use_tuple);
    }
  }

  net::ssl::context tls_;
  // Declared last: its thread stops before the context it uses goes.
  scripted_peer tcp_;
};

} // namespace tokenswap::testing
