#pragma once
// Writing outputs so that an existing result is never half-overwritten: write to a temporary
// name in the target directory, then rename over the final name once complete.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace unmix {

// A temporary sibling of `final_path` that keeps its extension (so format drivers that look at
// the extension still work): dir/.name.tmp-<pid>-<n>.ext
std::filesystem::path TemporarySibling(const std::filesystem::path& final_path);

// Owns one or more temporary files destined for final names. Commit() renames them all;
// destruction without Commit() deletes them. Renames within a directory are atomic per file.
class AtomicOutput {
 public:
  AtomicOutput() = default;
  explicit AtomicOutput(const std::filesystem::path& final_path) { Add(final_path); }
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();

  // Registers a final path and returns the temporary path to write instead.
  std::filesystem::path Add(const std::filesystem::path& final_path);
  // The temporary path of the first registered file.
  const std::filesystem::path& temp() const { return entries_.front().temp; }
  // Renames every temporary file to its final name. Throws unmix::Error naming the file.
  void Commit();

 private:
  struct Entry {
    std::filesystem::path final_path, temp;
  };
  std::vector<Entry> entries_;
  bool committed_ = false;
};

// Writes `content` to `path` atomically. Throws unmix::Error naming the file on failure.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view content);

// Creates `dir` (and parents) if needed and checks that files can be created in it.
// Throws unmix::Error naming the directory and the reason.
void EnsureWritableDirectory(const std::filesystem::path& dir);

}  // namespace unmix
