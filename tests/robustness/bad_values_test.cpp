// Pixel values from the field: NaN, infinities, negative reflectance, saturated counts and
// bands that hold nothing at all. Bad pixels are left out (and written back as nodata), bands
// with no value anywhere are dropped, everything else is unmixed as it is.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "io/io_test_util.hpp"
#include "robustness_util.hpp"
#include "unmix/io/info.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/io/read.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;

constexpr int kRows = 5, kCols = 6, kBands = 8, kN = kRows * kCols;
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

float& At(std::vector<float>& v, int band, int pixel) { return v[static_cast<size_t>(band) * kN + pixel]; }

RawEnvi Shape() {
  RawEnvi e;
  e.rows = kRows;
  e.cols = kCols;
  e.bands = kBands;
  return e;
}

// Runs vca-fcls and returns the abundance raster it wrote.
Scene RunAndReadAbundances(const fs::path& input, const fs::path& out, const std::string& more = "") {
  const auto r = RunCli("run -q --method vca-fcls -r 3 " + more + " --input " + Quote(input) + " --out " + Quote(out));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0) return {};
  return io::ReadRaster(out / "abundances.tif");
}

TEST(BadValues, NaNAndInfinitePixelsAreLeftOutAndWrittenAsNodata) {
  ScratchDir dir;
  auto v = MixedValues(kRows, kCols, kBands);
  At(v, 0, 3) = kNaN;
  At(v, 7, 10) = kInf;
  At(v, 4, 29) = -kInf;
  const fs::path scene = WriteFloatEnvi(dir / "s", Shape(), v);
  const Scene read = io::ReadScene(scene);
  EXPECT_EQ(read.valid_count(), kN - 3);
  EXPECT_TRUE(read.data.allFinite());
  const auto info = RunCli("info " + Quote(scene));
  EXPECT_TRUE(Has(info.output, "3 nodata pixels marked invalid")) << info.output;

  const Scene a = RunAndReadAbundances(scene, dir / "o");
  ASSERT_EQ(a.pixels(), kN);
  for (int k : {3, 10, 29}) {
    EXPECT_EQ(a.valid[static_cast<size_t>(k)], 0) << "pixel " << k;
  }
  EXPECT_EQ(a.valid_count(), kN - 3);
  const auto run = JsonFile(dir / "o" / "run.json");
  EXPECT_EQ(run["scene"]["valid_pixels"], kN - 3);

  // The same through a .mat file and a GeoTIFF.
  Scene s = io::ReadScene(WriteFloatEnvi(dir / "clean", Shape(), MixedValues(kRows, kCols, kBands)));
  s.data(0, 3) = kNaN;
  s.data(7, 10) = kInf;
  s.data(4, 29) = -kInf;
  io::WriteMatScene(dir / "s.mat", s);
  EXPECT_EQ(io::ReadScene(dir / "s.mat").valid_count(), kN - 3);
  io::WriteRaster(dir / "s.tif", s);
  EXPECT_EQ(io::ReadScene(dir / "s.tif").valid_count(), kN - 3);
  EXPECT_EQ(RunAndReadAbundances(dir / "s.tif", dir / "o-tif").valid_count(), kN - 3);
}

TEST(BadValues, NegativeReflectanceIsUnmixedAsItIs) {
  ScratchDir dir;
  auto v = MixedValues(kRows, kCols, kBands);
  for (int k = 0; k < kN; k += 4) At(v, 0, k) = -0.02f;  // atmospheric over-correction in band 1
  const fs::path scene = WriteFloatEnvi(dir / "s", Shape(), v);
  EXPECT_EQ(io::ReadScene(scene).valid_count(), kN);
  for (const char* method : {"vca-fcls", "l1-nmf", "bunet2"}) {
    SCOPED_TRACE(method);
    const auto r = RunCli(std::string("run -q --epochs 3 --method ") + method + " -r 3 --input " + Quote(scene) +
                          " --out " + Quote(dir / method));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const Scene a = io::ReadRaster(dir / method / "abundances.tif");
    EXPECT_TRUE(a.data.allFinite());
    EXPECT_GE(a.data.minCoeff(), -1e-6f);
  }
}

TEST(BadValues, SaturatedCountsAreKeptUnlessDeclaredNodata) {
  ScratchDir dir;
  // uint16 counts (ENVI type 12) with some pixels clipped at the sensor maximum.
  RawEnvi e = Shape();
  e.type = 12;
  const auto v = MixedValues(kRows, kCols, kBands);
  std::vector<std::uint16_t> counts(v.size());
  for (size_t i = 0; i < v.size(); ++i) counts[i] = static_cast<std::uint16_t>(v[i] * 40000.0f);
  for (int k : {2, 8, 9})
    for (int b = 0; b < kBands; ++b) counts[static_cast<size_t>(b) * kN + k] = 65535;
  std::string bytes(counts.size() * 2, '\0');
  std::memcpy(bytes.data(), counts.data(), bytes.size());
  Spit(dir / "s.img", bytes);
  Spit(dir / "s.hdr", EnviHeaderText(e));
  // Kept: a saturated pixel is a number like any other.
  Scene a = RunAndReadAbundances(dir / "s.img", dir / "kept");
  EXPECT_EQ(a.valid_count(), kN);
  EXPECT_TRUE(a.data.allFinite());
  // Declared as nodata: left out, written back as nodata.
  a = RunAndReadAbundances(dir / "s.img", dir / "dropped", "--nodata 65535");
  EXPECT_EQ(a.valid_count(), kN - 3);
  for (int k : {2, 8, 9}) {
    EXPECT_EQ(a.valid[static_cast<size_t>(k)], 0);
  }
}

TEST(BadValues, WholeBadBandsAreDroppedNotEveryPixel) {
  ScratchDir dir;
  auto v = MixedValues(kRows, kCols, kBands);
  for (int k = 0; k < kN; ++k) At(v, 2, k) = kNaN;      // a dead detector: band 3 is NaN everywhere
  for (int k = 0; k < kN; ++k) At(v, 6, k) = -9999.0f;  // band 7 holds only the nodata value
  RawEnvi e = Shape();
  e.extra = "data ignore value = -9999\nwavelength = {1, 2, 3, 4, 5, 6, 7, 8}\n";
  const fs::path scene = WriteFloatEnvi(dir / "s", e, v);
  const Scene s = io::ReadScene(scene);
  EXPECT_EQ(s.bands(), kBands - 2);
  EXPECT_EQ(s.valid_count(), kN);
  EXPECT_EQ(s.wavelengths, (std::vector<double>{1, 2, 4, 5, 6, 8}));
  const auto info = RunCli("info " + Quote(scene));
  EXPECT_TRUE(
      Has(info.output, "2 bands hold no value in any pixel (NaN, infinite or nodata): dropped (file bands 3, 7)"))
      << info.output;
  Scene a = RunAndReadAbundances(scene, dir / "o");
  EXPECT_EQ(a.valid_count(), kN);
  // --keep-bad-bands keeps them, and then no pixel is usable: a clear refusal.
  const auto r =
      RunCli("run --method vca-fcls -r 3 --keep-bad-bands --input " + Quote(scene) + " --out " + Quote(dir / "kept"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "no valid pixel to unmix")) << r.output;

  // The same for a .mat scene (NaN band only: .mat files have no nodata value).
  Scene m = io::ReadScene(WriteFloatEnvi(dir / "clean", Shape(), MixedValues(kRows, kCols, kBands)));
  m.data.row(5).setConstant(kNaN);
  io::WriteMatScene(dir / "s.mat", m);
  const Scene back = io::ReadScene(dir / "s.mat");
  EXPECT_EQ(back.bands(), kBands - 1);
  EXPECT_EQ(back.valid_count(), kN);
  const auto mat_info = RunCli("info " + Quote(dir / "s.mat"));
  EXPECT_TRUE(Has(mat_info.output, "1 band holds no value in any pixel (NaN or infinite): dropped (bands 6)"))
      << mat_info.output;
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
