#include "core/log.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace tokenswap::core {
namespace {

std::atomic<log_format> current_format{log_format::text};
std::atomic<log_level> current_level{log_level::info};
std::mutex sink_mutex;
std::function<void(std::string_view)> current_sink;

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

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

std::string quoted(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

std::string number(std::int64_t value) { return std::to_string(value); }

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

// Text values are printed bare unless they hold a space, a quote or an equals sign.
std::string text_value(const log_field& field) {
  return std::visit(
      [](const auto& value) -> std::string {
        using type = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<type, std::string_view>) {
          bool bare = !value.empty() && value.find_first_of(" \"=\t\n") == std::string_view::npos;
          return bare ? std::string(value) : quoted(value);
        } else if constexpr (std::is_same_v<type, bool>) {
          return value ? "true" : "false";
        } else {
          return number(value);
        }
      },
      field.value);
}

std::string json_value(const log_field& field) {
  return std::visit(
      [](const auto& value) -> std::string {
        using type = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<type, std::string_view>) {
          return quoted(value);
        } else if constexpr (std::is_same_v<type, bool>) {
          return value ? "true" : "false";
        } else {
          return number(value);
        }
      },
      field.value);
}

} // namespace

std::string format_log_line(log_format format, log_level level, std::string_view what,
                            std::initializer_list<log_field> fields) {
  std::string line;
  if (format == log_format::json) {
    line = "{\"time\":\"" + timestamp() + "\",\"level\":\"" + std::string(level_name(level)) +
           "\",\"msg\":" + quoted(what);
    for (const auto& field : fields) {
      line += "," + quoted(field.key) + ":" + json_value(field);
    }
    return line + "}";
  }
  line = timestamp() + " " + std::string(level_name(level)) + " " + std::string(what);
  for (const auto& field : fields) {
    line += " " + std::string(field.key) + "=" + text_value(field);
  }
  return line;
}

void log(log_level level, std::string_view what, std::initializer_list<log_field> fields) {
  if (level < current_level.load(std::memory_order_relaxed)) {
    return;
  }
  auto line = format_log_line(current_format.load(std::memory_order_relaxed), level, what, fields);
  std::lock_guard lock(sink_mutex);
  if (current_sink) {
    current_sink(line);
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void set_log_format(log_format format) { current_format = format; }

void set_log_level(log_level minimum) { current_level = minimum; }

void set_log_sink(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(sink_mutex);
  current_sink = std::move(sink);
}

} // namespace tokenswap::core
