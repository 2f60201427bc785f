#include "client/session_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tokenswap::client {
namespace fs = std::filesystem;

namespace {

error storage_error(std::string what, const fs::path& path, int code = errno) {
  return {error_kind::storage_failed,
          std::move(what) + " " + path.string() + ": " + std::strerror(code)};
}

// Creates the folder and any missing parents with mode 0700 (XDG Base Directory specification).
result<void> make_private_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    return {};
  }
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    if (auto parent = make_private_dir(dir.parent_path()); !parent) {
      return parent;
    }
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return storage_error("cannot create", dir);
  }
  return {};
}

result<void> write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    auto written = ::write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written < 0) {
      return storage_error("cannot write", path);
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return {};
}

result<void> sync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    auto code = errno;
    if (fd >= 0) {
      ::close(fd);
    }
    return storage_error("cannot sync", dir, code);
  }
  ::close(fd);
  return {};
}

// Writes a complete copy beside the target and makes it durable before it replaces the target.
result<void> write_temp_file(int fd, const std::string& text, const fs::path& temp) {
  if (auto written = write_all(fd, text, temp); !written) {
    return written;
  }
  if (::fsync(fd) != 0) {
    return storage_error("cannot sync", temp);
  }
  return {};
}

result<std::string> read_file(int fd, const fs::path& path) {
  std::string text;
  char buffer[16 * 1024];
  for (;;) {
    auto got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return storage_error("cannot read", path);
    }
    if (got == 0) {
      return text;
    }
    text.append(buffer, static_cast<std::size_t>(got));
  }
}

std::string temp_prefix(const std::string& profile) { return "." + profile + ".json.tmp."; }

} // namespace

store_lock& store_lock::operator=(store_lock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

store_lock::~store_lock() {
  if (fd_ >= 0) {
    ::close(fd_); // closing the descriptor releases the flock
  }
}

session_store::session_store(fs::path dir, std::string profile)
    : dir_(std::move(dir)), profile_(std::move(profile)), file_(dir_ / (profile_ + ".json")),
      lock_file_(dir_ / (profile_ + ".lock")) {}

result<std::optional<session>> session_store::load() const {
  int fd = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    return std::optional<session>();
  }
  if (fd < 0) {
    return storage_error("cannot open", file_);
  }
  auto text = read_file(fd, file_);
  ::close(fd);
  if (!text) {
    return text.error();
  }
  auto parsed = session_from_json(*text);
  if (!parsed) {
    return parsed.error();
  }
  return std::optional<session>(std::move(*parsed));
}

result<store_lock> session_store::lock(std::chrono::milliseconds wait) const {
  if (auto made = make_private_dir(dir_); !made) {
    return made.error();
  }
  int fd = ::open(lock_file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return storage_error("cannot open", lock_file_);
  }
  store_lock held(fd);
  // Polled rather than blocking so that a process stuck while holding the lock cannot hang us.
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return storage_error("cannot lock", lock_file_);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return error{error_kind::storage_failed,
                   "another process has held the lock on " + file_.string() + " for too long"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  remove_leftovers();
  return held;
}

result<void> session_store::save(const session& s, const store_lock&) const {
  if (auto made = make_private_dir(dir_); !made) {
    return made;
  }
  auto pattern = (dir_ / (temp_prefix(profile_) + "XXXXXX")).string();
  int fd = ::mkstemp(pattern.data()); // mode 0600
  if (fd < 0) {
    return storage_error("cannot create a file in", dir_);
  }
  fs::path temp(pattern);
  auto written = write_temp_file(fd, to_json(s), temp);
  ::close(fd);
  if (written && ::rename(temp.c_str(), file_.c_str()) != 0) {
    written = storage_error("cannot replace", file_);
  }
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  return sync_dir(dir_);
}

result<void> session_store::remove(const store_lock&) const {
  if (::unlink(file_.c_str()) != 0 && errno != ENOENT) {
    return storage_error("cannot remove", file_);
  }
  return sync_dir(dir_);
}

// Writers hold the lock while their temporary file exists, so once we hold it any such file
// belongs to a writer that died.
void session_store::remove_leftovers() const {
  std::error_code ec;
  auto prefix = temp_prefix(profile_);
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().filename().string().starts_with(prefix)) {
      fs::remove(entry.path(), ec);
    }
  }
}

fs::path default_store_dir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && fs::path(xdg).is_absolute()) {
    return fs::path(xdg) / "tokenswap";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : ".") / ".config" / "tokenswap";
}

bool is_valid_profile(std::string_view name) {
  auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  };
  return !name.empty() && name.size() <= 64 && name.front() != '.' &&
         std::all_of(name.begin(), name.end(), allowed);
}

} // namespace tokenswap::client
