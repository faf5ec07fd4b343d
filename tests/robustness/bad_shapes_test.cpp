// Degenerate shapes: no bands, no pixels, one pixel, and endmember counts that do not fit the
// scene (r < 2, r > p, r > N), through the real `unmix` binary.
#include <gtest/gtest.h>

#include "io/io_test_util.hpp"
#include "robustness_util.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;

CommandResult RunOn(const std::string& args, const fs::path& input, const fs::path& out) {
  return RunCli("run " + args + " --input " + Quote(input) + " --out " + Quote(out));
}

TEST(BadShapes, ZeroBandsAreRefused) {
  ScratchDir dir;
  RawEnvi e;
  e.bands = 0;
  Spit(dir / "none.img", "");
  Spit(dir / "none.hdr", EnviHeaderText(e));
  auto r = RunOn("--method vca-fcls -r 2", dir / "none.img", dir / "o1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "none.hdr: bands: expected a positive number, found 0")) << r.output;
  {
    MatBuilder m(dir / "none.mat");
    m.Array<double>("Y", {0, 16}, {});
    m.Scalar("nRow", 4);
    m.Scalar("nCol", 4);
  }
  r = RunOn("--method vca-fcls -r 2", dir / "none.mat", dir / "o2");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "none.mat: Y: the image is empty: 0 bands x 4 x 4 pixels")) << r.output;
  // Every band marked bad in the ENVI bad-band list.
  e.bands = 6;
  e.extra = "bbl = {0, 0, 0, 0, 0, 0}\n";
  WriteFloatEnvi(dir / "bad", e, MixedValues(4, 4, 6));
  r = RunOn("--method vca-fcls -r 2", dir / "bad.img", dir / "o3");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "bad.hdr: bbl: every band is marked bad")) << r.output;
  for (const char* o : {"o1", "o2", "o3"}) {
    EXPECT_TRUE(Listing(dir / o).empty()) << o;
  }
}

TEST(BadShapes, ZeroPixelsAreRefused) {
  ScratchDir dir;
  RawEnvi e;
  e.rows = 0;
  Spit(dir / "none.img", "");
  Spit(dir / "none.hdr", EnviHeaderText(e));
  auto r = RunOn("--method vca-fcls -r 2", dir / "none.img", dir / "o1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "none.hdr: lines: expected a positive number, found 0")) << r.output;
  {
    MatBuilder m(dir / "cube.mat");
    m.Array<double>("cube", {0, 5, 6}, {});
  }
  r = RunOn("--method vca-fcls -r 2", dir / "cube.mat", dir / "o2");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "cube.mat: cube: the image is empty: 6 bands x 0 x 5 pixels")) << r.output;
  // Pixels that exist but are all NaN: nothing to unmix.
  e.rows = 4;
  WriteFloatEnvi(dir / "nan", e, std::vector<float>(4 * 4 * 6, std::numeric_limits<float>::quiet_NaN()));
  r = RunOn("--method vca-fcls -r 2", dir / "nan.img", dir / "o3");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "nan.img: pixels: no valid pixel to unmix")) << r.output;
  for (const char* o : {"o1", "o2", "o3"}) {
    EXPECT_TRUE(Listing(dir / o).empty()) << o;
  }
}

TEST(BadShapes, OnePixel) {
  ScratchDir dir;
  RawEnvi e;
  e.rows = e.cols = 1;
  const fs::path one = WriteFloatEnvi(dir / "one", e, {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f});
  // r = 1 is the only count one pixel supports: its abundance is 1.
  auto r = RunOn("-q --method vca-fcls -r 1", one, dir / "o1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Scene a = io::ReadRaster(dir / "o1" / "abundances.tif");
  ASSERT_EQ(a.data.size(), 1);
  EXPECT_NEAR(a.data(0, 0), 1.0f, 1e-6f);
  r = RunOn("-q --method bunet2 --epochs 2 -r 1", one, dir / "o2");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // r = 2 exceeds the pixel count.
  r = RunOn("--method vca-fcls -r 2", one, dir / "o3");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Has(r.output, "2 endmembers requested but the scene has 6 bands and 1 valid pixels")) << r.output;
  // No -r: HySime cannot estimate a count from one pixel and says so.
  r = RunOn("--method vca-fcls", one, dir / "o4");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "HySime: needs more pixels than bands")) << r.output;
  r = RunCli("estimate-r --input " + Quote(one));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  for (const char* o : {"o3", "o4"}) {
    EXPECT_TRUE(Listing(dir / o).empty()) << o;
  }
}

TEST(BadShapes, EndmemberCountBelowTwo) {
  ScratchDir dir;
  const fs::path scene = WriteFloatEnvi(dir / "s", RawEnvi{}, MixedValues(4, 4, 6));
  // r = 1: one endmember explains every pixel alone (abundance 1 everywhere).
  auto r = RunOn("-q --method vca-fcls -r 1", scene, dir / "one");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Scene a = io::ReadRaster(dir / "one" / "abundances.tif");
  EXPECT_EQ(a.bands(), 1);
  EXPECT_NEAR(a.data.minCoeff(), 1.0f, 1e-5f);
  EXPECT_NEAR(a.data.maxCoeff(), 1.0f, 1e-5f);
  // r = 0 and negative counts are refused as option errors, not replaced by an estimate.
  for (const char* bad : {"0", "-2"}) {
    r = RunOn(std::string("--method vca-fcls -r ") + bad, scene, dir / "bad");
    EXPECT_NE(r.exit_code, 0) << "-r " << bad << " was accepted:\n" << r.output;
    EXPECT_TRUE(Has(r.output, "endmembers") || Has(r.output, "-r")) << r.output;
    EXPECT_TRUE(Listing(dir / "bad").empty()) << "-r " << bad;
  }
}

TEST(BadShapes, EndmemberCountAboveBandsOrPixels) {
  ScratchDir dir;
  const fs::path scene = WriteFloatEnvi(dir / "s", RawEnvi{}, MixedValues(4, 4, 6));
  auto r = RunOn("--method vca-fcls -r 7", scene, dir / "o1");  // p = 6
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Has(r.output, "7 endmembers requested but the scene has 6 bands and 16 valid pixels")) << r.output;
  r = RunOn("--method bunet2 -r 4 --bands 1-3", scene, dir / "o2");  // p = 3 after selection
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Has(r.output, "the scene has 3 bands")) << r.output;
  RawEnvi small;
  small.rows = 2;
  small.cols = 2;
  const fs::path tiny = WriteFloatEnvi(dir / "tiny", small, MixedValues(2, 2, 6));
  r = RunOn("--method l1-nmf -r 5", tiny, dir / "o3");  // N = 4
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Has(r.output, "4 valid pixels; r must not exceed either")) << r.output;
  for (const char* o : {"o1", "o2", "o3"}) {
    EXPECT_TRUE(Listing(dir / o).empty()) << o;
  }
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
