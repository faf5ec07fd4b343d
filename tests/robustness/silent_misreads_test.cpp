// Inputs that were read wrongly without an error (issue 16, cases 5 and 6), and a few more:
// each is now refused with the file, field, value and what was expected, or handled, through
// the real readers and the real CLI. A refused input leaves no output folder.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>

#include "robustness_util.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/io/read.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;
using std::chrono::seconds;

// One refused run: exit code, every expected part of the message, and no output folder.
void ExpectRefused(const std::string& args, int code, const std::vector<std::string>& expect, const fs::path& out) {
  SCOPED_TRACE(args);
  const auto r = RunCli(args + " --out " + Quote(out));
  EXPECT_EQ(r.exit_code, code) << r.output;
  for (const auto& e : expect) {
    EXPECT_TRUE(Has(r.output, e)) << "missing '" << e << "' in: " << r.output;
  }
  EXPECT_LT(r.output.size(), 600u) << r.output;
  EXPECT_FALSE(fs::exists(out)) << "a refused run left its output folder";
  EXPECT_TRUE(TempLeftovers(out.parent_path()).empty());
}

fs::path HeaderWith(const fs::path& dir, const std::string& name, const std::string& replace_line,
                    const std::string& by) {
  RawEnvi e;
  std::string text = EnviHeaderText(e);
  if (!replace_line.empty()) {
    const auto at = text.find(replace_line);
    EXPECT_NE(at, std::string::npos);
    text.replace(at, replace_line.size(), by);
  } else {
    text += by;
  }
  WriteFloatEnvi(dir / name, e, MixedValues(e.rows, e.cols, e.bands));
  Spit(dir / (name + ".hdr"), text);
  return dir / (name + ".hdr");
}

TEST(SilentMisreads, EnviHeaderFieldsAreValidated) {
  ScratchDir dir;
  const std::string run = "run --method vca-fcls -r 3 --input ";
  // data ignore value = abc was read as 0 (GDAL's atof) and dropped every pixel holding a 0.
  auto h = HeaderWith(dir.path(), "ignore", "", "data ignore value = abc\n");
  ExpectRefused(run + Quote(h), 1, {h.string() + ": data ignore value: expected a number, found 'abc'"}, dir / "o1");
  h = HeaderWith(dir.path(), "ignore_big", "", "data ignore value = 1e400\n");
  ExpectRefused(run + Quote(h), 1, {"data ignore value: expected a finite number (or nan), found '1e400'"}, dir / "o2");
  // byte order = 7 was taken as big-endian.
  h = HeaderWith(dir.path(), "order", "byte order = 0", "byte order = 7");
  ExpectRefused(run + Quote(h), 1,
                {h.string() + ": byte order: expected 0 (little-endian) or 1 (big-endian), found '7'"}, dir / "o3");
  // interleave = xyz was accepted (read as BSQ).
  h = HeaderWith(dir.path(), "inter", "interleave = bsq", "interleave = xyz");
  ExpectRefused(run + Quote(h), 1, {h.string() + ": interleave: expected bsq, bil or bip, found 'xyz'"}, dir / "o4");
  // The valid spellings still read: upper case interleave, a numeric ignore value.
  h = HeaderWith(dir.path(), "fine", "interleave = bsq", "interleave = BSQ\ndata ignore value = -9999");
  const auto r = RunCli(run + Quote(h) + " -q --out " + Quote(dir / "ok"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // The same checks through the reader itself (`unmix info` too).
  h = HeaderWith(dir.path(), "order2", "byte order = 0", "byte order = big");
  try {
    io::ReadScene(h);
    ADD_FAILURE() << "byte order = big was read";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "byte order");
    EXPECT_TRUE(Has(e.what(), "found 'big'")) << e.what();
  }
  const auto info = RunCli("info " + Quote(h));
  EXPECT_EQ(info.exit_code, 1) << info.output;
  EXPECT_TRUE(Has(info.output, "byte order: expected 0 (little-endian) or 1 (big-endian)")) << info.output;
}

TEST(SilentMisreads, OptionsAreValidatedWithTheirValue) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const std::string run = "run --method vca-fcls --input " + Quote(dir / "s" / "scene.hdr");
  // -r 0 printed a 309-digit range.
  ExpectRefused(run + " -r 0", 105, {"--endmembers: expected a whole number of endmembers from 1 to 65535, got '0'"},
                dir / "o1");
  ExpectRefused(run + " -r 2.5", 105, {"got '2.5'"}, dir / "o2");
  // --seed -1 and 2^64 were both taken as 2^64-1.
  ExpectRefused(run + " -r 3 --seed -1", 105,
                {"--seed: expected a whole number from 0 to 18446744073709551615 (2^64-1), got '-1'"}, dir / "o3");
  ExpectRefused(run + " -r 3 --seed 18446744073709551616", 105, {"got '18446744073709551616'"}, dir / "o4");
  ExpectRefused(run + " -r 3 --seed 1e3", 105, {"got '1e3'"}, dir / "o5");
  auto r = RunCli(run + " -r 3 -q --seed 18446744073709551615 --out " + Quote(dir / "max"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(JsonFile(dir / "max" / "run.json")["seed"].get<std::uint64_t>(), 18446744073709551615ull);
  // Other positive options printed the same 309-digit range.
  r = RunCli("eval --input " + Quote(dir / "s" / "scene.hdr") + " --gt " + Quote(dir / "s" / "gt.mat") +
             " --estimate " + Quote(dir / "s" / "gt.mat") + " --aid-epsilon 0");
  EXPECT_EQ(r.exit_code, 105) << r.output;
  EXPECT_TRUE(Has(r.output, "--aid-epsilon: expected a number greater than 0, got '0'")) << r.output;
  EXPECT_LT(r.output.size(), 200u) << r.output;
  r = RunCli("bench --inference-pixels 0");
  EXPECT_EQ(r.exit_code, 105) << r.output;
  EXPECT_TRUE(Has(r.output, "--inference-pixels: expected a number greater than 0, got '0'")) << r.output;
  // --layers 100000 trained and wrote a 92 MB model that apply refused.
  const auto t0 = std::chrono::steady_clock::now();
  ExpectRefused("run --method bunet2 -r 3 --layers 100000 --input " + Quote(dir / "s" / "scene.hdr"), 2,
                {"--layers: expected 1 to 1000 unrolled layers (what a model file may hold), got 100000"}, dir / "o6");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 20.0);
  // Refused after the output was locked (more endmembers than bands): still no folder, and no
  // parent folder created for it.
  ExpectRefused(run + " -r 40", 2, {"40 endmembers requested but the scene has 30 bands"}, dir / "new" / "deep" / "o7");
  EXPECT_FALSE(fs::exists(dir / "new"));
}

TEST(SilentMisreads, NonRegularFilesAreRefusedBeforeOpening) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path fifo = dir / "pipe.img";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0) << std::strerror(errno);
  const auto scene = (dir / "s" / "scene.hdr").string();
  // An ENVI header whose data file is a FIFO, and a data file whose header is one.
  fs::copy_file(dir / "s" / "scene.hdr", dir / "piped.hdr");
  ASSERT_EQ(::mkfifo((dir / "piped.img").c_str(), 0644), 0);
  fs::copy_file(dir / "s" / "scene.img", dir / "headless.img");
  ASSERT_EQ(::mkfifo((dir / "headless.hdr").c_str(), 0644), 0);
  // Each would block in open() for ever (no writer): the child is given 60 s.
  const std::vector<std::vector<std::string>> cases = {
      {"run", "--method", "vca-fcls", "-r", "3", "--input", fifo.string(), "--out", (dir / "o1").string()},
      {"run", "--method", "vca-fcls", "-r", "3", "--input", scene, "--gt", fifo.string(), "--out",
       (dir / "o2").string()},
      {"apply", fifo.string(), "--input", scene, "--out", (dir / "o3").string()},
      {"info", fifo.string()},
      {"run", "--method", "vca-fcls", "-r", "3", "--input", (dir / "piped.hdr").string(), "--out",
       (dir / "o4").string()},
      {"run", "--method", "vca-fcls", "-r", "3", "--input", (dir / "headless.img").string(), "--out",
       (dir / "o5").string()},
  };
  int i = 0;
  for (const auto& args : cases) {
    SCOPED_TRACE(args[0] + " case " + std::to_string(i));
    const fs::path logs = dir / ("log" + std::to_string(i++));
    fs::create_directories(logs);
    CliProcess p(args, logs);
    const int code = p.Wait(seconds(60));
    ASSERT_NE(code, -1) << "blocked on the FIFO";
    EXPECT_EQ(code, 1) << p.Stderr();
    EXPECT_TRUE(Has(p.Stderr(), "pipe.img: ") || Has(p.Stderr(), "piped.img: ") || Has(p.Stderr(), "headless.hdr: "))
        << p.Stderr();
    EXPECT_TRUE(Has(p.Stderr(), "FIFO")) << p.Stderr();
  }
  for (const char* o : {"o1", "o2", "o3", "o4", "o5"}) {
    EXPECT_FALSE(fs::exists(dir / o)) << o;
  }
}

// Writes `scene` times `factor` as float ENVI (and its endmembers times `factor` in a .mat).
fs::path Scaled(const fs::path& dir, const std::string& name, const Scene& scene, const GroundTruth& gt, float factor) {
  Scene s = scene;
  s.data *= factor;
  io::WriteRaster(dir / (name + ".img"), s, {.format = io::RasterFormat::kEnvi});
  Endmembers e = *gt.endmembers;
  e.spectra *= factor;
  io::WriteMatResult(dir / (name + "-gt.mat"), &e, &*gt.abundances);
  return dir / (name + ".hdr");
}

MatrixF AbundanceMaps(const fs::path& run) {
  io::RasterReadOptions ro;
  ro.apply_scale = false;
  return io::ReadRaster(run / "abundances.tif", ro).data;
}

// A scene times 1e20 (float squares overflow) or 1e-30 (they underflow) gave FCLS abundances off
// by 0.64 with "converged". The classical solvers now work on data scaled by a power of two.
TEST(SilentMisreads, ClassicalSolversGiveTheSameAbundancesAtAnyScale) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 4 -r 3 --snr 40 --seed 3 --bands 40");
  const Scene scene = io::ReadScene(dir / "s" / "scene.hdr");
  const GroundTruth gt = io::ReadGroundTruth(dir / "s" / "gt.mat", scene);
  ASSERT_TRUE(gt.endmembers && gt.abundances);
  // 1e-40: denormal floats, with about 4 significant digits left.
  const std::vector<std::pair<std::string, float>> scales = {
      {"x1", 1.0f}, {"x1e20", 1e20f}, {"x1e-30", 1e-30f}, {"x1e-40", 1e-40f}};
  for (const std::string method : {"vca-fcls", "fcls", "sunsal", "spatial-nfindr", "nfindr-fcls"}) {
    SCOPED_TRACE(method);
    MatrixF reference;
    for (const auto& [name, factor] : scales) {
      SCOPED_TRACE(name);
      const fs::path hdr = Scaled(dir.path(), name, scene, gt, factor);
      const fs::path out = dir / (method + "-" + name);
      const auto r = RunCli("run --method " + method + " -r 3 --seed 4 --input " + Quote(hdr) + " --gt " +
                            Quote(dir / (name + "-gt.mat")) + " --out " + Quote(out));
      ASSERT_EQ(r.exit_code, 0) << r.output;
      const MatrixF a = AbundanceMaps(out);
      ASSERT_TRUE(a.allFinite());
      if (factor == 1.0f) {
        reference = a;
        EXPECT_FALSE(Has(r.output, "warning")) << r.output;
        EXPECT_FALSE(JsonFile(out / "run.json")["details"].contains("data_scale"));
        continue;
      }
      EXPECT_LT((a - reference).cwiseAbs().maxCoeff(), factor == 1e-40f ? 2e-2 : 2e-3) << r.output;
      // The scale is reported, and the values were flagged as a likely header mistake.
      EXPECT_TRUE(JsonFile(out / "run.json")["details"].contains("data_scale"));
      EXPECT_TRUE(Has(r.output, "data scaled by 2^")) << r.output;
      EXPECT_TRUE(Has(r.output, "unmix: warning: " + hdr.string() + ": the largest value is")) << r.output;
      EXPECT_TRUE(Has(r.output, factor > 1 ? "far above any reflectance" : "far below any reflectance")) << r.output;
      // Endmembers come back in the scene's units.
      const auto est = io::ReadMatGroundTruth(out / "endmembers.mat");
      const double ratio = est.endmembers->spectra.cwiseAbs().maxCoeff() / gt.endmembers->spectra.cwiseAbs().maxCoeff();
      EXPECT_NEAR(std::log10(ratio), std::log10(static_cast<double>(factor)), 0.5);
    }
  }
}

TEST(SilentMisreads, GroundTruthMustBeAbundances) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 20");
  const fs::path hdr = dir / "s" / "scene.hdr";
  const Scene scene = io::ReadScene(hdr);
  // A 20-band reflectance GeoTIFF of the scene's size, given as abundances: was scored.
  io::WriteRaster(dir / "reflectance.tif", scene, {.format = io::RasterFormat::kGTiff});
  const std::string run = "run --method vca-fcls -r 3 --input " + Quote(hdr) + " --gt ";
  ExpectRefused(
      run + Quote(dir / "reflectance.tif"), 1,
      {(dir / "reflectance.tif").string() + ": abundances: expected the 20 maps to sum to about 1 in each pixel",
       "this is not an abundance map"},
      dir / "o1");
  // The scene itself as its ground truth (an ENVI image).
  ExpectRefused(run + Quote(hdr), 1, {hdr.string() + ": abundances: expected"}, dir / "o2");
  // Abundances above 1 (a map in percent): refused with the pixel and value.
  const GroundTruth gt = io::ReadGroundTruth(dir / "s" / "gt.mat", scene);
  Abundances pct = *gt.abundances;
  pct.values *= 100.0f;
  io::WriteMatResult(dir / "percent.mat", &*gt.endmembers, &pct);
  ExpectRefused(run + Quote(dir / "percent.mat"), 1,
                {"percent.mat: abundances: expected values in [0, 1] (fractions of each pixel), found abundance "},
                dir / "o3");
  // Off the simplex but plausible (sums of 0.8): flagged, and scored.
  Abundances low = *gt.abundances;
  low.values *= 0.8f;
  io::WriteMatResult(dir / "low.mat", &*gt.endmembers, &low);
  const auto r = RunCli(run + Quote(dir / "low.mat") + " --out " + Quote(dir / "o4"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r.output, "unmix: warning: " + (dir / "low.mat").string() + ": abundances: the 3 maps sum to 1"))
      << r.output;
  EXPECT_TRUE(Has(r.output, "off the simplex")) << r.output;
  EXPECT_TRUE(fs::exists(dir / "o4" / "metrics.json"));
}

// More bad inputs found while working on these.
TEST(SilentMisreads, OutputPathsThatCannotBeARunFolder) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const std::string run = "run --method vca-fcls -r 3 --input " + Quote(dir / "s" / "scene.hdr");
  // The current directory: replacing it whole would move the shell's folder away.
  const fs::path here = dir / "here";
  fs::create_directories(here);
  const fs::path before = fs::current_path();
  fs::current_path(here);
  auto r = RunCli(run + " --out .");
  fs::current_path(before);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, ".: is the current directory")) << r.output;
  EXPECT_TRUE(Listing(here).empty());
  // A symbolic link to a folder: the run lands in the folder, the link stays.
  fs::create_directories(dir / "real");
  fs::create_directory_symlink(dir / "real", dir / "link");
  r = RunCli(run + " -q --out " + Quote(dir / "link"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::is_symlink(dir / "link"));
  EXPECT_TRUE(fs::exists(dir / "real" / "run.json"));
  // The output folder's lock file taken by a directory.
  fs::create_directories(dir / ".blocked.lock");
  r = RunCli(run + " --out " + Quote(dir / "blocked"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "blocked: cannot create the lock file")) << r.output;
  EXPECT_FALSE(fs::exists(dir / "blocked"));
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
