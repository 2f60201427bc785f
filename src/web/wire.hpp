#pragma once

#include "web/asio.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>

#include <string>
#include <tuple>

namespace tokenswap::web {

// The bytes Beast's serializer sends for a message with a sized body: start line, the fields in
// their order, a blank line, the body. Built in one buffer, a message costs a fraction of the
// instructions Beast's composed serializer spends on it, and goes out in one write.
std::string wire_bytes(const request& req);
std::string wire_bytes(const response& res);

// Writes a message in one buffer; a chunked one goes through Beast's serializer.
template <typename Stream, bool is_request>
net::awaitable<std::tuple<beast::error_code, std::size_t>>
write_message(Stream& stream, const http::message<is_request, http::string_body>& message) {
  constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
  if (message.chunked()) {
    co_return co_await http::async_write(stream, message, use_tuple);
  }
  auto bytes = wire_bytes(message);
  co_return co_await net::async_write(stream, net::buffer(bytes), use_tuple);
}

} // namespace tokenswap::web
