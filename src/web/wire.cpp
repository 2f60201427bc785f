#include "web/wire.hpp"

namespace tokenswap::web {
namespace {

void append_version(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

template <bool is_request>
std::string with_fields_and_body(std::string out,
                                 const http::message<is_request, http::string_body>& message) {
  for (const auto& field : message) {
    out.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  }
  out += "\r\n";
  out += message.body();
  return out;
}

} // namespace

std::string wire_bytes(const request& req) {
  std::string out;
  out.reserve(256 + req.body().size());
  out.append(req.method_string()).append(" ").append(req.target()).append(" ");
  append_version(out, req.version());
  out += "\r\n";
  return with_fields_and_body(std::move(out), req);
}

std::string wire_bytes(const response& res) {
  std::string out;
  out.reserve(256 + res.body().size());
  append_version(out, res.version());
  out += ' ';
  out += std::to_string(res.result_int());
  out += ' ';
  out.append(res.reason()).append("\r\n");
  return with_fields_and_body(std::move(out), res);
}

} // namespace tokenswap::web
