#include "client/transport.hpp"

#include "core/params.hpp"
#include "web/asio.hpp"
#include "web/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

namespace tokenswap::client {
namespace {

// The library's calls are synchronous: each runs on an event loop of its own.
template <typename T> T run_sync(net::awaitable<T> task) {
  net::io_context context;
  auto done = net::co_spawn(context, std::move(task), net::use_future);
  context.run();
  return done.get();
}

error network_error(web::client_error failure, std::string_view peer) {
  auto kind = failure == web::client_error::bad_response || failure == web::client_error::too_large
                  ? error_kind::server_error
                  : error_kind::server_unreachable;
  return {kind, std::string(peer) + ": " + std::string(web::describe(failure))};
}

class http_transport final : public transport {
public:
  http_transport(std::chrono::seconds timeout, std::string ca_file) {
    options_.timeout = timeout;
    options_.ca_file = std::move(ca_file);
  }

  result<token_grant> exchange(const exchange_request& request) override {
    auto body = "code=" + core::form_encode(request.code) +
                "&redirect_uri=" + core::form_encode(request.redirect_uri) +
                "&code_verifier=" + core::form_encode(request.code_verifier);
    return post_token(token_call::exchange, request.url, std::move(body));
  }

  result<token_grant> refresh(std::string_view url, std::string_view refresh_token) override {
    return post_token(token_call::refresh, url,
                      "refresh_token=" + core::form_encode(refresh_token));
  }

  result<api_response> call_api(std::string_view method, std::string_view url,
                                std::string_view access_token,
                                const std::optional<std::string>& body) override;

private:
  result<token_grant> post_token(token_call call, std::string_view url, std::string body);

  web::fetch_options options_;
};

result<token_grant> http_transport::post_token(token_call call, std::string_view url,
                                               std::string body) {
  web::request req{http::verb::post, "/", 11};
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  req.set(http::field::accept, "application/json");
  req.body() = std::move(body);
  auto answer = run_sync(web::fetch(url, std::move(req), options_));
  if (!answer) {
    return network_error(answer.error(), "the token-swap server");
  }
  return read_token_answer(call, answer->result_int(), answer->body());
}

result<api_response> http_transport::call_api(std::string_view method, std::string_view url,
                                              std::string_view access_token,
                                              const std::optional<std::string>& body) {
  auto verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    return error{error_kind::invalid_config, "unknown HTTP method " + std::string(method)};
  }
  web::request req{verb, "/", 11};
  req.set(http::field::authorization, "Bearer " + std::string(access_token));
  req.set(http::field::accept, "application/json");
  if (body) {
    req.set(http::field::content_type, "application/json");
    req.body() = *body;
  }
  auto answer = run_sync(web::fetch(url, std::move(req), options_));
  if (!answer) {
    return network_error(answer.error(), "the Web API");
  }
  return api_response{answer->result_int(), std::string((*answer)[http::field::content_type]),
                      std::move(answer->body())};
}

} // namespace

std::shared_ptr<transport> make_http_transport(std::chrono::seconds timeout, std::string ca_file) {
  return std::make_shared<http_transport>(timeout, std::move(ca_file));
}

} // namespace tokenswap::client
