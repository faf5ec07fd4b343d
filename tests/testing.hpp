#pragma once
// Helpers shared by the tests: scratch directories, running the real CLI, shared data paths.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace unmix::testing {

// The built `unmix` binary and the source tree (tests/CMakeLists.txt generates both).
const char* CliPath();
const char* SourceDir();

// A fresh directory under the system temp dir, removed when the object dies.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "scratch";
    for (auto& c : name)
      if (c == '/') c = '_';
    path_ = std::filesystem::temp_directory_path() / ("unmix-test-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& s) const { return path_ / s; }

 private:
  std::filesystem::path path_;
};

inline bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// How often `what` occurs in `s` (overlapping occurrences count).
inline size_t CountOf(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// The whole file as bytes; empty when it cannot be read.
inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs the built `unmix` binary with `args` (a shell-quoted string) and captures its output.
inline CommandResult RunCli(const std::string& args) {
  const std::string cmd = std::string("'") + CliPath() + "' " + args + " 2>&1";
  CommandResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// ../shared/data beside the source tree, or empty when absent (tests then skip visibly).
inline std::filesystem::path SharedDataDir() {
  if (const char* env = std::getenv("UNMIX_SHARED_DATA")) return env;
  const auto p = std::filesystem::path(SourceDir()).parent_path() / "shared" / "data";
  return std::filesystem::exists(p) ? p : std::filesystem::path();
}

// Skips the current test with a visible message when a shared data file is absent.
#define UNMIX_REQUIRE_SHARED_FILE(var, relpath)                                           \
  const std::filesystem::path var = ::unmix::testing::SharedDataDir().empty()             \
                                        ? std::filesystem::path()                         \
                                        : ::unmix::testing::SharedDataDir() / (relpath);  \
  if (var.empty() || !std::filesystem::exists(var))                                       \
  GTEST_SKIP() << "shared data file " << (relpath)                                        \
               << " not found (set UNMIX_SHARED_DATA or place ../shared/data beside the " \
                  "source tree); skipping"

}  // namespace unmix::testing
