// Test controls: the misbehaviour the emulator can be told to show on its next calls, so that
// clients can be tested against a failing Spotify.
#pragma once

#include "core/result.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <string_view>

namespace tokenswap::emulator {

enum class fault_kind {
  status,         // answer `status` (500, 503, 429 ...) with a JSON error, Retry-After if set
  close,          // close the connection without answering (the request is not processed)
  reset,          // process the request, then reset the connection half-way through the answer
  malformed_json, // answer 200 with a truncated JSON body
  huge_body,      // answer 200 with a JSON body of `body_bytes` bytes
  delay,          // wait `delay`, then answer normally
  html,           // answer `status` with an HTML page, as a proxy in front of the service might
};

// Which requests a fault applies to.
enum class fault_target { token, web_api, any };

struct fault {
  fault_kind kind = fault_kind::status;
  unsigned status = 500;
  // Sent as Retry-After when non-zero.
  std::chrono::seconds retry_after{0};
  // Waited before the fault acts (for every kind, not only `delay`).
  std::chrono::milliseconds delay{0};
  std::size_t body_bytes = 8 * 1024 * 1024;
  // How many matching calls it applies to.
  unsigned times = 1;
  fault_target target = fault_target::token;
};

// Faults wait in order; each call takes the first one aimed at it.
class fault_plan {
public:
  void add(fault planned);
  void clear() { planned_.clear(); }
  std::optional<fault> next(fault_target where);
  std::size_t size() const { return planned_.size(); }

private:
  std::deque<fault> planned_;
};

// A fault from the admin endpoint's JSON, e.g. {"kind":"status","status":503,"times":2,
// "retry_after":5,"delay_ms":100,"body_bytes":1000000,"target":"token"}.
core::result<fault> parse_fault(std::string_view json);

} // namespace tokenswap::emulator
