// Output folders that cannot take the results: a file where the folder should be, a read-only
// folder, and a full disk (a small tmpfs filled to a chosen number of free pages). Every
// failure is exit 1 with the file named; nothing half-written is left, and files that exist are
// complete.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cstdio>
#include <memory>
#include <set>

#include "robustness_util.hpp"
#include "unmix/io/csv.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;

// Every file of a run folder that exists must read back whole through the real readers.
void ExpectEveryFileComplete(const fs::path& dir) {
  for (const auto& name : Listing(dir)) {
    SCOPED_TRACE(name);
    const fs::path p = dir / name;
    try {
      const std::string bytes = Slurp(p);
      if (name.ends_with(".csv")) {
        EXPECT_GT(io::ReadEndmembersCsv(p).count(), 0);
      } else if (name == "result.mat") {
        EXPECT_TRUE(io::ReadMatGroundTruth(p).abundances.has_value());
      } else if (name.ends_with(".mat")) {
        EXPECT_NO_THROW(io::ReadMatGroundTruth(p));
      } else if (name.ends_with(".tif")) {
        EXPECT_GT(io::ReadRaster(p).pixels(), 0);
      } else if (name.ends_with(".json")) {
        EXPECT_TRUE(JsonFile(p).is_object());
      } else if (name.ends_with(".png")) {
        EXPECT_TRUE(bytes.starts_with("\x89PNG") && Has(bytes.substr(bytes.size() - 12), "IEND"));
      } else if (name.ends_with(".html")) {
        EXPECT_TRUE(Has(bytes, "</html>"));
      } else
        EXPECT_FALSE(bytes.empty());
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << " is not complete: " << e.what();
    }
  }
}

std::string RunArgs(const fs::path& scene, const fs::path& out) {
  return "run --method vca-fcls -r 3 --input " + Quote(scene) + " --out " + Quote(out);
}

TEST(Outputs, AFileWhereTheFolderShouldBe) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  Spit(dir / "taken", "a file, not a folder");
  auto r = RunCli(RunArgs(dir / "s" / "scene.hdr", dir / "taken"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "taken: output path exists and is not a directory")) << r.output;
  r = RunCli(RunArgs(dir / "s" / "scene.hdr", dir / "taken" / "sub"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "taken/sub: cannot create output directory")) << r.output;
  EXPECT_EQ(Slurp(dir / "taken"), "a file, not a folder");
  // A directory where an output file should be: the other files are written, that one is not.
  fs::create_directories(dir / "o" / "run.json");
  r = RunCli(RunArgs(dir / "s" / "scene.hdr", dir / "o"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "run.json")) << r.output;
  EXPECT_TRUE(TempLeftovers(dir / "o").empty());
}

TEST(Outputs, ReadOnlyFolderKeepsTheOldResult) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path out = dir / "mnt" / "ro";
  // Root ignores file modes, so as root the folder lies on a tmpfs remounted read-only (the run
  // folder is swapped in beside its target, so the target cannot be the mount point itself).
  std::unique_ptr<Tmpfs> fs_ro;
  if (::geteuid() == 0) {
    fs_ro = std::make_unique<Tmpfs>(dir / "mnt", "size=4m");
    if (!fs_ro->mounted()) GTEST_SKIP() << "read-only folder needs a tmpfs as root: " << fs_ro->why();
  }
  ASSERT_EQ(RunCli(RunArgs(dir / "s" / "scene.hdr", out) + " -q").exit_code, 0);
  const std::string old_run = Slurp(out / "run.json"), old_csv = Slurp(out / "endmembers.csv");
  if (fs_ro) {
    ASSERT_TRUE(fs_ro->Remount(MS_RDONLY, "")) << std::strerror(errno);
  } else
    fs::permissions(out, fs::perms::owner_read | fs::perms::owner_exec);
  const auto r = RunCli(RunArgs(dir / "s" / "scene.hdr", out) + " --seed 7");
  if (!fs_ro) fs::permissions(out, fs::perms::owner_all);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "ro: output directory is not writable")) << r.output;
  EXPECT_EQ(Slurp(out / "run.json"), old_run);
  EXPECT_EQ(Slurp(out / "endmembers.csv"), old_csv);
  EXPECT_TRUE(TempLeftovers(out).empty());
}

// Fills the filesystem of `dir` with `filler` until no byte is free; Leave(n) then frees n bytes.
class Filler {
 public:
  explicit Filler(const fs::path& path) : path_(path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    std::string block(4096, 'x');
    while (f && std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) size_ += 4096;
    if (f) std::fclose(f);
    size_ = fs::file_size(path);
  }
  void Leave(std::uintmax_t bytes) { fs::resize_file(path_, bytes < size_ ? size_ - bytes : 0); }

 private:
  fs::path path_;
  std::uintmax_t size_ = 0;
};

TEST(Outputs, FullDiskFailsCleanlyAtEveryStage) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path mnt = dir / "small";
  Tmpfs tmpfs(mnt, "size=1m");
  if (!tmpfs.mounted()) GTEST_SKIP() << "full-disk test needs a small tmpfs (root and mount): " << tmpfs.why();
  Filler filler(mnt / "filler");
  const fs::path out = mnt / "out";
  fs::create_directories(out);
  int failures = 0;
  std::set<std::string> failing_files;
  for (std::uintmax_t pages = 0; pages <= 40; pages += (pages < 8 ? 1 : 4)) {
    SCOPED_TRACE(::testing::Message() << pages << " free pages");
    for (const auto& name : Listing(out)) fs::remove(out / name);
    filler.Leave(pages * 4096);
    const auto r = RunCli(RunArgs(dir / "s" / "scene.hdr", out));
    EXPECT_TRUE(TempLeftovers(mnt).empty()) << r.output;
    ExpectEveryFileComplete(out);
    if (r.exit_code == 0) {
      for (const char* f : {"abundances.tif", "endmembers.csv", "result.mat", "run.json"})
        EXPECT_TRUE(fs::exists(out / f)) << f;
      break;
    }
    ++failures;
    EXPECT_EQ(r.exit_code, 1) << r.output;
    // The line saying what is about to run comes first (before the work), then one error line.
    const size_t plan_end = r.output.find('\n');
    ASSERT_NE(plan_end, std::string::npos) << r.output;
    EXPECT_TRUE(Has(r.output.substr(0, plan_end), " on ")) << r.output;
    const std::string error = r.output.substr(plan_end + 1);
    EXPECT_EQ(std::count(error.begin(), error.end(), '\n'), 1) << r.output;
    EXPECT_TRUE(Has(error, out.string())) << r.output;
    const auto colon = error.find(": ", error.find(out.string()));
    failing_files.insert(error.substr(0, colon));
  }
  EXPECT_GE(failures, 3);
  // The disk filled up while writing different files of the folder, each failure was clean.
  EXPECT_GE(failing_files.size(), 2u) << "stages reached: " << failing_files.size();
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
