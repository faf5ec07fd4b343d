// Every writer replaces its target only when the new file is complete: a failed write leaves
// no file (and no temporary) behind, and an existing file at the target is untouched.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "io_test_util.hpp"
#include "testing.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/csv.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"

namespace fs = std::filesystem;

namespace unmix::io {
namespace UNMIX_TEST_UNIT {

using testing::CodedScene;
using testing::ListDir;
using testing::ScratchDir;

struct Writer {
  const char* name;
  const char* file;  // the target's file name
  std::function<void(const fs::path&, const Scene&)> write;
};

std::vector<Writer> Writers() {
  auto abundances = [](const Scene& s) {
    Abundances a;
    a.rows = s.rows;
    a.cols = s.cols;
    a.values = s.data.topRows(2);
    return a;
  };
  return {
      {"geotiff", "out.tif", [](const fs::path& p, const Scene& s) { WriteRaster(p, s); }},
      {"envi", "out.img", [](const fs::path& p, const Scene& s) { WriteRaster(p, s); }},
      {"mat_scene_v5", "out.mat", [](const fs::path& p, const Scene& s) { WriteMatScene(p, s); }},
      {"mat_scene_v73", "out.mat",
       [](const fs::path& p, const Scene& s) {
         MatWriteOptions o;
         o.version = MatVersion::kV73;
         WriteMatScene(p, s, o);
       }},
      {"mat_result", "out.mat",
       [=](const fs::path& p, const Scene& s) {
         const Abundances a = abundances(s);
         WriteMatResult(p, nullptr, &a);
       }},
      {"abundance_tif", "out.tif",
       [=](const fs::path& p, const Scene& s) { WriteAbundanceRaster(p, abundances(s), s); }},
      {"csv", "out.csv",
       [](const fs::path& p, const Scene& s) {
         Endmembers e;
         e.spectra = s.data.leftCols(2);
         if (s.rows * s.cols != s.pixels()) e.names = {"one name for two endmembers"};
         WriteEndmembersCsv(p, e);
       }},
  };
}

class AtomicWrite : public ::testing::TestWithParam<size_t> {
 protected:
  Writer writer() const { return Writers()[GetParam()]; }
};

TEST_P(AtomicWrite, MissingDirectoryLeavesNothing) {
  ScratchDir dir;
  const fs::path target = dir / "no_such_dir" / writer().file;
  EXPECT_THROW(writer().write(target, CodedScene(3, 5, 4)), Error);
  EXPECT_FALSE(fs::exists(dir / "no_such_dir"));
  EXPECT_TRUE(ListDir(dir.path()).empty());
}

TEST_P(AtomicWrite, FileWhereADirectoryIsExpected) {
  ScratchDir dir;
  testing::WriteText(dir / "plain_file", "keep me");
  EXPECT_THROW(writer().write(dir / "plain_file" / writer().file, CodedScene(3, 5, 4)), Error);
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"plain_file"});
  EXPECT_EQ(testing::ReadText(dir / "plain_file"), "keep me");
}

TEST_P(AtomicWrite, DirectoryAtTheTargetIsUntouched) {
  ScratchDir dir;
  fs::create_directory(dir / writer().file);
  testing::WriteText(dir / writer().file / "inside", "x");
  EXPECT_THROW(writer().write(dir / writer().file, CodedScene(3, 5, 4)), Error);
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{writer().file});
  EXPECT_EQ(ListDir(dir / writer().file), std::vector<std::string>{"inside"});
}

TEST_P(AtomicWrite, FailedWriteKeepsTheExistingFileAndSuccessReplacesIt) {
  ScratchDir dir;
  const fs::path target = dir / writer().file;
  writer().write(target, CodedScene(3, 5, 4));
  const auto before = ListDir(dir.path());
  const std::string original = testing::ReadText(target);

  Scene bad = CodedScene(3, 5, 4);
  bad.rows = 4;  // 4 x 5 != 15 pixels
  EXPECT_THROW(writer().write(target, bad), Error);
  EXPECT_EQ(ListDir(dir.path()), before);
  EXPECT_EQ(testing::ReadText(target), original);

  writer().write(target, CodedScene(3, 5, 4) /* same */);
  Scene other = CodedScene(3, 5, 4);
  other.data *= 2.0f;
  writer().write(target, other);
  EXPECT_EQ(ListDir(dir.path()), before);  // no temporaries left over
  EXPECT_NE(testing::ReadText(target), original);
}

INSTANTIATE_TEST_SUITE_P(Writers, AtomicWrite, ::testing::Range<size_t>(0, 7),
                         [](const auto& info) { return std::string(Writers()[info.param].name); });

TEST(AtomicWriteRaster, FailureAfterTheTemporaryExistsCleansUp) {
  ScratchDir dir;
  Scene s = CodedScene(3, 5, 4);
  WriteRaster(dir / "keep.tif", s);
  const std::string original = testing::ReadText(dir / "keep.tif");
  s.geo.projection_wkt = "this is not a spatial reference";
  for (const char* name : {"keep.tif", "fresh.tif", "fresh.img"}) {
    SCOPED_TRACE(name);
    EXPECT_THROW(WriteRaster(dir / name, s), Error);
    EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"keep.tif"});
  }
  EXPECT_EQ(testing::ReadText(dir / "keep.tif"), original);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::io
