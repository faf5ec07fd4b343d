#include "unmix/core/run_folder_swap.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "unmix/core/cancel.hpp"
#include "unmix/core/error.hpp"

namespace fs = std::filesystem;

namespace unmix {
namespace {

long FaultStepWanted() {
  static const long wanted = [] {
    const char* env = std::getenv("UNMIX_FAULT_AT");
    if (!env || !*env) return 0L;
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    return end && *end == '\0' && v > 0 ? v : 0L;
  }();
  return wanted;
}

std::string Errno(int err) { return std::strerror(err); }

// fsync of a folder, so that the renames in it reach the disk.
void SyncFolder(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// The holder's pid as written in the lock file; waits briefly for a holder that has just taken
// the lock and not yet written it.
std::string HolderPid(const fs::path& lock_path) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (FILE* f = std::fopen(lock_path.c_str(), "r")) {
      char buf[32] = {0};
      const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
      std::fclose(f);
      std::string s(buf, n);
      while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
      if (!s.empty()) return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return "unknown";
}

bool SameFile(int fd, const fs::path& p) {
  struct stat a {
  }, b{};
  if (::fstat(fd, &a) != 0 || ::stat(p.c_str(), &b) != 0) return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Removes a folder's files one by one (with `fault_points`, a fault point each), then the folder.
void RemoveFolder(const fs::path& dir, bool fault_points) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (fault_points) FaultPoint("remove " + e.path().filename().string() + " of the replaced folder");
    fs::remove_all(e.path(), ec);
  }
  fs::remove_all(dir, ec);
}

}  // namespace

void FaultPoint(std::string_view step) {
  static std::atomic<long> count{0};
  const long wanted = FaultStepWanted();
  if (wanted == 0) return;
  const long n = ++count;
  if (n != wanted) return;
  const std::string line = fmt::format("unmix: fault injected at step {}: {}\n", n, step);
  [[maybe_unused]] const auto w = ::write(STDERR_FILENO, line.data(), line.size());
  ::_exit(kFaultExitCode);
}

FolderLock::FolderLock(const fs::path& target, bool wait) : shown_(target.string()) {
  ThrowIfCancelled();
  std::error_code ec;
  fs::path p = fs::absolute(target, ec);
  if (ec) throw Error(fmt::format("{}: cannot resolve the output path: {}", shown_, ec.message()));
  p = fs::weakly_canonical(p, ec);
  if (ec) throw Error(fmt::format("{}: cannot resolve the output path: {}", shown_, ec.message()));
  while (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  if (p == p.root_path()) throw Error(fmt::format("{}: the root folder cannot be a run folder", shown_));
  if (fs::exists(p, ec) && fs::equivalent(p, fs::current_path(), ec))
    throw Error(
        fmt::format("{}: is the current directory, which a run replaces whole; give a folder inside it", shown_));
  target_ = p;
  if (fs::exists(target_, ec)) {
    if (!fs::is_directory(target_, ec))
      throw Error(fmt::format("{}: output path exists and is not a directory", shown_));
    if (::access(target_.c_str(), W_OK | X_OK) != 0)
      throw Error(fmt::format("{}: output directory is not writable: {}", shown_, Errno(errno)));
  }
  const fs::path parent = target_.parent_path();
  if (!fs::exists(parent, ec)) {
    // Remember the outermost folder created, to remove it again if nothing is committed.
    fs::path first = parent;
    while (first.has_parent_path() && first.parent_path() != first && !fs::exists(first.parent_path(), ec))
      first = first.parent_path();
    fs::create_directories(parent, ec);
    if (ec) throw Error(fmt::format("{}: cannot create output directory: {}", shown_, ec.message()));
    created_ = first;
  } else if (!fs::is_directory(parent, ec)) {
    throw Error(fmt::format("{}: cannot create output directory: {} is not a directory", shown_, parent.string()));
  }
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw Error(
        fmt::format("{}: output directory is not writable: the folder that holds it, {}, is not ({}); a run "
                    "folder is written beside its target and swapped in",
                    shown_, parent.string(), Errno(errno)));
  lock_path_ = parent / fmt::format(".{}.lock", target_.filename().string());
  bool said = false;
  for (;;) {
    const int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw Error(fmt::format("{}: cannot create the lock file {}: {}", shown_, lock_path_.string(), Errno(errno)));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err != EWOULDBLOCK)
        throw Error(fmt::format("{}: cannot lock {}: {}", shown_, lock_path_.string(), Errno(err)));
      const std::string pid = HolderPid(lock_path_);
      if (!wait)
        throw Error(
            fmt::format("{}: another unmix process (pid {}) is writing this run folder (lock {}); wait for it "
                        "to finish, or pass --wait to queue behind it",
                        shown_, pid, lock_path_.string()));
      if (!said) {
        std::fprintf(stderr, "unmix: %s: waiting for unmix process %s, which is writing this run folder\n",
                     shown_.c_str(), pid.c_str());
        said = true;
      }
      ThrowIfCancelled();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    // The holder before us removes the lock file when done: lock the file that is there now.
    if (!SameFile(fd, lock_path_)) {
      ::close(fd);
      continue;
    }
    fd_ = fd;
    break;
  }
  const std::string pid = fmt::format("{}\n", static_cast<long>(::getpid()));
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    // The lock holds without the pid; only the message of a second writer loses it.
  }
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) {
    ::unlink(lock_path_.c_str());  // while still holding it: see the SameFile check
    ::close(fd_);
  }
  if (!committed_ && !created_.empty()) {
    // Parent folders created for a run that wrote nothing: remove them if still empty.
    std::error_code ec;
    for (fs::path p = target_.parent_path(); !p.empty(); p = p.parent_path()) {
      if (!fs::is_empty(p, ec) || ec || !fs::remove(p, ec)) break;
      if (p == created_) break;
    }
  }
}

FolderSwap::FolderSwap(FolderLock& lock, const std::set<std::string>& replaceable) : lock_(lock) {
  ThrowIfCancelled();
  const fs::path& target = lock.target_;
  const std::string name = target.filename().string();
  std::error_code ec;
  // Refuse to replace a folder that holds anything but the files of a run: it is not ours.
  if (fs::exists(target, ec)) {
    for (const auto& e : fs::directory_iterator(target, ec)) {
      const std::string entry = e.path().filename().string();
      const bool ours_tmp = entry.starts_with(".") && entry.find(".tmp-") != std::string::npos;
      if ((e.is_regular_file() || e.is_symlink()) && (replaceable.count(entry) || ours_tmp)) continue;
      throw Error(
          fmt::format("{}: holds '{}', which is not a file of a run folder; a run replaces its folder whole, "
                      "so give a new or empty folder, or one written by unmix",
                      lock.shown_, entry));
    }
    if (ec) throw Error(fmt::format("{}: cannot list the folder: {}", lock.shown_, ec.message()));
  }
  // Leftovers of earlier writers of this target: we hold the lock, so their writers are gone.
  const fs::path parent = target.parent_path();
  const std::string prefix = fmt::format(".{}.tmp-", name);
  for (const auto& e : fs::directory_iterator(parent, ec))
    if (e.path().filename().string().starts_with(prefix)) RemoveFolder(e.path(), false);
  temp_ = parent / fmt::format("{}{}-run", prefix, static_cast<long>(::getpid()));
  fs::create_directory(temp_, ec);
  if (ec)
    throw Error(
        fmt::format("{}: cannot create the temporary folder {}: {}", lock.shown_, temp_.string(), ec.message()));
}

FolderSwap::~FolderSwap() {
  if (!committed_) RemoveFolder(temp_, false);
}

void FolderSwap::Commit() {
  const fs::path& target = lock_.target_;
  SyncFolder(temp_);
  std::error_code ec;
  const bool exists = fs::exists(target, ec);
  FaultPoint("swap the new run folder in");
  if (exists) {
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
      const int err = errno;
      if (err != EINVAL && err != ENOSYS && err != ENOTSUP)
        throw Error(fmt::format("{}: cannot swap the new run folder in: {}", lock_.shown_, Errno(err)));
      // No exchange on this filesystem: move the old folder aside, then the new one in. A crash
      // between the two leaves the old run at the temporary name and no target.
      const fs::path old = temp_.string() + "-old";
      if (::rename(target.c_str(), old.c_str()) != 0)
        throw Error(fmt::format("{}: cannot move the old run folder aside: {}", lock_.shown_, Errno(errno)));
      FaultPoint("move the new run folder in (no exchange)");
      if (::rename(temp_.c_str(), target.c_str()) != 0) {
        const int e2 = errno;
        ::rename(old.c_str(), target.c_str());
        throw Error(fmt::format("{}: cannot move the new run folder in: {}", lock_.shown_, Errno(e2)));
      }
      ::rename(old.c_str(), temp_.c_str());
    }
  } else if (::rename(temp_.c_str(), target.c_str()) != 0) {
    throw Error(fmt::format("{}: cannot move the new run folder in: {}", lock_.shown_, Errno(errno)));
  }
  committed_ = true;
  lock_.committed_ = true;
  SyncFolder(target.parent_path());
  FaultPoint("remove the replaced run folder");
  RemoveFolder(temp_, true);  // the old run, now at the temporary name (nothing when the target was new)
}

}  // namespace unmix
