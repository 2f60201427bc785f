#include "test_socket.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>
#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tokenswap::testing {
namespace {

using clock = std::chrono::steady_clock;

sockaddr_in loopback(const char* address, unsigned short port) {
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(port);
  inet_pton(AF_INET, address, &where.sin_addr);
  return where;
}

bool wait_readable(int fd, clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  pollfd p{fd, POLLIN, 0};
  return left.count() > 0 && ::poll(&p, 1, static_cast<int>(left.count())) > 0;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::optional<raw_answer> parse_head(std::string_view head) {
  raw_answer answer;
  auto line_end = head.find("\r\n");
  auto status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) {
    return std::nullopt;
  }
  answer.status = static_cast<unsigned>(std::atoi(std::string(status_line.substr(9, 3)).c_str()));
  while (line_end != std::string_view::npos && line_end + 2 < head.size()) {
    auto start = line_end + 2;
    line_end = head.find("\r\n", start);
    auto line = head.substr(start, line_end - start);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
    answer.headers[lower(std::string(line.substr(0, colon)))] = std::string(value);
  }
  return answer;
}

} // namespace

std::string raw_answer::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

test_socket::test_socket(unsigned short port, const char* source) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) {
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (source) {
    // The port is then chosen at connect time, per destination, so many sockets from one
    // source address do not run out of ports.
    ::setsockopt(fd_, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    auto from = loopback(source, 0);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from);
  }
  auto to = loopback("127.0.0.1", port);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

test_socket::~test_socket() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

test_socket::test_socket(test_socket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), pending_(std::move(other.pending_)) {}

bool test_socket::send(std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<raw_answer> test_socket::read_answer(std::chrono::milliseconds timeout) {
  auto deadline = clock::now() + timeout;
  std::optional<raw_answer> answer;
  std::size_t body_start = 0;
  std::size_t length = 0;
  char chunk[16384];
  while (true) {
    if (!answer) {
      auto end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        answer = parse_head(std::string_view(pending_).substr(0, end));
        if (!answer) {
          return std::nullopt;
        }
        body_start = end + 4;
        length = static_cast<std::size_t>(std::atoll(answer->header("content-length").c_str()));
      }
    }
    if (answer && pending_.size() >= body_start + length) {
      answer->body = pending_.substr(body_start, length);
      pending_.erase(0, body_start + length);
      return answer;
    }
    if (!wait_readable(fd_, deadline)) {
      return std::nullopt;
    }
    auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      return std::nullopt;
    }
    pending_.append(chunk, static_cast<std::size_t>(n));
  }
}

bool test_socket::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = clock::now() + timeout;
  char chunk[4096];
  while (wait_readable(fd_, deadline)) {
    if (::recv(fd_, chunk, sizeof chunk, 0) <= 0) {
      return true;
    }
  }
  return false;
}

std::string form_post(std::string_view target, std::string_view body,
                      std::string_view extra_headers) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n" + std::string(extra_headers) +
         "\r\n" + std::string(body);
}

std::size_t raise_descriptor_limit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  return static_cast<std::size_t>(limit.rlim_cur);
}

} // namespace tokenswap::testing
