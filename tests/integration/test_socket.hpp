// A blocking loopback client that sends exact bytes and reads one answer, for tests that must
// control every byte on the wire (slow senders, oversized headers, raw bodies).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tokenswap::testing {

struct raw_answer {
  unsigned status = 0;
  std::map<std::string, std::string> headers; // names in lower case
  std::string body;

  std::string header(const std::string& name) const;
};

class test_socket {
public:
  // Connects to 127.0.0.1:port, from `source` (another loopback address) when given.
  explicit test_socket(unsigned short port, const char* source = nullptr);
  ~test_socket();
  test_socket(test_socket&& other) noexcept;
  test_socket(const test_socket&) = delete;
  test_socket& operator=(const test_socket&) = delete;

  bool is_open() const { return fd_ >= 0; }
  // False when the peer closed or reset the connection.
  bool send(std::string_view bytes);
  // One answer, or nullopt when the connection closed or nothing complete came in time.
  std::optional<raw_answer>
  read_answer(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the peer closes the connection within the timeout (whatever it sent before).
  bool wait_closed(std::chrono::milliseconds timeout);

private:
  int fd_ = -1;
  std::string pending_;
};

// A complete request with a form body.
std::string form_post(std::string_view target, std::string_view body,
                      std::string_view extra_headers = "");

// Raises the soft descriptor limit to the hard one; returns the soft limit now in force.
std::size_t raise_descriptor_limit();

} // namespace tokenswap::testing
