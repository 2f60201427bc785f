#pragma once

#include "client/error.hpp"
#include "client/session.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace tokenswap::client {

// Proof that the caller holds a profile's lock; released when destroyed.
class store_lock {
public:
  store_lock() = default;
  explicit store_lock(int fd) : fd_(fd) {}
  store_lock(store_lock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  store_lock& operator=(store_lock&& other) noexcept;
  ~store_lock();

  bool held() const { return fd_ >= 0; }

private:
  int fd_ = -1;
};

// One file per profile, <dir>/<profile>.json, mode 0600 in a 0700 folder. Writes are atomic
// (temporary file in the same folder, fsync, rename, fsync of the folder), so a crash or a full
// disk leaves the previous session in place. Writers hold an advisory lock (flock on
// <profile>.lock) across read-refresh-write, so two processes never clobber each other.
class session_store {
public:
  session_store(std::filesystem::path dir, std::string profile);

  const std::filesystem::path& file() const { return file_; }
  const std::string& profile() const { return profile_; }

  // The stored session, or none when the profile has never logged in (or logged out).
  result<std::optional<session>> load() const;
  // Waits up to `wait` for the lock. Once held, leftovers of writers that died are removed.
  result<store_lock> lock(std::chrono::milliseconds wait = std::chrono::seconds(60)) const;
  result<void> save(const session& s, const store_lock& lock) const;
  result<void> remove(const store_lock& lock) const;

private:
  void remove_leftovers() const;

  std::filesystem::path dir_;
  std::string profile_;
  std::filesystem::path file_;
  std::filesystem::path lock_file_;
};

// $XDG_CONFIG_HOME/tokenswap, or ~/.config/tokenswap when XDG_CONFIG_HOME is unset or relative
// (XDG Base Directory specification).
std::filesystem::path default_store_dir();

// Letters, digits, '-', '_' and '.', not starting with '.', at most 64 characters: a profile
// name is part of a file name and must not reach outside the folder.
bool is_valid_profile(std::string_view name);

} // namespace tokenswap::client
