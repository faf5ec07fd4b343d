// Ground truth that does not belong to the scene: another size, another band count, or the
// right size in the other pixel order (which no shape check can see).
#include <gtest/gtest.h>

#include "io/io_test_util.hpp"
#include "robustness_util.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/read.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;

CommandResult RunWithGt(const fs::path& scene, const fs::path& gt, const fs::path& out, const std::string& more = "") {
  return RunCli("run --method vca-fcls " + more + " --input " + Quote(scene) + " --gt " + Quote(gt) + " --out " +
                Quote(out));
}

// Writes `gt` as a benchmark-layout .mat whose A is stored with pixels in row-major order while
// nRow/nCol announce the MATLAB (column-major) layout.
void WriteInRowMajorOrder(const GroundTruth& gt, Index rows, Index cols, const fs::path& path) {
  const MatrixD m = gt.endmembers->spectra.cast<double>();
  const MatrixD a = gt.abundances->values.cast<double>();  // r x N, row-major pixels
  MatBuilder b(path);
  b.Array<double>("M", {static_cast<size_t>(m.rows()), static_cast<size_t>(m.cols())},
                  std::vector<double>(m.data(), m.data() + m.size()));
  b.Array<double>("A", {static_cast<size_t>(a.rows()), static_cast<size_t>(a.cols())},
                  std::vector<double>(a.data(), a.data() + a.size()));
  b.Scalar("nRow", static_cast<double>(rows));
  b.Scalar("nCol", static_cast<double>(cols));
}

TEST(GroundTruth, OfAnotherSceneSizeOrBandCountIsRefused) {
  ScratchDir dir;
  Synth(dir / "a", "--patch 4 -r 3 --seed 1");              // 16 x 16 pixels, 224 bands
  Synth(dir / "b", "--patch 3 -r 3 --seed 1");              // 9 x 9 pixels
  Synth(dir / "c", "--patch 4 -r 3 --seed 1 --bands 100");  // 16 x 16 pixels, 100 bands
  const fs::path scene = dir / "a" / "scene.hdr";
  auto r = RunWithGt(scene, dir / "b" / "gt.mat", dir / "o1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "b/gt.mat: nRow/nCol: the file's image is 9 x 9 pixels, the scene is 16 x 16")) << r.output;
  r = RunWithGt(scene, dir / "c" / "gt.mat", dir / "o2");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "c/gt.mat: M: endmembers have 100 bands, the scene has 224")) << r.output;
  // Abundances without an image size, of the wrong pixel count.
  {
    MatBuilder m(dir / "short.mat");
    m.Array<double>("A", {3, 200}, std::vector<double>(600, 1.0 / 3));
  }
  r = RunWithGt(scene, dir / "short.mat", dir / "o3");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "short.mat: A: expected 256 pixels (16 x 16 like the scene), found an array of 3x200"))
      << r.output;
  // The same refusal when scoring saved estimates.
  r = RunCli("eval --input " + Quote(scene) + " --gt " + Quote(dir / "a" / "gt.mat") + " --estimate " +
             Quote(dir / "b" / "gt.mat"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "9 x 9")) << r.output;
  for (const char* o : {"o1", "o2", "o3"}) {
    EXPECT_FALSE(fs::exists(dir / o)) << o;
  }
}

TEST(GroundTruth, InTheOtherPixelOrderIsDetected) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 4 -r 3 --snr 30 --seed 3");
  const fs::path scene_path = dir / "s" / "scene.hdr";
  const Scene scene = io::ReadScene(scene_path);
  const GroundTruth gt = io::ReadGroundTruth(dir / "s" / "gt.mat", scene);
  // Right order: accepted (and the scene fits it).
  auto r = RunWithGt(scene_path, dir / "s" / "gt.mat", dir / "ok", "-q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Other order with the same shape: refused, naming the order and the option that fixes it.
  WriteInRowMajorOrder(gt, scene.rows, scene.cols, dir / "swapped.mat");
  r = RunWithGt(scene_path, dir / "swapped.mat", dir / "bad");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "swapped.mat: A: the abundances fit the scene far better in row-major pixel order"))
      << r.output;
  EXPECT_TRUE(Has(r.output, "--pixel-order row-major")) << r.output;
  EXPECT_FALSE(fs::exists(dir / "bad"));
  // Told the order, unmix reads it as the same ground truth and scores the same.
  r = RunWithGt(scene_path, dir / "swapped.mat", dir / "forced", "-q --pixel-order row-major");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(JsonFile(dir / "forced" / "metrics.json")["rmse"], JsonFile(dir / "ok" / "metrics.json")["rmse"]);
}

TEST(GroundTruth, JasperRidgeInTheOtherPixelOrderIsDetected) {
  UNMIX_REQUIRE_SHARED_FILE(scene_path, "jasper_ridge/jasperRidge2_R198.mat");
  UNMIX_REQUIRE_SHARED_FILE(gt_path, "jasper_ridge/JasperRidge2_end4.mat");
  ScratchDir dir;
  const Scene scene = io::ReadScene(scene_path);
  const GroundTruth gt = io::ReadGroundTruth(gt_path, scene);  // the real file passes the check
  WriteInRowMajorOrder(gt, scene.rows, scene.cols, dir / "swapped.mat");
  const std::string msg = InputErrorMessage([&] { io::ReadGroundTruth(dir / "swapped.mat", scene); });
  EXPECT_TRUE(Has(msg, "swapped.mat: A: the abundances fit the scene far better in row-major pixel order")) << msg;
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
