#include "core/log.hpp"

#include "core/json_text.hpp"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <unistd.h>

namespace tokenswap::core {
namespace {

std::atomic<log_format> current_format{log_format::text};
std::atomic<log_level> current_level{log_level::info};
std::mutex sink_mutex;
std::function<void(std::string_view)> current_sink;
std::atomic<bool> sink_installed{false};

// One write(2) per line and no lock: the kernel keeps each call's bytes together (on a pipe up to
// PIPE_BUF, 4 KiB, longer than any line the server writes), so threads never wait on each other
// to log. A line cut short by a signal or a full pipe goes on from where it stopped; a line that
// cannot be written at all is dropped rather than stall a request.
void write_line(std::string_view line) {
  while (!line.empty()) {
    auto written = ::write(STDERR_FILENO, line.data(), line.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    line.remove_prefix(static_cast<std::size_t>(written));
  }
}

std::string_view level_name(log_level level) {
  switch (level) {
  case log_level::debug:
    return "debug";
  case log_level::info:
    return "info";
  case log_level::warn:
    return "warn";
  case log_level::error:
    return "error";
  }
  return "info";
}

// "2026-01-02T03:04:05.678Z". The part up to the seconds is formatted once a second per thread.
void append_timestamp(std::string& out) {
  thread_local std::time_t formatted_second = -1;
  thread_local char prefix[64];
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  if (seconds != formatted_second) {
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d.", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
    formatted_second = seconds;
  }
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  out += prefix;
  out += static_cast<char>('0' + millis / 100);
  out += static_cast<char>('0' + millis / 10 % 10);
  out += static_cast<char>('0' + millis % 10);
  out += 'Z';
}

void append_number(std::string& out, std::int64_t value) {
  char text[24];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  out.append(text, end);
}

void append_number(std::string& out, double value) {
  char text[64];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, 3);
  out.append(text, ec == std::errc() ? end : text);
}

// Text values are printed bare unless they hold a space, a quote or an equals sign.
void append_value(std::string& out, log_format format, const log_field& field) {
  std::visit(
      [&](const auto& value) {
        using type = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<type, std::string_view>) {
          bool bare = format == log_format::text && !value.empty() &&
                      value.find_first_of(" \"=\t\n") == std::string_view::npos;
          if (bare) {
            out += value;
          } else {
            append_json_string(out, value);
          }
        } else if constexpr (std::is_same_v<type, bool>) {
          out += value ? "true" : "false";
        } else {
          append_number(out, value);
        }
      },
      field.value);
}

} // namespace

std::string format_log_line(log_format format, log_level level, std::string_view what,
                            std::initializer_list<log_field> fields) {
  std::string line;
  line.reserve(256);
  if (format == log_format::json) {
    line += R"({"time":")";
    append_timestamp(line);
    line += R"(","level":")";
    line += level_name(level);
    line += R"(","msg":)";
    append_json_string(line, what);
    for (const auto& field : fields) {
      line += ',';
      append_json_string(line, field.key);
      line += ':';
      append_value(line, format, field);
    }
    line += '}';
    return line;
  }
  append_timestamp(line);
  line += ' ';
  line += level_name(level);
  line += ' ';
  line += what;
  for (const auto& field : fields) {
    line += ' ';
    line += field.key;
    line += '=';
    append_value(line, format, field);
  }
  return line;
}

void log(log_level level, std::string_view what, std::initializer_list<log_field> fields) {
  if (level < current_level.load(std::memory_order_relaxed)) {
    return;
  }
  auto line = format_log_line(current_format.load(std::memory_order_relaxed), level, what, fields);
  if (sink_installed.load(std::memory_order_acquire)) {
    std::lock_guard lock(sink_mutex);
    if (current_sink) {
      current_sink(line);
      return;
    }
  }
  line += '\n';
  write_line(line);
}

void set_log_format(log_format format) { current_format = format; }

void set_log_level(log_level minimum) { current_level = minimum; }

void set_log_sink(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(sink_mutex);
  sink_installed.store(static_cast<bool>(sink), std::memory_order_release);
  current_sink = std::move(sink);
}

} // namespace tokenswap::core
