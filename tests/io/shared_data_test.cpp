// The real benchmark files in ../shared/data, read through the real readers. Each test skips
// visibly when its file is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "io_test_util.hpp"
#include "testing.hpp"
#include "unmix/io/info.hpp"
#include "unmix/io/library.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/read.hpp"

namespace unmix::io {
namespace UNMIX_TEST_UNIT {

double RelativeResidual(const MatrixF& y, const MatrixF& m, const MatrixF& a) {
  const MatrixD yd = y.cast<double>();
  return (yd - m.cast<double>() * a.cast<double>()).norm() / yd.norm();
}

TEST(SharedData, JasperRidgeSceneIsScaledByMaxValue) {
  UNMIX_REQUIRE_SHARED_FILE(path, "jasper_ridge/jasperRidge2_R198.mat");
  const Scene s = ReadMatScene(path);
  EXPECT_EQ(s.bands(), 198);
  EXPECT_EQ(s.pixels(), 10000);
  EXPECT_EQ(s.rows, 100);
  EXPECT_EQ(s.cols, 100);
  EXPECT_TRUE(s.wavelengths.empty());  // the file has none
  EXPECT_TRUE(s.all_valid());
  EXPECT_NEAR(s.data.maxCoeff(), 5437.0 / 5000.0, 1e-5);
  EXPECT_GE(s.data.minCoeff(), 0.0f);

  // Without scaling the raw counts come back, in the same places.
  MatSceneOptions raw;
  raw.apply_max_value = false;
  const Scene r = ReadMatScene(path, raw);
  EXPECT_NEAR(r.data.maxCoeff(), 5437.0, 1e-3);
  EXPECT_NEAR(r.data(17, 4321) / 5000.0, s.data(17, 4321), 1e-6);

  const FileInfo info = DescribeFile(path);
  EXPECT_EQ(info.format, "MAT v5");
  EXPECT_EQ(info.content, "scene");
  EXPECT_EQ(info.scale, 5000.0);
  EXPECT_EQ(info.scale_source, "maxValue");
  EXPECT_NE(info.ToText().find("nBand = 224 differs"), std::string::npos) << info.ToText();
}

TEST(SharedData, JasperRidgeGroundTruthFitsTheSceneInTheSamePixelOrder) {
  UNMIX_REQUIRE_SHARED_FILE(scene_path, "jasper_ridge/jasperRidge2_R198.mat");
  UNMIX_REQUIRE_SHARED_FILE(gt_path, "jasper_ridge/JasperRidge2_end4.mat");
  const Scene s = ReadMatScene(scene_path);
  const GroundTruth gt = ReadMatGroundTruth(gt_path, &s);
  ASSERT_TRUE(gt.endmembers && gt.abundances);
  EXPECT_EQ(gt.endmembers->bands(), 198);
  EXPECT_EQ(gt.endmembers->count(), 4);
  EXPECT_EQ(gt.abundances->count(), 4);
  EXPECT_EQ(gt.abundances->pixels(), 10000);
  EXPECT_EQ(gt.endmembers->names, (std::vector<std::string>{"tree", "water", "dirt", "road"}));
  EXPECT_EQ(gt.abundances->names, gt.endmembers->names);
  // Sum-to-one survives the reordering.
  EXPECT_NEAR((gt.abundances->values.colwise().sum().array() - 1.0f).abs().maxCoeff(), 0.0, 1e-5);

  const double residual = RelativeResidual(s.data, gt.endmembers->spectra, gt.abundances->values);
  EXPECT_GE(residual, 0.15);
  EXPECT_LE(residual, 0.20);

  // The abundances left in file order (MATLAB column-major) do not fit the row-major scene.
  const GroundTruth wrong = ReadMatGroundTruth(gt_path, &s, MatPixelOrder::kRowMajor);
  const double wrong_residual = RelativeResidual(s.data, wrong.endmembers->spectra, wrong.abundances->values);
  EXPECT_GT(wrong_residual, 2.0 * residual) << "wrong order " << wrong_residual;

  // The same through the generic entry point.
  const GroundTruth again = ReadGroundTruth(gt_path, s);
  EXPECT_TRUE(again.abundances->values.isApprox(gt.abundances->values));
}

TEST(SharedData, JasperRidgeGroundTruthWithoutASceneKeepsFileOrder) {
  UNMIX_REQUIRE_SHARED_FILE(gt_path, "jasper_ridge/JasperRidge2_end4.mat");
  const GroundTruth gt = ReadMatGroundTruth(gt_path);
  ASSERT_TRUE(gt.abundances);
  EXPECT_EQ(gt.abundances->rows, 10000);
  EXPECT_EQ(gt.abundances->cols, 1);
  const FileInfo info = DescribeFile(gt_path);
  EXPECT_EQ(info.content, "ground truth");
  EXPECT_EQ(info.endmembers, 4);
}

TEST(SharedData, UsgsLibraryIsSortedAndNamed) {
  UNMIX_REQUIRE_SHARED_FILE(path, "usgs_library/USGS_1995_Library.mat");
  const SpectralLibrary lib = ReadSpectralLibrary(path);
  EXPECT_EQ(lib.bands(), 224);
  EXPECT_EQ(lib.count(), 498);
  ASSERT_EQ(lib.names.size(), 498u);
  ASSERT_EQ(lib.wavelengths.size(), 224u);
  EXPECT_TRUE(std::is_sorted(lib.wavelengths.begin(), lib.wavelengths.end()));
  EXPECT_NEAR(lib.wavelengths.front(), 0.383, 1e-3);
  EXPECT_NEAR(lib.wavelengths.back(), 2.508, 1e-3);
  EXPECT_EQ(lib.wavelength_units, "micrometers");
  EXPECT_EQ(lib.names.front().rfind("Acmite", 0), 0u) << lib.names.front();
  EXPECT_EQ(lib.Find("acmite"), 0);
  for (const auto& n : lib.names) {  // padding removed
    ASSERT_FALSE(n.empty());
    EXPECT_FALSE(std::isspace(static_cast<unsigned char>(n.back()))) << "'" << n << "'";
  }
  EXPECT_EQ(lib.names.front(), "Acmite NMNH133746");
  EXPECT_GT(lib.spectra.minCoeff(), 0.0);
  EXPECT_LT(lib.spectra.maxCoeff(), 1.1);

  const FileInfo info = DescribeFile(path);
  EXPECT_EQ(info.content, "spectral library");
  EXPECT_EQ(info.endmembers, 498);
}

TEST(SharedData, CupriteGroundTruthHasTwelveEndmembersWithWavelengths) {
  UNMIX_REQUIRE_SHARED_FILE(path, "cuprite/Cuprite_GT_nEnd12.mat");
  const GroundTruth gt = ReadMatGroundTruth(path);
  ASSERT_TRUE(gt.endmembers);
  EXPECT_FALSE(gt.abundances);
  EXPECT_EQ(gt.endmembers->bands(), 224);
  EXPECT_EQ(gt.endmembers->count(), 12);
  ASSERT_EQ(gt.endmembers->wavelengths.size(), 224u);
  EXPECT_NEAR(gt.endmembers->wavelengths.front(), 0.3999, 1e-3);
  EXPECT_EQ(gt.endmembers->names.front(), "Alunite");
  EXPECT_EQ(gt.endmembers->names[4], "Kaolinite_1");
  EXPECT_EQ(gt.endmembers->names.back(), "Chalcedony");

  // Against a 188-band scene the file's slctBnds index picks the bands...
  Scene s188 = testing::CodedScene(2, 2, 188);
  const GroundTruth by_index = ReadMatGroundTruth(path, &s188);
  EXPECT_EQ(by_index.endmembers->bands(), 188);
  // ... and with wavelengths the matching is by wavelength (here every other band).
  Scene s112 = testing::CodedScene(2, 2, 112);
  for (Index b = 0; b < 112; ++b)
    s112.wavelengths.push_back(gt.endmembers->wavelengths[static_cast<size_t>(2 * b)] * 1000.0);
  s112.wavelength_units = "nanometers";
  const GroundTruth by_wl = ReadMatGroundTruth(path, &s112);
  ASSERT_EQ(by_wl.endmembers->bands(), 112);
  EXPECT_EQ(by_wl.endmembers->spectra(5, 3), gt.endmembers->spectra(10, 3));
  // A scene with an unrelated band count is a clear error.
  Scene s50 = testing::CodedScene(2, 2, 50);
  const std::string msg = testing::InputErrorMessage([&] { ReadMatGroundTruth(path, &s50); });
  EXPECT_NE(msg.find("Cuprite_GT_nEnd12.mat"), std::string::npos) << msg;
  EXPECT_NE(msg.find("224 bands, the scene has 50"), std::string::npos) << msg;
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::io
