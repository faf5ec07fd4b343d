#pragma once
// Helpers for the bad-input sweep: small scenes written byte by byte, the real CLI run as a
// child process (with signals), small tmpfs mounts, and checks that an output folder holds
// only complete files.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing.hpp"

namespace unmix::testing {

namespace fs = std::filesystem;

inline std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

inline void Spit(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// An ENVI scene written by hand: float32 (or `type`) BSQ values, band-major, little-endian.
struct RawEnvi {
  int rows = 4, cols = 4, bands = 6;
  int type = 4;       // ENVI data type code
  std::string extra;  // more header lines
  std::string interleave = "bsq";
};

inline std::string EnviHeaderText(const RawEnvi& e) {
  return "ENVI\nsamples = " + std::to_string(e.cols) + "\nlines = " + std::to_string(e.rows) +
         "\nbands = " + std::to_string(e.bands) +
         "\nheader offset = 0\nfile type = ENVI Standard\ndata type = " + std::to_string(e.type) +
         "\ninterleave = " + e.interleave + "\nbyte order = 0\n" + e.extra;
}

// Writes stem.img and stem.hdr; `values` are float32 in BSQ order (band b, pixel k at b*N + k).
inline fs::path WriteFloatEnvi(const fs::path& stem, const RawEnvi& e, const std::vector<float>& values) {
  std::string bytes(values.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());
  Spit(fs::path(stem.string() + ".img"), bytes);
  Spit(fs::path(stem.string() + ".hdr"), EnviHeaderText(e));
  return fs::path(stem.string() + ".img");
}

// A mixed-looking scene: three smooth spectra mixed with varying weights, values in (0.05, 0.95).
inline std::vector<float> MixedValues(int rows, int cols, int bands) {
  const int n = rows * cols;
  std::vector<float> v(static_cast<size_t>(n) * static_cast<size_t>(bands));
  for (int k = 0; k < n; ++k) {
    const double a = (k % 7) / 7.0, b = (k % 5) / 5.0 * (1 - a), c = 1 - a - b;
    for (int j = 0; j < bands; ++j) {
      const double t = static_cast<double>(j) / std::max(1, bands - 1);
      const double s1 = 0.2 + 0.6 * t, s2 = 0.8 - 0.5 * t, s3 = 0.5 + 0.3 * (t - 0.5) * (t - 0.5) * 4 - 0.2 * t;
      v[static_cast<size_t>(j) * n + k] = static_cast<float>(a * s1 + b * s2 + c * s3);
    }
  }
  return v;
}

// Files whose names mark them as an unfinished atomic write.
inline std::vector<std::string> TempLeftovers(const fs::path& dir) {
  std::vector<std::string> found;
  if (!fs::exists(dir)) return found;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (Has(e.path().filename().string(), ".tmp-")) found.push_back(e.path().string());
  return found;
}

inline std::vector<std::string> Listing(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// `unmix synth` into `dir` with `args` (keep scenes small: the sanitizer build runs these too).
inline void Synth(const fs::path& dir, const std::string& args) {
  const auto r = RunCli("synth -q " + args + " --out " + Quote(dir));
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

// A tmpfs mounted for the life of the object (needs root and a kernel that allows it).
class Tmpfs {
 public:
  Tmpfs(const fs::path& where, const std::string& options) : where_(where) {
    fs::create_directories(where);
    if (::geteuid() != 0) {
      why_ = "not running as root";
      return;
    }
    if (::mount("tmpfs", where.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      why_ = std::string("mount -t tmpfs failed: ") + std::strerror(errno);
      return;
    }
    mounted_ = true;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  bool Remount(unsigned long flags, const std::string& options) {
    return ::mount("tmpfs", where_.c_str(), "tmpfs", MS_REMOUNT | flags, options.c_str()) == 0;
  }

 private:
  fs::path where_;
  bool mounted_ = false;
  std::string why_;
};

// The built CLI as a child process, its stdout and stderr going to files.
class CliProcess {
 public:
  CliProcess(std::vector<std::string> args, const fs::path& log_dir)
      : out_(log_dir / "stdout.txt"), err_(log_dir / "stderr.txt") {
    // Everything the child needs is prepared before fork: only exec-safe calls after it.
    std::string exe = CliPath();
    std::vector<char*> argv{exe.data()};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int o = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_ = ::fork();
    if (pid_ == 0) {
      // A signal the parent ignores (e.g. a background shell) must not be ignored here.
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGTERM, SIG_DFL);
      ::dup2(o, 1);
      ::dup2(e, 2);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(o);
    ::close(e);
  }
  ~CliProcess() {
    if (pid_ > 0 && !done_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::string Stdout() const { return Slurp(out_); }
  std::string Stderr() const { return Slurp(err_); }
  void Signal(int sig) const { ::kill(pid_, sig); }

  // Waits until `pred()` holds (polling), or the process ends, or `timeout` passes.
  template <typename Pred>
  bool WaitFor(Pred pred, std::chrono::seconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (pred()) return true;
      if (Exited()) return pred();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  // Exit code (128 + signal when killed), or -1 after `timeout`.
  int Wait(std::chrono::seconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!Exited()) {
      if (std::chrono::steady_clock::now() > end) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return code_;
  }

 private:
  bool Exited() {
    if (done_) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    done_ = true;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }
  fs::path out_, err_;
  pid_t pid_ = -1;
  bool done_ = false;
  int code_ = -1;
};

inline nlohmann::json JsonFile(const fs::path& p) { return nlohmann::json::parse(Slurp(p)); }

}  // namespace unmix::testing
