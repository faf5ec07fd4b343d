// The generic entry points: format detection, band options, ground truth from .mat, CSV and
// abundance rasters, and DescribeFile's text and JSON.
#include "unmix/io/read.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

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
using testing::CodedValue;
using testing::InputErrorMessage;
using testing::ScratchDir;

using ::unmix::testing::Contains;

Scene WavelengthScene() {
  Scene s = CodedScene(3, 5, 6);
  s.wavelengths = {0.5, 1.0, 1.4, 1.6, 1.9, 2.2};
  s.wavelength_units = "micrometers";
  return s;
}

TEST(ReadScene, DispatchesByContentAndAppliesBandOptions) {
  ScratchDir dir;
  const Scene s = WavelengthScene();
  WriteMatScene(dir / "s.mat", s);
  WriteRaster(dir / "s.tif", s);
  fs::copy_file(dir / "s.mat", dir / "renamed.bin");  // a .mat under another name
  EXPECT_EQ(DetectFileKind(dir / "renamed.bin"), FileKind::kMat);
  EXPECT_EQ(DetectFileKind(dir / "s.tif"), FileKind::kRaster);
  for (const char* name : {"s.mat", "s.tif", "renamed.bin"}) {
    SCOPED_TRACE(name);
    ReadOptions o;
    o.bands = "1-5";
    o.remove_water_vapor = true;
    const Scene r = ReadScene(dir / name, o);
    EXPECT_EQ(r.wavelengths, (std::vector<double>{0.5, 1.0, 1.6}));
    EXPECT_EQ(r.data(2, 7), CodedValue(3, 1, 2));
  }
  ReadOptions var;
  var.var = "Y";
  EXPECT_THROW(ReadScene(dir / "s.tif", var), OptionError);
  testing::WriteText(dir / "e.csv", "a\n1\n");
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadScene(dir / "e.csv"); }), "not an image"));
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadScene(dir / "gone.img"); }), "gone.img: file not found"));
}

TEST(ReadGroundTruth, FromCsvWithBandMatching) {
  ScratchDir dir;
  Scene scene = WavelengthScene();
  Endmembers e;
  e.spectra = MatrixF::Random(6, 2);
  e.names = {"a", "b"};
  e.wavelengths = scene.wavelengths;
  WriteEndmembersCsv(dir / "e.csv", e);
  const GroundTruth full = ReadGroundTruth(dir / "e.csv", scene);
  ASSERT_TRUE(full.endmembers);
  EXPECT_EQ(full.endmembers->spectra, e.spectra);

  // The scene lost bands: the CSV is matched by wavelength.
  Scene reduced = scene;
  RemoveWaterVaporBands(reduced);
  const GroundTruth matched = ReadGroundTruth(dir / "e.csv", reduced);
  EXPECT_EQ(matched.endmembers->bands(), 4);
  EXPECT_EQ(matched.endmembers->spectra.row(2), e.spectra.row(3));

  // Without wavelengths the --bands string used for the scene picks the same rows.
  Endmembers plain = e;
  plain.wavelengths.clear();
  WriteEndmembersCsv(dir / "plain.csv", plain);
  Scene selected = scene;
  SelectBands(selected, "2-3,6");
  selected.wavelengths.clear();
  ReadOptions o;
  o.bands = "2-3,6";
  const GroundTruth by_spec = ReadGroundTruth(dir / "plain.csv", selected, o);
  EXPECT_EQ(by_spec.endmembers->spectra.row(2), e.spectra.row(5));
  const std::string msg = InputErrorMessage([&] { ReadGroundTruth(dir / "plain.csv", selected); });
  EXPECT_TRUE(Contains(msg, "plain.csv: endmembers: endmembers have 6 bands, the scene has 3")) << msg;
}

TEST(ReadGroundTruth, FromAnAbundanceRaster) {
  ScratchDir dir;
  Scene scene = CodedScene(3, 5, 4);
  scene.valid.assign(15, 1);
  scene.valid[4] = 0;
  Abundances a;
  a.rows = 3;
  a.cols = 5;
  a.values = MatrixF::Constant(2, 15, 0.5f);
  a.values(0, 9) = 0.9f;
  a.names = {"1-tree", "2-soil"};
  WriteAbundanceRaster(dir / "a.tif", a, scene);
  const GroundTruth gt = ReadGroundTruth(dir / "a.tif", scene);
  ASSERT_TRUE(gt.abundances);
  EXPECT_FALSE(gt.endmembers);
  EXPECT_EQ(gt.abundances->names, (std::vector<std::string>{"tree", "soil"}));
  EXPECT_FLOAT_EQ(gt.abundances->values(0, 9), 0.9f);
  EXPECT_EQ(gt.abundances->rows, 3);

  // Maps with a hole where the scene has a valid pixel are rejected, naming the pixel.
  Scene all_valid = scene;
  all_valid.valid.clear();
  std::string msg = InputErrorMessage([&] { ReadGroundTruth(dir / "a.tif", all_valid); });
  EXPECT_TRUE(Contains(msg, "a.tif: pixel (row 1, col 5): no abundance")) << msg;
  Scene other = CodedScene(5, 3, 4);
  msg = InputErrorMessage([&] { ReadGroundTruth(dir / "a.tif", other); });
  EXPECT_TRUE(Contains(msg, "abundance maps are 3 x 5 pixels, the scene is 5 x 3")) << msg;
}

TEST(ReadGroundTruth, FromMatChecksTheSceneShape) {
  ScratchDir dir;
  Abundances a;
  a.rows = 3;
  a.cols = 5;
  a.values = MatrixF::Constant(2, 15, 0.5f);
  WriteMatResult(dir / "r.mat", nullptr, &a);
  Scene same_count = CodedScene(5, 3, 4);  // 15 pixels but another shape
  const std::string msg = InputErrorMessage([&] { ReadGroundTruth(dir / "r.mat", same_count); });
  EXPECT_TRUE(Contains(msg, "r.mat: nRow/nCol: the file's image is 3 x 5 pixels, the scene is 5 x 3")) << msg;
}

TEST(DescribeFile, TextAndJsonForAGeoreferencedRaster) {
  ScratchDir dir;
  Scene s = WavelengthScene();
  s.geo.geotransform = std::array<double, 6>{10, 2, 0, 20, 0, -2};
  s.valid.assign(15, 1);
  s.valid[3] = 0;
  s.data.col(3).setZero();
  WriteRaster(dir / "s.img", s);
  const FileInfo info = DescribeFile(dir / "s.img");
  EXPECT_EQ(info.format, "ENVI");
  EXPECT_EQ(info.content, "scene");
  EXPECT_EQ(info.rows, 3);
  EXPECT_EQ(info.cols, 5);
  EXPECT_EQ(info.bands, 6);
  EXPECT_EQ(info.pixels, 15);
  EXPECT_EQ(info.data_type, "Float32");
  EXPECT_EQ(info.nodata_pixels, 1);
  EXPECT_EQ(*info.wavelength_min, 0.5);
  EXPECT_EQ(*info.wavelength_max, 2.2);
  EXPECT_EQ(info.wavelength_units, "micrometers");
  ASSERT_TRUE(info.geotransform);
  EXPECT_EQ((*info.geotransform)[1], 2.0);

  const std::string text = info.ToText();
  EXPECT_TRUE(Contains(text, "shape        3 rows x 5 cols x 6 bands (15 pixels)")) << text;
  EXPECT_TRUE(Contains(text, "wavelengths  0.5 to 2.2 micrometers")) << text;
  EXPECT_TRUE(Contains(text, "nodata       1 pixels")) << text;
  EXPECT_TRUE(Contains(text, "geotransform origin (10, 20), pixel size (2, -2)")) << text;

  const auto j = nlohmann::json::parse(info.ToJson());
  EXPECT_EQ(j["format"], "ENVI");
  EXPECT_EQ(j["bands"], 6);
  EXPECT_EQ(j["nodata_pixels"], 1);
  EXPECT_EQ(j["nodata_value"], "nan");
  EXPECT_EQ(j["geotransform"][0], 10.0);
  EXPECT_EQ(j["wavelength_units"], "micrometers");

  ReadOptions o;
  o.bands = "1-2";
  EXPECT_EQ(DescribeFile(dir / "s.img", o).bands, 2);
}

TEST(DescribeFile, MatSceneAndCsv) {
  ScratchDir dir;
  WriteMatScene(dir / "s.mat", WavelengthScene());
  const FileInfo info = DescribeFile(dir / "s.mat");
  EXPECT_EQ(info.format, "MAT v5");
  EXPECT_EQ(info.content, "scene");
  EXPECT_EQ(info.variables.size(), 5u);
  const auto j = nlohmann::json::parse(info.ToJson());
  EXPECT_EQ(j["variables"][0]["name"], "Y");
  EXPECT_EQ(j["variables"][0]["dims"][1], 15);

  testing::WriteText(dir / "e.csv", "wavelength,a,b\n0.5,1,2\n");
  const FileInfo csv = DescribeFile(dir / "e.csv");
  EXPECT_EQ(csv.content, "endmembers");
  EXPECT_EQ(csv.endmembers, 2);
  EXPECT_EQ(csv.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(Contains(InputErrorMessage([&] { DescribeFile(dir / "nothing.tif"); }), "nothing.tif: file not found"));
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::io
