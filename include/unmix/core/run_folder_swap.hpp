#pragma once
// A folder of outputs replaced whole: the new contents are written into a temporary folder
// beside the target and swapped in with one rename (or, where the target exists, one
// renameat2(RENAME_EXCHANGE)), under an exclusive lock on the target. After a crash at any
// point the target is either the complete old folder or the complete new one; the temporary
// folder left behind is removed by the next writer that holds the lock.
//
// Files beside the target (NAME is the target's name):
//   .NAME.lock              the lock (flock), holding the writer's pid; removed on release
//   .NAME.tmp-<pid>-run     the folder being written; after the exchange, the old contents
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

namespace unmix {

// Fault injection for tests: with UNMIX_FAULT_AT=N in the environment, the Nth call of
// FaultPoint in the process ends it at once with _exit(kFaultExitCode), as a SIGKILL would,
// after printing "unmix: fault injected at step N: STEP" on stderr. Steps are every output
// file written, every rename and the folder swap. Without the variable it does nothing.
inline constexpr int kFaultExitCode = 86;
void FaultPoint(std::string_view step);

// The exclusive lock on an output folder. Construction creates missing parent folders and
// takes the lock; with wait = false a held lock throws unmix::Error at once, naming the folder
// and the holder's pid; with wait = true it waits (an interrupt ends the wait).
class FolderLock {
 public:
  FolderLock(const std::filesystem::path& target, bool wait);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

  // The target as an absolute path with symlinks resolved.
  const std::filesystem::path& target() const { return target_; }
  // As the user gave it, for messages.
  const std::string& shown() const { return shown_; }

 private:
  friend class FolderSwap;
  std::filesystem::path target_, lock_path_;
  std::string shown_;
  std::filesystem::path created_;  // the first parent folder this lock created, if any
  bool committed_ = false;
  int fd_ = -1;
};

// One replacement of the locked target. Construction checks that the target may be replaced
// (absent, empty, or holding only files of a run folder: `replaceable` names them), removes
// dead temporary folders of earlier writers, and creates the temporary folder. Commit() swaps
// it in; destruction without Commit() removes it.
class FolderSwap {
 public:
  FolderSwap(FolderLock& lock, const std::set<std::string>& replaceable);
  ~FolderSwap();
  FolderSwap(const FolderSwap&) = delete;
  FolderSwap& operator=(const FolderSwap&) = delete;

  // The temporary folder to write into.
  const std::filesystem::path& dir() const { return temp_; }
  void Commit();

 private:
  FolderLock& lock_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

}  // namespace unmix
