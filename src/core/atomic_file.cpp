#include "unmix/core/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "unmix/core/cancel.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/run_folder_swap.hpp"

namespace fs = std::filesystem;

namespace unmix {

fs::path TemporarySibling(const fs::path& final_path) {
  static std::atomic<unsigned> counter{0};
  const fs::path dir = final_path.has_parent_path() ? final_path.parent_path() : fs::path(".");
  const std::string name = fmt::format(".{}.tmp-{}-{}{}", final_path.stem().string(), static_cast<long>(::getpid()),
                                       counter++, final_path.extension().string());
  return dir / name;
}

AtomicOutput::~AtomicOutput() {
  if (committed_) return;
  std::error_code ec;
  for (const auto& e : entries_) fs::remove(e.temp, ec);
}

fs::path AtomicOutput::Add(const fs::path& final_path) {
  FaultPoint("write " + final_path.filename().string());
  entries_.push_back({final_path, TemporarySibling(final_path)});
  return entries_.back().temp;
}

void AtomicOutput::Commit() {
  // Flush to disk before renaming: some filesystems report a full disk only at fsync, and a
  // rename that reaches the disk before the data would leave an empty file under the final name.
  for (const auto& e : entries_) {
    const int fd = ::open(e.temp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const int err = errno;
      if (fd >= 0) ::close(fd);
      throw Error(fmt::format("{}: writing failed: {}", e.final_path.string(), std::strerror(err)));
    }
    ::close(fd);
  }
  for (const auto& e : entries_) {
    FaultPoint("rename " + e.final_path.filename().string() + " into place");
    std::error_code ec;
    fs::rename(e.temp, e.final_path, ec);
    if (ec)
      throw Error(fmt::format("{}: cannot move the finished file into place: {}", e.final_path.string(), ec.message()));
  }
  committed_ = true;
}

void WriteFileAtomic(const fs::path& path, std::string_view content) {
  AtomicOutput out(path);
  {
    std::FILE* f = std::fopen(out.temp().c_str(), "wb");
    if (!f) throw Error(fmt::format("{}: cannot create file: {}", path.string(), std::strerror(errno)));
    const size_t written = std::fwrite(content.data(), 1, content.size(), f);
    const bool flushed = std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
    const int err = errno;
    const bool closed = std::fclose(f) == 0;
    if (written != content.size() || !flushed || !closed)
      throw Error(fmt::format("{}: write failed after {} of {} bytes: {}", path.string(), written, content.size(),
                              std::strerror(err ? err : EIO)));
  }
  out.Commit();
}

void EnsureWritableDirectory(const fs::path& dir) {
  // Every command prepares its output directory here first: after an interrupt, start nothing.
  ThrowIfCancelled();
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      throw Error(fmt::format("{}: output path exists and is not a directory", dir.string()));
  } else {
    fs::create_directories(dir, ec);
    if (ec) throw Error(fmt::format("{}: cannot create output directory: {}", dir.string(), ec.message()));
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw Error(fmt::format("{}: output directory is not writable: {}", dir.string(), std::strerror(errno)));
}

}  // namespace unmix
