// The seed corpus of the fuzz targets (fuzz/), generated here rather than committed: valid
// files of every layout the readers know, each checked to read back. With UNMIX_FUZZ_SEED_DIR
// set (fuzz/run.sh does), the seeds are left in DIR/mat, DIR/envi_header and DIR/model.
#include <gtest/gtest.h>

#include <cstdlib>

#include "io/io_test_util.hpp"
#include "robustness_util.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/nets/model_file.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;

// Where seeds go: the requested directory, or a scratch one that is removed afterwards.
class SeedDir {
 public:
  explicit SeedDir(const std::string& target) {
    if (const char* d = std::getenv("UNMIX_FUZZ_SEED_DIR"); d && *d)
      path_ = fs::path(d) / target;
    else
      path_ = scratch_.path() / target;
    fs::create_directories(path_);
  }
  fs::path operator/(const std::string& name) const { return path_ / name; }
  size_t count() const { return Listing(path_).size(); }
  // A working directory beside the seeds (one ScratchDir per test: a second would be the same).
  fs::path work() const {
    fs::create_directories(scratch_.path() / "work");
    return scratch_.path() / "work";
  }

 private:
  ScratchDir scratch_;
  fs::path path_;
};

// The fixed 4096-byte data file the ENVI-header target reads next to each header.
std::string FuzzImageBytes() {
  std::string bytes(4096, '\0');
  std::uint32_t x = 12345;
  for (auto& b : bytes) b = static_cast<char>((x = x * 1664525u + 1013904223u) >> 24);
  return bytes;
}

TEST(FuzzSeeds, MatFilesOfEveryLayoutReadBack) {
  SeedDir seeds("mat");
  Scene s = CodedScene(3, 4, 5);
  s.wavelengths = {0.4, 0.5, 0.6, 0.7, 0.8};
  for (auto [name, compress] : {std::pair{"scene-v5z.mat", true}, {"scene-v5.mat", false}}) {
    io::MatWriteOptions o;
    o.compress = compress;
    io::WriteMatScene(seeds / name, s, o);
    EXPECT_EQ(io::ReadMatScene(seeds / name).data, s.data) << name;
  }
  Scene holes = s;
  holes.valid.assign(12, 1);
  holes.valid[5] = 0;
  holes.data.col(5).setZero();
  io::WriteMatScene(seeds / "scene-valid.mat", holes);
  EXPECT_EQ(io::ReadMatScene(seeds / "scene-valid.mat").valid_count(), 11);
  io::MatWriteOptions v73;
  v73.version = io::MatVersion::kV73;
  v73.compress = false;
  io::WriteMatScene(seeds / "scene-v73.mat", CodedScene(2, 2, 2), v73);
  EXPECT_EQ(io::ReadMatScene(seeds / "scene-v73.mat").pixels(), 4);

  Endmembers e;
  e.spectra = MatrixF::Random(5, 2).cwiseAbs();
  e.names = {"tree", "water"};
  Abundances a;
  a.rows = 3;
  a.cols = 4;
  a.values = MatrixF::Constant(2, 12, 0.5f);
  io::WriteMatResult(seeds / "result.mat", &e, &a);
  EXPECT_EQ(io::ReadMatGroundTruth(seeds / "result.mat", &s).abundances->count(), 2);
  {
    MatBuilder m(seeds / "zhu-uint16.mat");  // Jasper-like: counts, maxValue, band index
    std::vector<std::uint16_t> y(5 * 12);
    for (size_t i = 0; i < y.size(); ++i) y[i] = static_cast<std::uint16_t>(100 * i);
    m.Array<std::uint16_t>("Y", {5, 12}, y);
    m.Scalar("nRow", 3);
    m.Scalar("nCol", 4);
    m.Scalar("maxValue", 5000);
    m.Scalar("nBand", 7);
    m.Array<double>("SlectBands", {5, 1}, {1, 2, 4, 6, 7});
    m.Array<double>("wavelength", {1, 7}, {400, 450, 500, 550, 600, 650, 700});
  }
  EXPECT_EQ(io::ReadMatScene(seeds / "zhu-uint16.mat").wavelengths.size(), 5u);
  {
    MatBuilder m(seeds / "hysupp.mat");  // single file: Y with H/W, E, A, labels
    m.Array<float>("Y", {5, 6}, std::vector<float>(30, 0.25f));
    m.Scalar("H", 2);
    m.Scalar("W", 3);
    m.Array<double>("E", {5, 2}, std::vector<double>(10, 0.5));
    m.Array<double>("A", {2, 6}, std::vector<double>(12, 0.5));
    m.Cell("labels", {"1-soil", "#2 grass"});
    m.Scalar("M", 2);
  }
  EXPECT_EQ(io::ReadMatGroundTruth(seeds / "hysupp.mat").endmembers->names[1], "grass");
  {
    MatBuilder m(seeds / "cube.mat");
    m.Array<double>("img", {2, 3, 4}, std::vector<double>(24, 0.125));
    m.Text("note", "cube");
  }
  EXPECT_EQ(io::ReadMatScene(seeds / "cube.mat").bands(), 4);
  {
    MatBuilder m(seeds / "bands-first.mat");
    m.Array<std::uint8_t>("V", {4, 2, 3}, std::vector<std::uint8_t>(24, 7));
    m.Scalar("nRow", 2);
    m.Scalar("nCol", 3);
  }
  EXPECT_EQ(io::ReadMatScene(seeds / "bands-first.mat").bands(), 4);
  {
    MatBuilder m(seeds / "scene-v4.mat", MAT_FT_MAT4);
    m.Array<double>("Y", {2, 6}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    m.Scalar("nRow", 2);
    m.Scalar("nCol", 3);
  }
  EXPECT_EQ(io::ReadMatScene(seeds / "scene-v4.mat").pixels(), 6);
  EXPECT_EQ(seeds.count(), 10u);
}

TEST(FuzzSeeds, EnviHeadersOfEveryKindReadBack) {
  SeedDir seeds("envi_header");
  const fs::path dir = seeds.work();
  Spit(dir / "x.img", FuzzImageBytes());
  struct Seed {
    std::string name, text;
    bool readable;
  };
  const std::vector<Seed> headers = {
      {"float-bsq",
       "ENVI\ndescription = {seed}\nsamples = 8\nlines = 8\nbands = 16\nheader offset = 0\n"
       "file type = ENVI Standard\ndata type = 4\ninterleave = bsq\nbyte order = 0\n"
       "wavelength units = Micrometers\nwavelength = {0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3,"
       " 1.4, 1.5, 1.6, 1.7, 1.8, 1.9}\nbbl = {1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}\n"
       "data ignore value = 0\nreflectance scale factor = 10000\n",
       true},
      {"int16-bil-be",
       "ENVI\nsamples = 16\nlines = 8\nbands = 16\ndata type = 2\ninterleave = bil\nbyte order = 1\n"
       "band names = {a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p}\n",
       true},
      {"uint16-bip",
       "ENVI\nsamples = 16\nlines = 16\nbands = 8\ndata type = 12\ninterleave = bip\nbyte order = 0\n"
       "wavelength = {400, 450, 500, 550, 600, 650, 700, 750}\nwavelength units = nm\n",
       true},
      {"byte", "ENVI\nsamples = 16\nlines = 16\nbands = 16\ndata type = 1\ninterleave = bsq\n", true},
      {"double-offset",
       "ENVI\nsamples = 5\nlines = 5\nbands = 20\nheader offset = 96\ndata type = 5\n"
       "interleave = bsq\nbyte order = 0\n; a comment\n",
       true},
      {"complex", "ENVI\nsamples = 8\nlines = 8\nbands = 8\ndata type = 6\ninterleave = bsq\nbyte order = 0\n", false},
  };
  for (const auto& h : headers) {
    SCOPED_TRACE(h.name);
    Spit(seeds / (h.name + ".hdr"), h.text);
    Spit(dir / "x.hdr", h.text);
    if (h.readable) {
      EXPECT_GT(io::ReadRaster(dir / "x.img").pixels(), 0);
    } else
      EXPECT_THROW(io::ReadRaster(dir / "x.img"), InputError);
  }
  EXPECT_EQ(seeds.count(), headers.size());
}

TEST(FuzzSeeds, ModelFilesReadBack) {
  SeedDir seeds("model");
  auto model = [](const std::string& arch, Index p, Index r) {
    nets::Model m;
    m.architecture = arch;
    m.bands = p;
    m.endmembers = r;
    m.hyperparameters = Record::FromJson(R"({"layers": 2, "tied": false})");
    m.training = Record::FromJson(R"({"diverged": false, "loss_history": [0.5, 0.25]})");
    m.tensors["encoder.W"] = MatrixF::Constant(r, p, 0.125f);
    m.tensors["encoder.theta"] = MatrixF::Constant(r, 1, 1e-3f);
    m.tensors["decoder.A"] = MatrixF::Constant(p, r, 0.5f);
    return m;
  };
  nets::Model full = model("bunet2", 4, 2);
  full.wavelengths = {0.4, 0.5, 0.6, 0.7};
  full.endmember_names = {"soil", "water"};
  nets::SaveModel(seeds / "bunet2.json", full);
  nets::SaveModel(seeds / "mnn-ae1.json", model("mnn-ae1", 3, 3));
  nets::SaveModel(seeds / "nmf-sae.json", model("nmf-sae", 5, 1));
  for (const char* name : {"bunet2.json", "mnn-ae1.json", "nmf-sae.json"})
    EXPECT_NO_THROW(nets::LoadModel(seeds / name)) << name;
  EXPECT_EQ(seeds.count(), 3u);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
