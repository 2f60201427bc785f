#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace tokenswap::core {

enum class log_level { debug, info, warn, error };
enum class log_format { text, json };

// One named value of a log line. Callers pass only what is safe to print: never a code, a token, a
// secret or an Authorization header.
struct log_field {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;

  log_field(std::string_view k, std::string_view v) : key(k), value(v) {}
  log_field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  log_field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  log_field(std::string_view k, bool v) : key(k), value(v) {}
  log_field(std::string_view k, double v) : key(k), value(v) {}
  template <typename Integer>
  requires std::is_integral_v<Integer> log_field(std::string_view k, Integer v)
      : key(k), value(static_cast<std::int64_t>(v)) {}
};

// Writes one line: a timestamp, the level, what happened, then the fields.
void log(log_level level, std::string_view what, std::initializer_list<log_field> fields = {});

// Formats a line without writing it (what log() writes, less the newline).
std::string format_log_line(log_format format, log_level level, std::string_view what,
                            std::initializer_list<log_field> fields);

void set_log_format(log_format format);
void set_log_level(log_level minimum);
// Replaces stderr as the destination; an empty function restores it. Tests use this to capture.
void set_log_sink(std::function<void(std::string_view line)> sink);

} // namespace tokenswap::core
