#include "emulator/faults.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace tokenswap::emulator {
namespace {

namespace json = boost::json;

constexpr std::array<std::pair<std::string_view, fault_kind>, 7> kind_names{{
    {"status", fault_kind::status},
    {"close", fault_kind::close},
    {"reset", fault_kind::reset},
    {"malformed_json", fault_kind::malformed_json},
    {"huge_body", fault_kind::huge_body},
    {"delay", fault_kind::delay},
    {"html", fault_kind::html},
}};

constexpr std::array<std::pair<std::string_view, fault_target>, 3> target_names{{
    {"token", fault_target::token},
    {"web_api", fault_target::web_api},
    {"any", fault_target::any},
}};

template <typename Value, std::size_t N>
std::optional<Value> named(const std::array<std::pair<std::string_view, Value>, N>& names,
                           std::string_view name) {
  for (const auto& [each, value] : names) {
    if (each == name) {
      return value;
    }
  }
  return std::nullopt;
}

// A non-negative integer member, or `fallback` when absent; nullopt when present but not one.
std::optional<std::uint64_t> count_member(const json::object& object, std::string_view key,
                                          std::uint64_t fallback) {
  const auto* found = object.if_contains(key);
  if (!found) {
    return fallback;
  }
  if (found->is_uint64()) {
    return found->as_uint64();
  }
  if (found->is_int64() && found->as_int64() >= 0) {
    return static_cast<std::uint64_t>(found->as_int64());
  }
  return std::nullopt;
}

// The numeric members, each optional; false when one is present but out of range.
bool read_numbers(const json::object& object, fault& out) {
  auto status = count_member(object, "status", out.status);
  auto times = count_member(object, "times", out.times);
  auto retry_after = count_member(object, "retry_after", 0);
  auto delay = count_member(object, "delay_ms", 0);
  auto body_bytes = count_member(object, "body_bytes", out.body_bytes);
  if (!status || *status < 100 || *status > 599 || !times || *times > 1'000'000 || !retry_after ||
      !delay || !body_bytes || *body_bytes > 256u * 1024 * 1024) {
    return false;
  }
  out.status = static_cast<unsigned>(*status);
  out.times = static_cast<unsigned>(*times);
  out.retry_after = std::chrono::seconds(*retry_after);
  out.delay = std::chrono::milliseconds(*delay);
  out.body_bytes = static_cast<std::size_t>(*body_bytes);
  return true;
}

} // namespace

void fault_plan::add(fault planned) {
  if (planned.times > 0) {
    planned_.push_back(planned);
  }
}

std::optional<fault> fault_plan::next(fault_target where) {
  auto found = std::find_if(planned_.begin(), planned_.end(), [&](const fault& each) {
    return each.target == fault_target::any || where == fault_target::any || each.target == where;
  });
  if (found == planned_.end()) {
    return std::nullopt;
  }
  auto taken = *found;
  if (--found->times == 0) {
    planned_.erase(found);
  }
  return taken;
}

core::result<fault> parse_fault(std::string_view text) {
  boost::system::error_code ec;
  auto parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) {
    return core::invalid_request("a fault is a JSON object");
  }
  const auto& object = parsed.as_object();
  fault out;
  const auto* kind = object.if_contains("kind");
  auto kind_value = kind && kind->is_string() ? named(kind_names, kind->as_string()) : std::nullopt;
  if (!kind_value) {
    return core::invalid_request(
        "kind must be status, close, reset, malformed_json, huge_body, delay or html");
  }
  out.kind = *kind_value;
  if (const auto* target = object.if_contains("target")) {
    auto value = target->is_string() ? named(target_names, target->as_string()) : std::nullopt;
    if (!value) {
      return core::invalid_request("target must be token, web_api or any");
    }
    out.target = *value;
  }
  if (!read_numbers(object, out)) {
    return core::invalid_request("status (100-599), times, retry_after, delay_ms and body_bytes "
                                 "must be non-negative integers in range");
  }
  return out;
}

} // namespace tokenswap::emulator
