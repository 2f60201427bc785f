#include "test_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cctype>

namespace tokenswap::testing {

std::string reply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

reply send_request(unsigned short port, http::verb method, const std::string& target,
                   const std::string& body, const std::string& content_type,
                   const std::map<std::string, std::string>& extra_headers) {
  net::io_context context;
  tcp::socket socket(context);
  socket.connect({net::ip::make_address("127.0.0.1"), port});

  web::request req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!content_type.empty()) {
    req.set(http::field::content_type, content_type);
  }
  for (const auto& [name, value] : extra_headers) {
    req.set(name, value);
  }
  req.body() = body;
  req.prepare_payload();
  http::write(socket, req);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  http::read(socket, buffer, parser);
  auto res = parser.release();

  reply out{res.result_int(), res.body(), {}};
  for (const auto& field : res) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers[name] = std::string(field.value());
  }
  return out;
}

std::string send_raw(unsigned short port, const std::string& bytes, std::size_t max_bytes) {
  net::io_context context;
  tcp::socket socket(context);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(socket, net::buffer(bytes));
  std::string received(max_bytes, '\0');
  beast::error_code ec;
  auto n = net::read(socket, net::buffer(received), ec);
  received.resize(n);
  return received;
}

} // namespace tokenswap::testing
