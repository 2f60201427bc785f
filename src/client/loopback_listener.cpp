#include "client/loopback_listener.hpp"

#include "web/asio.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <optional>

namespace tokenswap::client {
namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
// A browser's speculative connection may never send a request; it must not hold the login.
constexpr std::chrono::seconds connection_timeout{10};

// Fixed texts only: nothing from the redirect is echoed into the page.
std::string page_body(const result<std::string>& outcome) {
  std::string title = outcome ? "Logged in" : "Login failed";
  std::string text = outcome ? "You can close this window and return to the application."
                             : "The login did not complete (" +
                                   std::string(to_string(outcome.error().kind)) +
                                   "). You can close this window; the application explains more.";
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title +
         "</title></head><body style=\"font-family:sans-serif;margin:3em\"><h1>" + title +
         "</h1><p>" + text + "</p></body></html>\n";
}

web::response make_page(unsigned status, std::string body) {
  web::response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "text/html; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(false);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

} // namespace

struct loopback_listener::impl {
  net::io_context context;
  tcp::acceptor acceptor{context};
  net::steady_timer timer{context};
  loopback_redirect redirect;
  unsigned short port = 0;
  std::string state;
  std::optional<result<std::string>> outcome;

  void finish(result<std::string> value) {
    if (outcome) {
      return;
    }
    outcome = std::move(value);
    beast::error_code ignored;
    acceptor.close(ignored);
    timer.cancel();
  }

  net::awaitable<void> accept_loop();
  net::awaitable<void> serve(tcp::socket socket);
  net::awaitable<void> expire();
};

net::awaitable<void> loopback_listener::impl::accept_loop() {
  while (!outcome) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec) {
      co_return;
    }
    net::co_spawn(context, serve(std::move(socket)), net::detached);
  }
}

net::awaitable<void> loopback_listener::impl::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  web::request req;
  stream.expires_after(connection_timeout);
  auto [read_ec, read_bytes] = co_await http::async_read(stream, buffer, req, use_tuple);
  if (read_ec) {
    co_return;
  }

  if (outcome || !is_callback_target(req.target(), redirect)) {
    auto res = make_page(404, "<!doctype html><title>Not found</title>\n");
    co_await http::async_write(stream, res, use_tuple);
    co_return;
  }
  auto code = read_callback(req.target(), state);
  auto res = make_page(code ? 200 : 400, page_body(code));
  finish(std::move(code));
  co_await http::async_write(stream, res, use_tuple);
  context.stop();
}

net::awaitable<void> loopback_listener::impl::expire() {
  auto [ec] = co_await timer.async_wait(use_tuple);
  if (!ec) {
    finish(error{error_kind::timeout, "the login was not completed in time"});
    context.stop();
  }
}

loopback_listener::loopback_listener(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
loopback_listener::~loopback_listener() = default;

result<std::unique_ptr<loopback_listener>>
loopback_listener::open(const loopback_redirect& redirect) {
  auto state = std::make_unique<impl>();
  state->redirect = redirect;
  beast::error_code ec;
  auto address = net::ip::make_address(redirect.host, ec);
  tcp::endpoint endpoint(address, redirect.port);
  state->acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    state->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    state->acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    state->acceptor.listen(net::socket_base::max_listen_connections, ec);
  }
  if (!ec) {
    state->port = state->acceptor.local_endpoint(ec).port();
  }
  if (ec) {
    return error{error_kind::invalid_config, "cannot listen for the login redirect on " +
                                                 redirect.uri(redirect.port) + ": " + ec.message()};
  }
  return std::unique_ptr<loopback_listener>(new loopback_listener(std::move(state)));
}

unsigned short loopback_listener::port() const { return impl_->port; }

result<std::string> loopback_listener::wait_for_code(std::string_view state,
                                                     std::chrono::milliseconds timeout) {
  impl_->state = std::string(state);
  impl_->timer.expires_after(timeout);
  net::co_spawn(impl_->context, impl_->accept_loop(), net::detached);
  net::co_spawn(impl_->context, impl_->expire(), net::detached);
  impl_->context.run();
  if (!impl_->outcome) {
    return error{error_kind::cancelled, "the login was stopped"};
  }
  return *impl_->outcome;
}

void loopback_listener::cancel() {
  net::post(impl_->context, [state = impl_.get()] {
    state->finish(error{error_kind::cancelled, "the login was stopped"});
    state->context.stop();
  });
}

} // namespace tokenswap::client
