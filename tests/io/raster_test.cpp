// Rasters through GDAL: ENVI in BSQ/BIL/BIP made by GDAL itself and by hand (raw bytes + .hdr,
// both byte orders, several data types), GeoTIFF with georeferencing, nodata, bad bands,
// scaling, and the writers' round trips.
#include "unmix/io/raster.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>

#include "io_test_util.hpp"
#include "testing.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/info.hpp"
#include "unmix/io/read.hpp"

namespace fs = std::filesystem;

namespace unmix::io {
namespace UNMIX_TEST_UNIT {

using testing::CodedScene;
using testing::CodedValue;
using testing::InputErrorMessage;
using testing::ScratchDir;

using ::unmix::testing::Contains;

struct GdalClose {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using Dataset = std::unique_ptr<GDALDataset, GdalClose>;

Dataset Open(const fs::path& p) {
  GDALAllRegister();
  return Dataset(static_cast<GDALDataset*>(GDALOpen(p.c_str(), GA_ReadOnly)));
}

// Creates a raster with GDAL directly (independent of unmix's writer), holding CodedValue.
void CreateWithGdal(const fs::path& path, const char* driver, const char* interleave, Index rows, Index cols,
                    Index bands, GDALDataType type = GDT_Float32) {
  GDALAllRegister();
  char** options = CSLSetNameValue(nullptr, "INTERLEAVE", interleave);
  Dataset ds(GetGDALDriverManager()->GetDriverByName(driver)->Create(
      path.c_str(), static_cast<int>(cols), static_cast<int>(rows), static_cast<int>(bands), type, options));
  CSLDestroy(options);
  ASSERT_TRUE(ds);
  std::vector<float> plane(static_cast<size_t>(rows * cols));
  for (Index b = 0; b < bands; ++b) {
    for (Index r = 0; r < rows; ++r)
      for (Index c = 0; c < cols; ++c) plane[static_cast<size_t>(r * cols + c)] = CodedValue(b, r, c);
    GDALRasterBand* band = ds->GetRasterBand(static_cast<int>(b) + 1);
    ASSERT_EQ(band->RasterIO(GF_Write, 0, 0, static_cast<int>(cols), static_cast<int>(rows), plane.data(),
                             static_cast<int>(cols), static_cast<int>(rows), GDT_Float32, 0, 0, nullptr),
              CE_None);
    band->SetDescription(("band " + std::to_string(b + 1)).c_str());
  }
}

std::string Wkt32611() {
  OGRSpatialReference srs;
  srs.importFromEPSG(32611);
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  std::string s = wkt;
  CPLFree(wkt);
  return s;
}

class GdalEnvi : public ::testing::TestWithParam<const char*> {};

TEST_P(GdalEnvi, ReadsEveryInterleaveInRowMajorPixelOrder) {
  ScratchDir dir;
  const fs::path path = dir / "cube.img";
  CreateWithGdal(path, "ENVI", GetParam(), 3, 5, 4);
  const Scene s = ReadRaster(path);
  EXPECT_EQ(s.rows, 3);
  EXPECT_EQ(s.cols, 5);
  EXPECT_EQ(s.data, CodedScene(3, 5, 4).data);
  EXPECT_EQ(s.band_names, (std::vector<std::string>{"band 1", "band 2", "band 3", "band 4"}));
  EXPECT_TRUE(s.valid.empty());
  // The header path works as well as the data path.
  EXPECT_EQ(ReadRaster(dir / "cube.hdr").data, s.data);
  std::string interleave = GetParam();
  for (auto& ch : interleave) ch = static_cast<char>(std::tolower(ch));
  EXPECT_TRUE(Contains(DescribeFile(path).layout, "ENVI " + interleave));
}

INSTANTIATE_TEST_SUITE_P(Interleaves, GdalEnvi, ::testing::Values("BSQ", "BIL", "BIP"));

// ---- hand-written raw files ----------------------------------------------------------------

struct RawCase {
  int envi_type;   // 2 int16, 4 float32, 12 uint16
  int byte_order;  // 0 little, 1 big
  const char* interleave;
};

template <typename T>
void AppendValue(std::string& out, T v, bool big_endian) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  if (big_endian != (std::endian::native == std::endian::big)) std::reverse(bytes, bytes + sizeof(T));
  out.append(bytes, sizeof(T));
}

// Value of band b at (r, c) for the integer files: fits int16 and uint16.
int RawValue(Index b, Index r, Index c) { return static_cast<int>(100 * b + 10 * r + c); }

std::string RawBytes(const RawCase& rc, Index rows, Index cols, Index bands) {
  std::string out;
  auto put = [&](Index b, Index r, Index c) {
    const bool big = rc.byte_order == 1;
    const int v = RawValue(b, r, c);
    if (rc.envi_type == 2)
      AppendValue<std::int16_t>(out, static_cast<std::int16_t>(-v), big);
    else if (rc.envi_type == 12)
      AppendValue<std::uint16_t>(out, static_cast<std::uint16_t>(v), big);
    else
      AppendValue<float>(out, static_cast<float>(v) + 0.25f, big);
  };
  const std::string il = rc.interleave;
  if (il == "bsq") {
    for (Index b = 0; b < bands; ++b)
      for (Index r = 0; r < rows; ++r)
        for (Index c = 0; c < cols; ++c) put(b, r, c);
  } else if (il == "bil") {
    for (Index r = 0; r < rows; ++r)
      for (Index b = 0; b < bands; ++b)
        for (Index c = 0; c < cols; ++c) put(b, r, c);
  } else {
    for (Index r = 0; r < rows; ++r)
      for (Index c = 0; c < cols; ++c)
        for (Index b = 0; b < bands; ++b) put(b, r, c);
  }
  return out;
}

std::string Header(const RawCase& rc, Index rows, Index cols, Index bands, const std::string& extra = "",
                   int offset = 0) {
  return "ENVI\ndescription = {written by hand}\nsamples = " + std::to_string(cols) +
         "\nlines   = " + std::to_string(rows) + "\nbands   = " + std::to_string(bands) +
         "\nheader offset = " + std::to_string(offset) +
         "\nfile type = ENVI Standard\ndata type = " + std::to_string(rc.envi_type) +
         "\ninterleave = " + rc.interleave + "\nbyte order = " + std::to_string(rc.byte_order) + "\n" + extra;
}

class HandWrittenEnvi : public ::testing::TestWithParam<RawCase> {};

TEST_P(HandWrittenEnvi, ReadsDataTypesAndByteOrders) {
  const RawCase rc = GetParam();
  ScratchDir dir;
  testing::WriteText(dir / "raw.dat", RawBytes(rc, 3, 5, 4));
  testing::WriteText(dir / "raw.hdr", Header(rc, 3, 5, 4));
  const Scene s = ReadRaster(dir / "raw.dat");
  ASSERT_EQ(s.bands(), 4);
  ASSERT_EQ(s.rows, 3);
  ASSERT_EQ(s.cols, 5);
  for (Index b = 0; b < 4; ++b)
    for (Index r = 0; r < 3; ++r)
      for (Index c = 0; c < 5; ++c) {
        const float v = static_cast<float>(RawValue(b, r, c));
        const float expected = rc.envi_type == 2 ? -v : rc.envi_type == 12 ? v : v + 0.25f;
        ASSERT_EQ(s.data(b, r * 5 + c), expected) << "band " << b << " pixel " << r << "," << c;
      }
  const FileInfo info = DescribeFile(dir / "raw.dat");
  EXPECT_EQ(info.format, "ENVI");
  EXPECT_TRUE(Contains(info.layout, rc.byte_order ? "big-endian" : "little-endian")) << info.layout;
}

INSTANTIATE_TEST_SUITE_P(TypesAndOrders, HandWrittenEnvi,
                         ::testing::Values(RawCase{2, 0, "bsq"}, RawCase{2, 1, "bil"}, RawCase{4, 0, "bip"},
                                           RawCase{4, 1, "bsq"}, RawCase{12, 0, "bil"}, RawCase{12, 1, "bip"}),
                         [](const auto& info) {
                           return "type" + std::to_string(info.param.envi_type) + "_order" +
                                  std::to_string(info.param.byte_order) + "_" + info.param.interleave;
                         });

TEST(EnviHeaderFields, BadBandsScaleNodataWavelengthsAndNames) {
  ScratchDir dir;
  const RawCase rc{12, 1, "bip"};
  std::string bytes = RawBytes(rc, 3, 5, 4);
  // Pixel (2, 4), band 0 holds the ignore value 9999 (big-endian uint16 at BIP offset).
  const size_t at = static_cast<size_t>(((2 * 5 + 4) * 4 + 0) * 2);
  bytes[at] = static_cast<char>(9999 >> 8);
  bytes[at + 1] = static_cast<char>(9999 & 0xFF);
  testing::WriteText(dir / "f.img", bytes);
  testing::WriteText(dir / "f.hdr", Header(rc, 3, 5, 4,
                                           "wavelength units = Nanometers\n"
                                           "wavelength = {400.5, 500.5,\n 600.5, 700.5}\n"
                                           "band names = {blue, green, red, nir}\n"
                                           "bbl = {1, 0, 1, 1}\n"
                                           "data ignore value = 9999\n"
                                           "reflectance scale factor = 10000\n"));
  const Scene s = ReadRaster(dir / "f.img");
  ASSERT_EQ(s.bands(), 3);  // green dropped
  EXPECT_EQ(s.band_names, (std::vector<std::string>{"blue", "red", "nir"}));
  EXPECT_EQ(s.wavelengths, (std::vector<double>{400.5, 600.5, 700.5}));
  EXPECT_EQ(s.wavelength_units, "nanometers");
  EXPECT_FLOAT_EQ(s.data(1, 1 * 5 + 3), static_cast<float>(RawValue(2, 1, 3)) / 10000.0f);
  ASSERT_EQ(s.valid.size(), 15u);
  EXPECT_EQ(s.valid[14], 0);
  EXPECT_EQ(s.valid_count(), 14);
  EXPECT_EQ(s.data.col(14).squaredNorm(), 0.0f);  // nodata pixels are zeroed

  const FileInfo info = DescribeFile(dir / "f.img");
  EXPECT_EQ(info.file_bands, 4);
  EXPECT_EQ(info.bad_bands, 1);
  EXPECT_EQ(info.scale, 10000.0);
  EXPECT_EQ(info.scale_source, "reflectance scale factor");
  EXPECT_EQ(info.nodata_pixels, 1);
  EXPECT_EQ(info.nodata_value, 9999.0);
  EXPECT_EQ(*info.wavelength_min, 400.5);

  RasterReadOptions keep_all;
  keep_all.drop_bad_bands = false;
  keep_all.apply_scale = false;
  const Scene raw = ReadRaster(dir / "f.img", keep_all);
  EXPECT_EQ(raw.bands(), 4);
  EXPECT_EQ(raw.data(2, 8), static_cast<float>(RawValue(2, 1, 3)));
}

TEST(EnviErrors, HeaderPromisingMoreBytesThanTheFileHolds) {
  ScratchDir dir;
  const RawCase rc{4, 0, "bsq"};
  const std::string bytes = RawBytes(rc, 3, 5, 4);
  testing::WriteText(dir / "short.img", bytes.substr(0, bytes.size() - 6));
  testing::WriteText(dir / "short.hdr", Header(rc, 3, 5, 4));
  const std::string msg = InputErrorMessage([&] { ReadRaster(dir / "short.img"); });
  EXPECT_TRUE(Contains(msg, "short.img")) << msg;
  EXPECT_TRUE(Contains(msg, "promises 240 bytes")) << msg;
  EXPECT_TRUE(Contains(msg, "holds 234")) << msg;
  EXPECT_TRUE(Contains(msg, "truncated")) << msg;

  // A header offset counts too.
  testing::WriteText(dir / "off.img", bytes);
  testing::WriteText(dir / "off.hdr", Header(rc, 3, 5, 4, "", 16));
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadRaster(dir / "off.img"); }), "truncated"));
}

TEST(EnviErrors, HeaderWithoutDataAndMismatchedLists) {
  ScratchDir dir;
  const RawCase rc{4, 0, "bsq"};
  testing::WriteText(dir / "lonely.hdr", Header(rc, 3, 5, 4));
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadRaster(dir / "lonely.hdr"); }), "without its data file"));
  testing::WriteText(dir / "w.img", RawBytes(rc, 3, 5, 4));
  testing::WriteText(dir / "w.hdr", Header(rc, 3, 5, 4, "wavelength = {1, 2, 3}\n"));
  const std::string msg = InputErrorMessage([&] { ReadRaster(dir / "w.img"); });
  EXPECT_TRUE(Contains(msg, "w.hdr: wavelength: expected 4 values")) << msg;
}

TEST(RasterErrors, MissingAndUnreadableFiles) {
  ScratchDir dir;
  std::string msg = InputErrorMessage([&] { ReadRaster(dir / "none.tif"); });
  EXPECT_TRUE(Contains(msg, "none.tif: file not found")) << msg;
  testing::WriteText(dir / "text.tif", "this is not a raster\n");
  msg = InputErrorMessage([&] { ReadRaster(dir / "text.tif"); });
  EXPECT_TRUE(Contains(msg, "text.tif")) << msg;
  EXPECT_TRUE(Contains(msg, "not a raster GDAL can read")) << msg;
  msg = InputErrorMessage([&] { ReadRaster(dir.path()); });
  EXPECT_TRUE(Contains(msg, "is a directory")) << msg;
}

// ---- GeoTIFF and the writers ---------------------------------------------------------------

TEST(GeoTiff, NodataValueNaNAndBandScaleFromGdal) {
  ScratchDir dir;
  const fs::path path = dir / "nd.tif";
  CreateWithGdal(path, "GTiff", "PIXEL", 3, 5, 2);
  {
    GDALAllRegister();
    Dataset ds(static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_Update)));
    ASSERT_TRUE(ds);
    for (int b = 1; b <= 2; ++b) {
      ds->GetRasterBand(b)->SetNoDataValue(-9999);
      ds->GetRasterBand(b)->SetScale(2.0);
      ds->GetRasterBand(b)->SetOffset(1.0);
    }
    float v = -9999.0f, nan = std::numeric_limits<float>::quiet_NaN();
    ASSERT_EQ(ds->GetRasterBand(2)->RasterIO(GF_Write, 1, 0, 1, 1, &v, 1, 1, GDT_Float32, 0, 0, nullptr), CE_None);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 4, 2, 1, 1, &nan, 1, 1, GDT_Float32, 0, 0, nullptr), CE_None);
  }
  const Scene s = ReadRaster(path);
  ASSERT_EQ(s.valid.size(), 15u);
  EXPECT_EQ(s.valid[1], 0);   // (0, 1): nodata in band 2
  EXPECT_EQ(s.valid[14], 0);  // (2, 4): NaN in band 1
  EXPECT_EQ(s.valid_count(), 13);
  EXPECT_FLOAT_EQ(s.data(1, 7), CodedValue(1, 1, 2) * 2.0f + 1.0f);
  EXPECT_EQ(s.data(0, 14), 0.0f);

  RasterReadOptions o;
  o.nodata = CodedValue(0, 0, 0);  // an override replaces the file's value
  const Scene t = ReadRaster(path, o);
  EXPECT_EQ(t.valid[0], 0);
  EXPECT_EQ(t.valid[1], 1);
}

Scene GeoScene() {
  Scene s = CodedScene(3, 5, 4);
  s.wavelengths = {0.45, 0.55, 0.65, 0.75};
  s.wavelength_units = "micrometers";
  s.band_names = {"b1", "b2", "b3", "b4"};
  s.geo.projection_wkt = Wkt32611();
  s.geo.geotransform = std::array<double, 6>{500000.0, 30.0, 0.0, 4100000.0, 0.0, -30.0};
  s.geo.metadata["SENSOR"] = "test";
  s.valid.assign(15, 1);
  s.valid[6] = 0;
  s.data.col(6).setZero();
  return s;
}

void ExpectSameSpatialReference(const std::string& a, const std::string& b) {
  OGRSpatialReference sa(a.c_str()), sb(b.c_str());
  EXPECT_TRUE(sa.IsSame(&sb)) << a << "\nvs\n" << b;
}

TEST(WriteRaster, GeoTiffRoundTripKeepsEverything) {
  ScratchDir dir;
  const Scene s = GeoScene();
  const fs::path path = dir / "scene.tif";
  WriteRaster(path, s);
  EXPECT_EQ(testing::ListDir(dir.path()), std::vector<std::string>{"scene.tif"});
  const Scene back = ReadRaster(path);
  EXPECT_EQ(back.rows, 3);
  EXPECT_EQ(back.cols, 5);
  EXPECT_EQ(back.data, s.data);
  EXPECT_EQ(back.valid, s.valid);
  EXPECT_EQ(back.band_names, s.band_names);
  EXPECT_EQ(back.wavelengths, s.wavelengths);
  EXPECT_EQ(back.wavelength_units, "micrometers");
  ASSERT_TRUE(back.geo.geotransform);
  EXPECT_EQ(*back.geo.geotransform, *s.geo.geotransform);
  ExpectSameSpatialReference(back.geo.projection_wkt, s.geo.projection_wkt);
  EXPECT_EQ(back.geo.metadata.at("SENSOR"), "test");

  // Invalid pixels are NaN in the file, with NaN declared as nodata.
  Dataset ds = Open(path);
  int has = 0;
  EXPECT_TRUE(std::isnan(ds->GetRasterBand(1)->GetNoDataValue(&has)));
  EXPECT_TRUE(has);
  float v = 0;
  ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 1, 1, 1, 1, &v, 1, 1, GDT_Float32, 0, 0, nullptr), CE_None);
  EXPECT_TRUE(std::isnan(v));

  const FileInfo info = DescribeFile(path);
  EXPECT_EQ(info.format, "GTiff");
  EXPECT_EQ(info.projection, "WGS 84 / UTM zone 11N (EPSG:32611)");
  EXPECT_EQ(info.nodata_pixels, 1);
}

class EnviWrite : public ::testing::TestWithParam<Interleave> {};

TEST_P(EnviWrite, RoundTripWritesDataAndHeader) {
  ScratchDir dir;
  const Scene s = GeoScene();
  RasterWriteOptions o;
  o.interleave = GetParam();
  WriteRaster(dir / "scene.img", s, o);
  EXPECT_EQ(testing::ListDir(dir.path()), (std::vector<std::string>{"scene.hdr", "scene.img"}));
  const std::string hdr = testing::ReadText(dir / "scene.hdr");
  const char* il = GetParam() == Interleave::kBsq ? "bsq" : GetParam() == Interleave::kBil ? "bil" : "bip";
  EXPECT_TRUE(Contains(hdr, std::string("interleave = ") + il)) << hdr;
  EXPECT_TRUE(Contains(hdr, "wavelength = {0.45, 0.55, 0.65, 0.75}")) << hdr;
  EXPECT_TRUE(Contains(hdr, "wavelength units = micrometers")) << hdr;
  EXPECT_TRUE(Contains(hdr, "b1,")) << hdr;
  EXPECT_TRUE(Contains(hdr, "description = {\nscene.img}")) << hdr;
  EXPECT_EQ(fs::file_size(dir / "scene.img"), 3u * 5u * 4u * 4u);

  const Scene back = ReadRaster(dir / "scene.img");
  EXPECT_EQ(back.data, s.data);
  EXPECT_EQ(back.valid, s.valid);
  EXPECT_EQ(back.band_names, s.band_names);
  EXPECT_EQ(back.wavelengths, s.wavelengths);
  ASSERT_TRUE(back.geo.geotransform);
  EXPECT_EQ(*back.geo.geotransform, *s.geo.geotransform);
  ExpectSameSpatialReference(back.geo.projection_wkt, s.geo.projection_wkt);
}

INSTANTIATE_TEST_SUITE_P(Interleaves, EnviWrite,
                         ::testing::Values(Interleave::kBsq, Interleave::kBil, Interleave::kBip));

TEST(WriteRaster, EnviWithoutExtensionAndViaHeaderName) {
  ScratchDir dir;
  const Scene s = CodedScene(2, 3, 2);
  WriteRaster(dir / "plain", s);
  EXPECT_EQ(testing::ListDir(dir.path()), (std::vector<std::string>{"plain", "plain.hdr"}));
  EXPECT_EQ(ReadRaster(dir / "plain").data, s.data);
  WriteRaster(dir / "named.hdr", s);
  EXPECT_TRUE(fs::exists(dir / "named"));
  EXPECT_EQ(ReadRaster(dir / "named.hdr").data, s.data);
  EXPECT_THROW(WriteRaster(dir / "x.png", s), OptionError);
}

TEST(WriteRaster, MatrixFormAcceptsAStridedBlockWithoutCopying) {
  ScratchDir dir;
  const Scene s = CodedScene(3, 5, 6);
  RasterLayout layout;
  layout.rows = 3;
  layout.cols = 5;
  layout.band_names = {"x", "y"};
  layout.valid.assign(15, 1);
  layout.valid[0] = 0;
  for (const char* name : {"block.tif", "block.img"}) {
    WriteRaster(dir / name, s.data.middleRows(2, 2), layout);  // outer stride 6, 2 rows
    const Scene back = ReadRaster(dir / name);
    ASSERT_EQ(back.bands(), 2);
    EXPECT_EQ(back.band_names, layout.band_names);
    EXPECT_EQ(back.valid, layout.valid);
    for (Index k = 1; k < 15; ++k) {
      EXPECT_EQ(back.data.col(k), s.data.col(k).segment(2, 2));
    }
  }
  layout.rows = 4;
  EXPECT_THROW(WriteRaster(dir / "bad.tif", s.data, layout), Error);
}

TEST(WriteRaster, AbundanceMapsAreNamedAndGeoreferenced) {
  ScratchDir dir;
  const Scene like = GeoScene();
  Abundances a;
  a.rows = 3;
  a.cols = 5;
  a.values = MatrixF::Constant(2, 15, 0.25f);
  a.values.row(1).setConstant(0.75f);
  a.names = {"tree", "water"};
  for (RasterFormat f : {RasterFormat::kGTiff, RasterFormat::kEnvi}) {
    const fs::path path = dir / (f == RasterFormat::kGTiff ? "ab.tif" : "ab.img");
    WriteAbundanceRaster(path, a, like, f);
    Dataset ds = Open(path);
    ASSERT_TRUE(ds);
    EXPECT_EQ(ds->GetRasterCount(), 2);
    EXPECT_STREQ(ds->GetRasterBand(1)->GetDescription(), "tree");
    EXPECT_STREQ(ds->GetRasterBand(2)->GetDescription(), "water");
    const Scene back = ReadRaster(path);
    EXPECT_EQ(back.valid, like.valid);
    EXPECT_FLOAT_EQ(back.data(1, 0), 0.75f);
    EXPECT_EQ(back.data(1, 6), 0.0f);  // the invalid pixel came back as nodata
    ASSERT_TRUE(back.geo.geotransform);
    EXPECT_EQ(*back.geo.geotransform, *like.geo.geotransform);
  }
  Abundances wrong = a;
  wrong.values.resize(2, 14);
  wrong.cols = 7;
  wrong.rows = 2;
  EXPECT_THROW(WriteAbundanceRaster(dir / "bad.tif", wrong, like), Error);
}

// ---- large files: several strips per read ---------------------------------------------------
// The reader works through a file in strips of rows (a few million values each). 150 x 300
// pixels x 100 bands is two or three strips. Every interleave, byte order and data type, and a
// bad-band list, read by ReadRaster against GDAL's own pixel-major read of the same file.

struct StripCase {
  const char* interleave;
  int envi_type;  // 1 uint8, 2 int16, 3 int32 (read through GDAL), 4 float32, 12 uint16
  bool big_endian;
  bool bad_bands;  // a bbl list dropping bands 1, 50 and 100
};

class EnviStrips : public ::testing::TestWithParam<StripCase> {};

TEST_P(EnviStrips, EqualGdalsPixelMajorRead) {
  const StripCase tc = GetParam();
  constexpr Index kRows = 150, kCols = 300, kBands = 100;
  ScratchDir dir;
  const fs::path data = dir / "big.img";
  const int size = tc.envi_type == 1 ? 1 : tc.envi_type == 2 || tc.envi_type == 12 ? 2 : 4;
  std::vector<unsigned char> bytes(static_cast<size_t>(kRows * kCols * kBands * size));
  const std::string il = tc.interleave;
  for (Index b = 0; b < kBands; ++b)
    for (Index r = 0; r < kRows; ++r)
      for (Index c = 0; c < kCols; ++c) {
        const Index at = il == "bsq"   ? (b * kRows + r) * kCols + c
                         : il == "bil" ? (r * kBands + b) * kCols + c
                                       : (r * kCols + c) * kBands + b;
        const std::int64_t v = (b * 7 + r * 13 + c * 3) % 250;
        unsigned char raw[4] = {};
        if (tc.envi_type == 1) {
          raw[0] = static_cast<unsigned char>(v);
        } else if (tc.envi_type == 2) {
          const auto x = static_cast<std::int16_t>(v * 100 - 12000);
          std::memcpy(raw, &x, 2);
        } else if (tc.envi_type == 12) {
          const auto x = static_cast<std::uint16_t>(v * 200 + 7);
          std::memcpy(raw, &x, 2);
        } else if (tc.envi_type == 3) {
          const auto x = static_cast<std::int32_t>(v * 100000 - 7);
          std::memcpy(raw, &x, 4);
        } else {
          const float x = static_cast<float>(v) * 0.01f + 0.001f;
          std::memcpy(raw, &x, 4);
        }
        if (tc.big_endian) std::reverse(raw, raw + size);
        std::memcpy(bytes.data() + at * size, raw, static_cast<size_t>(size));
      }
  std::ofstream(data, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  std::string header = "ENVI\nsamples = " + std::to_string(kCols) + "\nlines = " + std::to_string(kRows) +
                       "\nbands = " + std::to_string(kBands) + "\nheader offset = 0\nfile type = ENVI Standard\n" +
                       "data type = " + std::to_string(tc.envi_type) + "\ninterleave = " + il +
                       "\nbyte order = " + (tc.big_endian ? "1" : "0") + "\n";
  std::vector<int> keep;
  for (int b = 1; b <= kBands; ++b)
    if (!tc.bad_bands || (b != 1 && b != 50 && b != 100)) keep.push_back(b);
  if (tc.bad_bands) {
    header += "bbl = {";
    for (int b = 1; b <= kBands; ++b)
      header += std::string(b > 1 ? ", " : "") + (b == 1 || b == 50 || b == 100 ? "0" : "1");
    header += "}\n";
  }
  std::ofstream(dir / "big.hdr") << header;

  const Scene s = ReadRaster(data);
  ASSERT_EQ(s.data.rows(), static_cast<Index>(keep.size()));
  ASSERT_EQ(s.data.cols(), kRows * kCols);
  // GDAL's own read, pixel-major, of the kept bands.
  Dataset ds(static_cast<GDALDataset*>(GDALOpen(data.c_str(), GA_ReadOnly)));
  ASSERT_TRUE(ds);
  MatrixF expect(static_cast<Index>(keep.size()), kRows * kCols);
  const GSpacing f = sizeof(float), p = static_cast<GSpacing>(keep.size());
  ASSERT_EQ(ds->RasterIO(GF_Read, 0, 0, kCols, kRows, expect.data(), kCols, kRows, GDT_Float32,
                         static_cast<int>(keep.size()), keep.data(), f * p, f * p * kCols, f, nullptr),
            CE_None);
  EXPECT_EQ(s.data, expect);
  EXPECT_NE(s.data(0, 0), s.data(1, 0));  // the bands differ: the comparison is not trivial
}

INSTANTIATE_TEST_SUITE_P(EveryLayout, EnviStrips,
                         ::testing::Values(StripCase{"bsq", 2, false, false}, StripCase{"bil", 2, true, false},
                                           StripCase{"bip", 2, false, true}, StripCase{"bsq", 12, true, true},
                                           StripCase{"bil", 12, false, true}, StripCase{"bip", 12, true, false},
                                           StripCase{"bsq", 4, true, false}, StripCase{"bil", 4, false, true},
                                           StripCase{"bip", 4, false, false}, StripCase{"bil", 1, false, false},
                                           StripCase{"bsq", 3, false, true}, StripCase{"bil", 3, true, false}));

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::io
