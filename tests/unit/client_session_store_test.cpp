#include "client/session_store.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tokenswap::client {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

session sample(std::string access = "access-1") {
  session s;
  s.client_id = "app";
  s.scopes = {"user-read-email"};
  s.refresh_url = "http://127.0.0.1:5000/refresh";
  s.access_token = std::move(access);
  s.expires_at = time_point(std::chrono::seconds(1'800'000'000));
  s.refresh_token = "sealed-1";
  return s;
}

class ClientSessionStore : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/tokenswap-store-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    dir_ = root_ / "config" / "tokenswap";
  }
  void TearDown() override { fs::remove_all(root_); }

  session_store store(std::string profile = "default") const { return {dir_, profile}; }

  void save(const session_store& target, const session& s) const {
    auto lock = target.lock();
    ASSERT_TRUE(lock) << lock.error().message;
    auto saved = target.save(s, *lock);
    ASSERT_TRUE(saved) << saved.error().message;
  }

  std::size_t leftovers() const {
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      count += entry.path().filename().string().find(".tmp.") != std::string::npos;
    }
    return count;
  }

  fs::path root_;
  fs::path dir_;
};

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 07777;
}

TEST_F(ClientSessionStore, ANewProfileHasNoSession) {
  auto loaded = store().load();
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(*loaded);
}

TEST_F(ClientSessionStore, SavedSessionLoadsBack) {
  save(store(), sample());
  auto loaded = store().load();
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_EQ(**loaded, sample());
}

TEST_F(ClientSessionStore, FileIsPrivateInAPrivateFolder) {
  save(store(), sample());
  EXPECT_EQ(mode_of(store().file()), 0600u);
  EXPECT_EQ(mode_of(dir_), 0700u);
  EXPECT_EQ(mode_of(dir_.parent_path()), 0700u);
}

TEST_F(ClientSessionStore, ProfilesAreSeparateFiles) {
  save(store("work"), sample("work-token"));
  save(store("home"), sample("home-token"));
  EXPECT_EQ((*store("work").load().value()).access_token, "work-token");
  EXPECT_EQ((*store("home").load().value()).access_token, "home-token");
}

TEST_F(ClientSessionStore, RemoveForgetsTheSession) {
  save(store(), sample());
  auto lock = store().lock().value();
  ASSERT_TRUE(store().remove(lock));
  EXPECT_FALSE(store().load().value());
  EXPECT_TRUE(store().remove(lock)) << "removing twice is fine";
}

TEST_F(ClientSessionStore, ACorruptFileNeedsALogin) {
  save(store(), sample());
  { std::ofstream(store().file()) << "{\"version\":1,"; }
  auto loaded = store().load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, error_kind::needs_login);
}

TEST_F(ClientSessionStore, AFolderThatCannotBeCreatedIsAStorageError) {
  { std::ofstream(root_ / "config") << "a file where the folder should be"; }
  auto lock = store().lock();
  ASSERT_FALSE(lock);
  EXPECT_EQ(lock.error().kind, error_kind::storage_failed);
  EXPECT_NE(lock.error().message.find("config"), std::string::npos);
}

TEST_F(ClientSessionStore, AWriterKilledMidWriteLeavesTheOldSessionIntact) {
  save(store(), sample("old"));
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = store().lock();
    (void)store().save(sample(std::string(64 << 20, 'x')), *lock);
    ::_exit(0);
  }

  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (leftovers() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(leftovers(), 1u) << "the writer never started";
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));

  auto loaded = store().load();
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_EQ((*loaded)->access_token, "old");
  auto lock = store().lock();
  ASSERT_TRUE(lock);
  EXPECT_EQ(leftovers(), 0u) << "the dead writer's temporary file is cleaned up";
}

TEST_F(ClientSessionStore, AFullDiskLeavesTheOldSessionIntact) {
  save(store(), sample("old"));
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A file size limit makes write() fail part way, as a full disk does.
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    auto lock = store().lock();
    auto saved = store().save(sample(std::string(1 << 20, 'x')), *lock);
    bool ok = !saved && saved.error().kind == error_kind::storage_failed && leftovers() == 0;
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the failed save was not reported or left a file behind";
  EXPECT_EQ((*store().load().value()).access_token, "old");
}

TEST_F(ClientSessionStore, ConcurrentWritersNeverLoseAnUpdate) {
  save(store(), sample("0"));
  constexpr int writers = 4;
  constexpr int rounds = 20;
  std::vector<pid_t> children;
  for (int w = 0; w < writers; ++w) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      for (int i = 0; i < rounds; ++i) {
        auto lock = store().lock();
        auto current = store().load();
        if (!lock || !current || !*current) {
          ::_exit(1);
        }
        auto next = **current;
        next.access_token = std::to_string(std::stoi(next.access_token) + 1);
        if (!store().save(next, *lock)) {
          ::_exit(1);
        }
      }
      ::_exit(0);
    }
    children.push_back(child);
  }
  for (auto child : children) {
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ((*store().load().value()).access_token, std::to_string(writers * rounds));
}

TEST_F(ClientSessionStore, ALockHeldElsewhereTimesOut) {
  auto held = store().lock().value();
  auto second = store().lock(100ms);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, error_kind::storage_failed);
}

TEST(ClientStoreDir, FollowsXdgConfigHome) {
  const char* saved = std::getenv("XDG_CONFIG_HOME");
  std::string previous = saved ? saved : "";
  ::setenv("XDG_CONFIG_HOME", "/somewhere/config", 1);
  EXPECT_EQ(default_store_dir(), fs::path("/somewhere/config/tokenswap"));
  ::setenv("XDG_CONFIG_HOME", "relative/path", 1);
  EXPECT_EQ(default_store_dir(), fs::path(std::getenv("HOME")) / ".config" / "tokenswap");
  saved ? ::setenv("XDG_CONFIG_HOME", previous.c_str(), 1) : ::unsetenv("XDG_CONFIG_HOME");
}

TEST(ClientStoreDir, ProfileNamesStayInsideTheFolder) {
  EXPECT_TRUE(is_valid_profile("default"));
  EXPECT_TRUE(is_valid_profile("work-2.main_x"));
  EXPECT_FALSE(is_valid_profile(""));
  EXPECT_FALSE(is_valid_profile("../x"));
  EXPECT_FALSE(is_valid_profile(".hidden"));
  EXPECT_FALSE(is_valid_profile("a/b"));
  EXPECT_FALSE(is_valid_profile(std::string(65, 'a')));
}

} // namespace
} // namespace tokenswap::client
