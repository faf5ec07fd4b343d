// .mat reading and writing: the benchmark layouts, pixel-order conversion on a non-square
// image, v5 and v7.3 round trips, and clear errors for bad files.
#include "unmix/io/mat.hpp"

#include <gtest/gtest.h>
#include <matio.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "io_test_util.hpp"
#include "testing.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/info.hpp"

namespace fs = std::filesystem;

namespace unmix::io {
namespace UNMIX_TEST_UNIT {

using testing::CodedScene;
using testing::CodedValue;
using testing::InputErrorMessage;
using testing::MatBuilder;
using testing::ScratchDir;

using ::unmix::testing::Contains;

// Reads a numeric variable straight through matio (independent of unmix's reader).
std::vector<double> RawVariable(const fs::path& path, const char* name, std::vector<size_t>* dims = nullptr) {
  mat_t* mat = Mat_Open(path.c_str(), MAT_ACC_RDONLY);
  EXPECT_NE(mat, nullptr);
  if (!mat) return {};
  matvar_t* v = Mat_VarRead(mat, name);
  std::vector<double> out;
  if (v) {
    EXPECT_EQ(v->class_type, MAT_C_DOUBLE) << name;
    size_t n = 1;
    if (dims) dims->clear();
    for (int i = 0; i < v->rank; ++i) {
      n *= v->dims[i];
      if (dims) dims->push_back(v->dims[i]);
    }
    const double* d = static_cast<const double*>(v->data);
    out.assign(d, d + n);
    Mat_VarFree(v);
  } else {
    ADD_FAILURE() << "no variable " << name << " in " << path;
  }
  Mat_Close(mat);
  return out;
}

class MatVersions : public ::testing::TestWithParam<MatVersion> {};

TEST_P(MatVersions, SceneRoundTripKeepsValuesShapeOrderAndWavelengths) {
  ScratchDir dir;
  Scene s = CodedScene(3, 5, 4);  // non-square, so a transposed order cannot pass
  s.wavelengths = {0.45, 0.55, 0.65, 0.75};
  s.wavelength_units = "micrometers";
  const fs::path path = dir / "scene.mat";
  MatWriteOptions options;
  options.version = GetParam();
  WriteMatScene(path, s, options);

  // The file holds MATLAB's column-major pixel order: Y(:, r + nRow*c) is pixel (r, c).
  std::vector<size_t> dims;
  const auto y = RawVariable(path, "Y", &dims);
  ASSERT_EQ(dims, (std::vector<size_t>{4, 15}));
  for (Index r = 0; r < 3; ++r)
    for (Index c = 0; c < 5; ++c)
      for (Index b = 0; b < 4; ++b) EXPECT_EQ(y[static_cast<size_t>(b + 4 * (r + 3 * c))], CodedValue(b, r, c));
  EXPECT_EQ(RawVariable(path, "nRow"), std::vector<double>{3});
  EXPECT_EQ(RawVariable(path, "nCol"), std::vector<double>{5});
  EXPECT_EQ(RawVariable(path, "nBand"), std::vector<double>{4});

  const Scene back = ReadMatScene(path);
  EXPECT_EQ(back.rows, 3);
  EXPECT_EQ(back.cols, 5);
  EXPECT_EQ(back.data, s.data);
  EXPECT_EQ(back.wavelengths, s.wavelengths);
  EXPECT_EQ(back.wavelength_units, "micrometers");
  EXPECT_TRUE(back.valid.empty());
  EXPECT_EQ(DescribeFile(path).format, GetParam() == MatVersion::kV73 ? "MAT v7.3" : "MAT v5");
}

TEST_P(MatVersions, SceneRoundTripKeepsInvalidPixels) {
  ScratchDir dir;
  Scene s = CodedScene(3, 5, 2);
  s.valid.assign(15, 1);
  s.valid[7] = 0;  // pixel (1, 2)
  s.data.col(7).setZero();
  const fs::path path = dir / "masked.mat";
  MatWriteOptions options;
  options.version = GetParam();
  WriteMatScene(path, s, options);
  const Scene back = ReadMatScene(path);
  EXPECT_EQ(back.valid, s.valid);
  EXPECT_EQ(back.valid_count(), 14);
}

TEST_P(MatVersions, ResultRoundTripUsesTheBenchmarkLayout) {
  ScratchDir dir;
  Endmembers e;
  e.spectra.resize(4, 2);
  e.spectra << 0.1f, 0.5f, 0.2f, 0.6f, 0.3f, 0.7f, 0.4f, 0.8f;
  e.names = {"grass", "soil"};
  e.wavelengths = {0.5, 0.6, 0.7, 0.8};
  Abundances a;
  a.rows = 3;
  a.cols = 5;
  a.values.resize(2, 15);
  for (Index r = 0; r < 3; ++r)
    for (Index c = 0; c < 5; ++c) {
      a.values(0, r * 5 + c) = static_cast<float>(r * 5 + c) / 16.0f;
      a.values(1, r * 5 + c) = 1.0f - a.values(0, r * 5 + c);
    }
  a.names = e.names;
  const fs::path path = dir / "result.mat";
  MatWriteOptions options;
  options.version = GetParam();
  WriteMatResult(path, &e, &a, options);

  std::vector<size_t> dims;
  const auto raw_a = RawVariable(path, "A", &dims);
  ASSERT_EQ(dims, (std::vector<size_t>{2, 15}));
  for (Index r = 0; r < 3; ++r)
    for (Index c = 0; c < 5; ++c) EXPECT_EQ(raw_a[static_cast<size_t>(2 * (r + 3 * c))], a.values(0, r * 5 + c));
  const auto raw_m = RawVariable(path, "M", &dims);
  EXPECT_EQ(dims, (std::vector<size_t>{4, 2}));
  EXPECT_FLOAT_EQ(static_cast<float>(raw_m[5]), 0.6f);  // M(2, 2), column-major

  const GroundTruth gt = ReadMatGroundTruth(path);
  ASSERT_TRUE(gt.endmembers && gt.abundances);
  EXPECT_EQ(gt.endmembers->spectra, e.spectra);
  EXPECT_EQ(gt.endmembers->names, e.names);
  EXPECT_EQ(gt.endmembers->wavelengths, e.wavelengths);
  EXPECT_EQ(gt.abundances->rows, 3);
  EXPECT_EQ(gt.abundances->cols, 5);
  EXPECT_EQ(gt.abundances->values, a.values);
  EXPECT_EQ(gt.abundances->names, e.names);

  // Abundances alone are fine too.
  WriteMatResult(dir / "only_a.mat", nullptr, &a, options);
  EXPECT_EQ(ReadMatGroundTruth(dir / "only_a.mat").abundances->values, a.values);
}

INSTANTIATE_TEST_SUITE_P(V5AndV73, MatVersions, ::testing::Values(MatVersion::kV5, MatVersion::kV73),
                         [](const auto& info) {
                           return info.param == MatVersion::kV73 ? std::string("v73") : std::string("v5");
                         });

TEST(MatRead, ZhuLayoutWithUint16CountsIsDividedByMaxValue) {
  ScratchDir dir;
  const fs::path path = dir / "zhu.mat";
  std::vector<std::uint16_t> y;  // 2 bands x 15 pixels, MATLAB order: pixel m = r + 3*c
  for (Index c = 0; c < 5; ++c)
    for (Index r = 0; r < 3; ++r)
      for (Index b = 0; b < 2; ++b) y.push_back(static_cast<std::uint16_t>(100 * b + 10 * r + c));
  {
    MatBuilder m(path);
    m.Array("Y", {2, 15}, y);
    m.Scalar("nRow", 3);
    m.Scalar("nCol", 5);
    m.Scalar("nBand", 224);  // the sensor's count, not Y's: not an error
    m.Scalar("maxValue", 200);
  }
  const Scene s = ReadMatScene(path);
  ASSERT_EQ(s.bands(), 2);
  EXPECT_EQ(s.rows, 3);
  EXPECT_EQ(s.cols, 5);
  for (Index r = 0; r < 3; ++r)
    for (Index c = 0; c < 5; ++c) EXPECT_FLOAT_EQ(s.data(1, r * 5 + c), static_cast<float>(100 + 10 * r + c) / 200.0f);
  const FileInfo info = DescribeFile(path);
  EXPECT_EQ(info.data_type, "uint16");
  EXPECT_EQ(info.scale, 200.0);
}

TEST(MatRead, MaxValueIsNotAppliedToFractionalData) {
  ScratchDir dir;
  const fs::path path = dir / "frac.mat";
  {
    MatBuilder m(path);
    m.Array<double>("Y", {1, 4}, {0.25, 0.5, 0.75, 1.0});
    m.Scalar("nRow", 2);
    m.Scalar("nCol", 2);
    m.Scalar("maxValue", 1000);
  }
  const Scene s = ReadMatScene(path);
  EXPECT_FLOAT_EQ(s.data(0, 1), 0.75f);  // pixel (0, 1): MATLAB index 0 + 2*1 = 2
  const FileInfo info = DescribeFile(path);
  EXPECT_EQ(info.scale, 1.0);
  bool noted = false;
  for (const auto& n : info.notes) noted = noted || Contains(n, "not applied");
  EXPECT_TRUE(noted) << info.ToText();
}

TEST(MatRead, SingleFileLayoutWithHAndWIsRowMajorAndCarriesGroundTruth) {
  ScratchDir dir;
  const fs::path path = dir / "hysupp.mat";
  const Scene coded = CodedScene(3, 5, 3);
  std::vector<double> y(coded.data.data(), coded.data.data() + coded.data.size());  // row-major
  std::vector<double> e = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};                           // 3 x 2
  std::vector<double> a;
  for (Index k = 0; k < 15; ++k) {
    a.push_back(static_cast<double>(k) / 14.0);
    a.push_back(1.0 - static_cast<double>(k) / 14.0);
  }
  {
    MatBuilder m(path);
    m.Array("Y", {3, 15}, y);
    m.Array("E", {3, 2}, e);
    m.Array("A", {2, 15}, a);
    m.Scalar("H", 3);
    m.Scalar("W", 5);
    m.Scalar("p", 2);
    m.Scalar("L", 3);
    m.Scalar("M", 0);  // atom count in this layout, not endmembers
    m.Cell("labels", {"water ", "rock"});
  }
  const Scene s = ReadMatScene(path);
  EXPECT_EQ(s.rows, 3);
  EXPECT_EQ(s.cols, 5);
  EXPECT_EQ(s.data, coded.data);

  const GroundTruth gt = ReadMatGroundTruth(path, &s);
  ASSERT_TRUE(gt.endmembers && gt.abundances);
  EXPECT_EQ(gt.endmembers->count(), 2);
  EXPECT_FLOAT_EQ(gt.endmembers->spectra(2, 1), 0.6f);
  EXPECT_EQ(gt.endmembers->names, (std::vector<std::string>{"water", "rock"}));
  EXPECT_FLOAT_EQ(gt.abundances->values(0, 14), 1.0f);  // file order kept: row-major already
  EXPECT_FLOAT_EQ(gt.abundances->values(0, 1), 1.0f / 14.0f);

  // Forcing MATLAB order reorders (and so gives different pixels).
  MatSceneOptions forced;
  forced.pixel_order = MatPixelOrder::kColumnMajor;
  EXPECT_NE(ReadMatScene(path, forced).data, coded.data);
}

TEST(MatRead, CubeAndPixelsByBandsLayouts) {
  ScratchDir dir;
  const Scene coded = CodedScene(3, 5, 4);
  std::vector<double> cube(3 * 5 * 4), pixels_by_bands(15 * 4);
  for (Index b = 0; b < 4; ++b)
    for (Index c = 0; c < 5; ++c)
      for (Index r = 0; r < 3; ++r) {
        cube[static_cast<size_t>(r + 3 * c + 15 * b)] = CodedValue(b, r, c);
        pixels_by_bands[static_cast<size_t>((r + 3 * c) + 15 * b)] = CodedValue(b, r, c);
      }
  {
    MatBuilder m(dir / "cube.mat");
    m.Array("hsi", {3, 5, 4}, cube);
    m.Array<double>("wavelengths", {4, 1}, {400, 500, 600, 700});
  }
  const Scene s = ReadMatScene(dir / "cube.mat");
  EXPECT_EQ(s.rows, 3);
  EXPECT_EQ(s.cols, 5);
  EXPECT_EQ(s.data, coded.data);
  EXPECT_EQ(s.wavelength_units, "nanometers");

  {
    MatBuilder m(dir / "nxp.mat");
    m.Array("Y", {15, 4}, pixels_by_bands);
    m.Scalar("nRow", 3);
    m.Scalar("nCol", 5);
  }
  EXPECT_EQ(ReadMatScene(dir / "nxp.mat").data, coded.data);
}

TEST(MatRead, WavelengthsArePickedByTheBandIndex) {
  ScratchDir dir;
  const fs::path path = dir / "wl.mat";
  {
    MatBuilder m(path);
    m.Array<double>("Y", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
    m.Scalar("nRow", 2);
    m.Scalar("nCol", 2);
    m.Array<double>("waveLength", {1, 5}, {0.4, 0.5, 0.6, 0.7, 0.8});
    m.Array<double>("SlectBands", {2, 1}, {2, 5});
  }
  const Scene s = ReadMatScene(path);
  EXPECT_EQ(s.wavelengths, (std::vector<double>{0.5, 0.8}));
  EXPECT_EQ(s.wavelength_units, "micrometers");
}

TEST(MatRead, NaNPixelsAreMarkedInvalid) {
  ScratchDir dir;
  const fs::path path = dir / "nan.mat";
  const double nan = std::numeric_limits<double>::quiet_NaN();
  {
    MatBuilder m(path);
    m.Array<double>("Y", {2, 4}, {1, 2, nan, 4, 5, 6, 7, 8});  // MATLAB pixel 1 = (1, 0)
    m.Scalar("nRow", 2);
    m.Scalar("nCol", 2);
  }
  const Scene s = ReadMatScene(path);
  ASSERT_EQ(s.valid.size(), 4u);
  EXPECT_EQ(s.valid, (std::vector<std::uint8_t>{1, 1, 0, 1}));  // row-major index of (1, 0) is 2
  EXPECT_EQ(s.data(0, 2), 0.0f);
}

// ---- bad input -----------------------------------------------------------------------------

TEST(MatErrors, MissingFileNamesTheFile) {
  ScratchDir dir;
  const std::string msg = InputErrorMessage([&] { ReadMatScene(dir / "nope.mat"); });
  EXPECT_TRUE(Contains(msg, "nope.mat")) << msg;
  EXPECT_TRUE(Contains(msg, "file not found")) << msg;
}

TEST(MatErrors, TruncatedFilesAreReportedNotMisread) {
  ScratchDir dir;
  const Scene s = CodedScene(20, 30, 16);
  for (auto version : {MatVersion::kV5, MatVersion::kV73}) {
    for (bool compress : {true, false}) {
      MatWriteOptions options;
      options.version = version;
      options.compress = compress;
      const fs::path full = dir / "full.mat";
      WriteMatScene(full, s, options);
      const std::string bytes = testing::ReadText(full);
      for (double fraction : {0.03, 0.3, 0.6, 0.97}) {
        const fs::path cut = dir / "cut.mat";
        testing::WriteText(cut, bytes.substr(0, static_cast<size_t>(fraction * bytes.size())));
        SCOPED_TRACE(::testing::Message() << (version == MatVersion::kV73 ? "v7.3" : "v5")
                                          << (compress ? " compressed" : "") << " cut at " << fraction);
        const std::string msg = InputErrorMessage([&] { ReadMatScene(cut); });
        EXPECT_TRUE(Contains(msg, "cut.mat")) << msg;
        EXPECT_TRUE(Contains(msg, "truncated") || Contains(msg, "damaged")) << msg;
      }
    }
  }
  testing::WriteText(dir / "tiny.mat", "MATLAB 5.0 MAT-file");
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadMatScene(dir / "tiny.mat"); }), "truncated"));
}

TEST(MatErrors, NotAMatFile) {
  ScratchDir dir;
  testing::WriteText(dir / "junk.mat", std::string(600, 'x'));
  const std::string msg = InputErrorMessage([&] { ReadMatScene(dir / "junk.mat"); });
  EXPECT_TRUE(Contains(msg, "junk.mat")) << msg;
  EXPECT_TRUE(Contains(msg, "not a MATLAB .mat file")) << msg;
}

TEST(MatErrors, UnrecognisedFileListsItsVariablesAndSuggestsVar) {
  ScratchDir dir;
  const fs::path path = dir / "odd.mat";
  {
    MatBuilder m(path);
    m.Array<double>("foo", {3, 4}, std::vector<double>(12, 1.0));
    m.Text("note", "hello");
  }
  const std::string msg = InputErrorMessage([&] { ReadMatScene(path); });
  EXPECT_TRUE(Contains(msg, "odd.mat")) << msg;
  EXPECT_TRUE(Contains(msg, "foo (double 3x4)")) << msg;
  EXPECT_TRUE(Contains(msg, "note (char 1x5)")) << msg;
  EXPECT_TRUE(Contains(msg, "--var")) << msg;

  // --var picks it, but a 2-D matrix still needs the image size.
  MatSceneOptions o;
  o.var = "foo";
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadMatScene(path, o); }), "nRow/nCol"));
  o.var = "bar";
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadMatScene(path, o); }), "no such variable"));
  o.var = "note";
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadMatScene(path, o); }), "expected a numeric"));

  const FileInfo info = DescribeFile(path);  // not an error for `unmix info`
  EXPECT_EQ(info.content, "unrecognised");
  EXPECT_EQ(info.variables.size(), 2u);
}

TEST(MatErrors, VariableOfWrongRank) {
  ScratchDir dir;
  const fs::path path = dir / "rank.mat";
  {
    MatBuilder m(path);
    m.Array<double>("Y", {2, 2, 2, 2}, std::vector<double>(16, 1.0));
    m.Scalar("nRow", 2);
    m.Scalar("nCol", 2);
  }
  const std::string msg = InputErrorMessage([&] { ReadMatScene(path); });
  EXPECT_TRUE(Contains(msg, "rank.mat: Y:")) << msg;
  EXPECT_TRUE(Contains(msg, "4-D")) << msg;
}

TEST(MatErrors, SizeVariablesThatDisagreeWithTheData) {
  ScratchDir dir;
  {
    MatBuilder m(dir / "size.mat");
    m.Array<double>("Y", {2, 6}, std::vector<double>(12, 1.0));
    m.Scalar("nRow", 2);
    m.Scalar("nCol", 2);
  }
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadMatScene(dir / "size.mat"); }), "does not match the image size"));
  {
    MatBuilder m(dir / "half.mat");
    m.Array<double>("Y", {2, 4}, std::vector<double>(8, 1.0));
    m.Scalar("nRow", 2);
  }
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadMatScene(dir / "half.mat"); }), "nCol"));
  {
    MatBuilder m(dir / "frac.mat");
    m.Array<double>("Y", {2, 4}, std::vector<double>(8, 1.0));
    m.Scalar("nRow", 2.5);
    m.Scalar("nCol", 2);
  }
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadMatScene(dir / "frac.mat"); }), "positive whole number"));
}

class GroundTruthErrors : public ::testing::Test {
 protected:
  void Write(const std::vector<size_t>& m_dims, const std::vector<size_t>& a_dims, double poison = 0.0,
             std::vector<std::string> names = {"a", "b"}) {
    MatBuilder m(path);
    size_t mn = m_dims[0] * m_dims[1], an = a_dims[0] * a_dims[1];
    std::vector<double> mv(mn, 0.5), av(an, 0.5);
    if (poison != 0.0) av[3] = poison;
    m.Array("M", m_dims, mv);
    m.Array("A", a_dims, av);
    m.Cell("cood", names);
  }
  ScratchDir dir;
  fs::path path = dir / "gt.mat";
  Scene scene = CodedScene(3, 5, 4);
};

TEST_F(GroundTruthErrors, WrongPixelCount) {
  Write({4, 2}, {2, 14});
  const std::string msg = InputErrorMessage([&] { ReadMatGroundTruth(path, &scene); });
  EXPECT_TRUE(Contains(msg, "gt.mat: A:")) << msg;
  EXPECT_TRUE(Contains(msg, "expected 15 pixels")) << msg;
  EXPECT_TRUE(Contains(msg, "2x14")) << msg;
}

TEST_F(GroundTruthErrors, WrongBandCount) {
  Write({6, 2}, {2, 15});
  const std::string msg = InputErrorMessage([&] { ReadMatGroundTruth(path, &scene); });
  EXPECT_TRUE(Contains(msg, "gt.mat: M:")) << msg;
  EXPECT_TRUE(Contains(msg, "6 bands, the scene has 4")) << msg;
}

TEST_F(GroundTruthErrors, NaNAndInfinity) {
  Write({4, 2}, {2, 15}, std::numeric_limits<double>::quiet_NaN());
  std::string msg = InputErrorMessage([&] { ReadMatGroundTruth(path, &scene); });
  EXPECT_TRUE(Contains(msg, "gt.mat: A: contains NaN")) << msg;
  Write({4, 2}, {2, 15}, std::numeric_limits<double>::infinity());
  msg = InputErrorMessage([&] { ReadMatGroundTruth(path, &scene); });
  EXPECT_TRUE(Contains(msg, "infinite")) << msg;
}

TEST_F(GroundTruthErrors, NameCountMismatch) {
  Write({4, 2}, {2, 15}, 0.0, {"only one"});
  const std::string msg = InputErrorMessage([&] { ReadMatGroundTruth(path, &scene); });
  EXPECT_TRUE(Contains(msg, "cood: expected 2 names")) << msg;
}

TEST_F(GroundTruthErrors, NoGroundTruthVariables) {
  {
    MatBuilder m(path);
    m.Scalar("x", 1);
  }
  const std::string msg = InputErrorMessage([&] { ReadMatGroundTruth(path, &scene); });
  EXPECT_TRUE(Contains(msg, "no ground truth found")) << msg;
  EXPECT_TRUE(Contains(msg, "x (double 1x1)")) << msg;
}

TEST(MatRead, ConcurrentReadersAreSerialisedSafely) {
  ScratchDir dir;
  const Scene s = CodedScene(10, 12, 8);
  MatWriteOptions v73;
  v73.version = MatVersion::kV73;
  WriteMatScene(dir / "a.mat", s);
  WriteMatScene(dir / "b.mat", s, v73);
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i)
        if (ReadMatScene(dir / (t % 2 ? "a.mat" : "b.mat")).data == s.data) ++good;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 20);
}

TEST(MatWrite, NeedsSomethingToWrite) {
  ScratchDir dir;
  EXPECT_THROW(WriteMatResult(dir / "x.mat", nullptr, nullptr), Error);
  EXPECT_TRUE(testing::ListDir(dir.path()).empty());
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::io
