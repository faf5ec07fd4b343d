// Report images: colour map, block averaging, PNG encoding (decoded back with GDAL), preview.
#include "unmix/report/image.hpp"

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "unmix/core/error.hpp"

namespace unmix::report {
namespace UNMIX_TEST_UNIT {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// A PNG decoded by GDAL: size, bands, pixels (band-sequential) and the colour table if any.
struct Decoded {
  int cols = 0, rows = 0, bands = 0;
  std::vector<std::vector<std::uint8_t>> pixels;
  std::vector<GDALColorEntry> palette;
  std::string driver;
};

Decoded DecodePng(const std::string& png) {
  GDALAllRegister();
  static int n = 0;
  const std::string name = "/vsimem/report-test-" + std::to_string(n++) + ".png";
  VSILFILE* f =
      VSIFileFromMemBuffer(name.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(png.data())), png.size(), FALSE);
  VSIFCloseL(f);
  Decoded d;
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(name.c_str(), GA_ReadOnly));
  if (!ds) {
    VSIUnlink(name.c_str());
    return d;
  }
  d.driver = ds->GetDriver()->GetDescription();
  d.cols = ds->GetRasterXSize();
  d.rows = ds->GetRasterYSize();
  d.bands = ds->GetRasterCount();
  for (int b = 1; b <= d.bands; ++b) {
    std::vector<std::uint8_t> v(static_cast<size_t>(d.cols * d.rows));
    EXPECT_EQ(ds->GetRasterBand(b)->RasterIO(GF_Read, 0, 0, d.cols, d.rows, v.data(), d.cols, d.rows, GDT_Byte, 0, 0,
                                             nullptr),
              CE_None);
    d.pixels.push_back(std::move(v));
  }
  if (const GDALColorTable* t = ds->GetRasterBand(1)->GetColorTable())
    for (int i = 0; i < t->GetColorEntryCount(); ++i) d.palette.push_back(*t->GetColorEntry(i));
  GDALClose(ds);
  VSIUnlink(name.c_str());
  return d;
}

double Luminance(const Rgb& c) { return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; }

TEST(ColourMap, ViridisEndsMiddleAndMonotonicLightness) {
  EXPECT_EQ(Viridis(0.0), (Rgb{68, 1, 84}));     // #440154
  EXPECT_EQ(Viridis(1.0), (Rgb{253, 231, 37}));  // #fde725
  EXPECT_EQ(Viridis(0.5), (Rgb{33, 145, 140}));  // #21918c
  EXPECT_EQ(Viridis(-3.0), Viridis(0.0));
  EXPECT_EQ(Viridis(7.0), Viridis(1.0));
  EXPECT_EQ(Viridis(std::nan("")), Viridis(0.0));
  const auto& t = ViridisTable();
  // Lightness rises steadily; 8-bit rounding leaves steps of under half a grey level either way.
  for (size_t i = 1; i < t.size(); ++i) {
    EXPECT_GT(Luminance(t[i]) - Luminance(t[i - 1]), -0.5) << i;
  }
  for (size_t i = 4; i < t.size(); ++i) {
    EXPECT_LT(Luminance(t[i - 4]), Luminance(t[i])) << i;
  }
}

TEST(BlockAverage, FactorFitsTheLongestSide) {
  EXPECT_EQ(BlockFactor(100, 100, 256), 1);
  EXPECT_EQ(BlockFactor(256, 10, 256), 1);
  EXPECT_EQ(BlockFactor(257, 10, 256), 2);
  EXPECT_EQ(BlockFactor(1000, 1000, 256), 4);
  EXPECT_EQ(BlockFactor(300, 1000, 256), 4);
  EXPECT_EQ(BlockFactor(5000, 20, 400), 13);
}

TEST(BlockAverage, MeansOfValidPixelsWithPartialEdgeBlocks) {
  // A 5 x 5 image reduced to 3 x 3 (blocks of 2, partial at the right and bottom).
  const Index rows = 5, cols = 5;
  MatrixF v(2, rows * cols);
  for (Index k = 0; k < rows * cols; ++k) {
    v(0, k) = static_cast<float>(k);
    v(1, k) = 1.0f;
  }
  std::vector<std::uint8_t> valid(static_cast<size_t>(rows * cols), 1);
  valid[0] = 0;                // (0,0): left out of block (0,0)
  valid[4] = 0, valid[9] = 0;  // (0,4), (1,4): block (0,2) has no valid pixel
  const DisplayMaps d = BlockAverage(v, rows, cols, valid, 3);
  EXPECT_EQ(d.factor, 2);
  EXPECT_EQ(d.rows, 3);
  EXPECT_EQ(d.cols, 3);
  EXPECT_EQ(d.source_rows, 5);
  EXPECT_FLOAT_EQ(d.values(0, 0), (1 + 5 + 6) / 3.0f);
  EXPECT_FLOAT_EQ(d.values(0, 1), (2 + 3 + 7 + 8) / 4.0f);
  EXPECT_TRUE(std::isnan(d.values(0, 2)));
  EXPECT_TRUE(std::isnan(d.values(1, 2)));
  EXPECT_FLOAT_EQ(d.values(0, 2 * 3 + 2), 24.0f);  // the corner block holds one pixel
  EXPECT_FLOAT_EQ(d.values(0, 2 * 3 + 0), (20 + 21) / 2.0f);
  EXPECT_FLOAT_EQ(d.values(1, 4), 1.0f);
  // An image that fits is returned as is.
  const DisplayMaps same = BlockAverage(v, rows, cols, {}, 256);
  EXPECT_EQ(same.factor, 1);
  EXPECT_EQ(same.values, v);
}

TEST(Png, MapIsPalettedViridisWithTransparentNoData) {
  EXPECT_EQ(MapIndex(0.0, 0, 1), 0);
  EXPECT_EQ(MapIndex(1.0, 0, 1), 254);
  EXPECT_EQ(MapIndex(0.5, 0, 1), 127);
  EXPECT_EQ(MapIndex(-0.2, 0, 1), 0);
  EXPECT_EQ(MapIndex(1.7, 0, 1), 254);
  EXPECT_EQ(MapIndex(std::nan(""), 0, 1), kNoDataIndex);

  const Index rows = 3, cols = 4;
  const std::vector<float> values = {0.0f, 0.25f, 0.5f, 1.0f, kNaN, 0.1f, 0.9f, 0.3f, 1.2f, -1.0f, 0.75f, kNaN};
  const std::string png = MapPng(values.data(), rows, cols);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const Decoded d = DecodePng(png);
  EXPECT_EQ(d.driver, "PNG");
  ASSERT_EQ(d.bands, 1);
  EXPECT_EQ(d.cols, 4);
  EXPECT_EQ(d.rows, 3);
  for (size_t k = 0; k < values.size(); ++k) {
    EXPECT_EQ(d.pixels[0][k], MapIndex(values[k], 0, 1)) << k;
  }
  ASSERT_EQ(d.palette.size(), 256u);
  EXPECT_EQ(d.palette[0].c1, 68);
  EXPECT_EQ(d.palette[0].c3, 84);
  EXPECT_EQ(d.palette[0].c4, 255);
  EXPECT_EQ(d.palette[254].c1, 253);
  EXPECT_EQ(d.palette[254].c2, 231);
  EXPECT_EQ(d.palette[kNoDataIndex].c4, 0);  // transparent
}

TEST(Png, RgbRoundTripsExactly) {
  Image8 img;
  img.rows = 7;
  img.cols = 5;
  img.channels = 3;
  for (Index k = 0; k < img.rows * img.cols * 3; ++k) img.pixels.push_back(static_cast<std::uint8_t>(k * 37 % 256));
  const Decoded d = DecodePng(EncodePng(img));
  ASSERT_EQ(d.bands, 3);
  EXPECT_EQ(d.cols, 5);
  EXPECT_EQ(d.rows, 7);
  for (Index k = 0; k < img.rows * img.cols; ++k)
    for (int c = 0; c < 3; ++c)
      EXPECT_EQ(d.pixels[static_cast<size_t>(c)][static_cast<size_t>(k)], img.pixels[static_cast<size_t>(k * 3 + c)]);
  img.pixels.pop_back();
  EXPECT_THROW(EncodePng(img), Error);
}

TEST(Preview, TrueColourBandsWhenTheVisibleIsCovered) {
  std::vector<double> um;
  for (int b = 0; b < 224; ++b) um.push_back(0.4 + 2.1 * b / 223.0);
  bool tc = false;
  const auto bands = PreviewBands(um, "micrometers", 224, &tc);
  EXPECT_TRUE(tc);
  const auto nm = WavelengthsInNanometres(um, "micrometers");
  EXPECT_NEAR(nm[static_cast<size_t>(bands[0])], 640, 5);
  EXPECT_NEAR(nm[static_cast<size_t>(bands[1])], 550, 5);
  EXPECT_NEAR(nm[static_cast<size_t>(bands[2])], 460, 5);
  // Units guessed from the values: the same bands in nanometres without units.
  EXPECT_EQ(PreviewBands(nm, "", 224, &tc), bands);
  // Short-wave infrared only, or no wavelengths: bands spread over the range, longest in red.
  std::vector<double> swir;
  for (int b = 0; b < 100; ++b) swir.push_back(1000 + 15.0 * b);
  EXPECT_EQ(PreviewBands(swir, "nanometers", 100, &tc), (std::array<Index, 3>{82, 49, 16}));
  EXPECT_FALSE(tc);
  EXPECT_EQ(PreviewBands({}, "", 100, &tc), (std::array<Index, 3>{82, 49, 16}));
  EXPECT_FALSE(tc);
}

TEST(Preview, StretchedReducedAndInvalidBlocksBlack) {
  Scene s;
  s.rows = 600;
  s.cols = 900;
  s.data.resize(3, s.rows * s.cols);
  for (Index k = 0; k < s.pixels(); ++k)
    for (int b = 0; b < 3; ++b) s.data(b, k) = static_cast<float>((k % s.cols) * (b + 1));
  s.valid.assign(static_cast<size_t>(s.pixels()), 1);
  for (Index r = 0; r < 10; ++r)
    for (Index c = 0; c < 10; ++c) s.valid[static_cast<size_t>(r * s.cols + c)] = 0;
  const ScenePreview p = MakeScenePreview(s, 400);
  EXPECT_FALSE(p.true_colour);
  EXPECT_EQ(p.image.cols, 300);  // factor 3
  EXPECT_EQ(p.image.rows, 200);
  EXPECT_NE(p.caption.find("false colour"), std::string::npos) << p.caption;
  EXPECT_NE(p.caption.find("2nd and 98th percentile"), std::string::npos);
  for (int c = 0; c < 3; ++c) {
    int lo = 255, hi = 0;
    for (Index k = 0; k < p.image.rows * p.image.cols; ++k) {
      lo = std::min<int>(lo, p.image.pixels[static_cast<size_t>(k * 3 + c)]);
      hi = std::max<int>(hi, p.image.pixels[static_cast<size_t>(k * 3 + c)]);
    }
    EXPECT_EQ(lo, 0);
    EXPECT_EQ(hi, 255);
  }
  // The first 3 x 3 blocks are all invalid: black.
  EXPECT_EQ(p.image.pixels[0] + p.image.pixels[1] + p.image.pixels[2], 0);
  const Decoded d = DecodePng(EncodePng(p.image));
  EXPECT_EQ(d.cols, 300);
  EXPECT_EQ(d.bands, 3);
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64(std::string("\xff\xfe\x00", 3)), "//4A");
  EXPECT_EQ(DataUri("image/png", "foo"), "data:image/png;base64,Zm9v");
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::report
