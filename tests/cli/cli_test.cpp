// Runs the real `unmix` binary as a user would and checks exit codes, messages and files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "testing.hpp"
#include "unmix/io/mat.hpp"

namespace unmix {
namespace {

using testing::RunCli;
using testing::ScratchDir;
namespace fs = std::filesystem;

nlohmann::json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

bool HasTempLeftovers(const fs::path& dir) {
  if (!fs::exists(dir)) return false;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

TEST(Cli, VersionAndHelp) {
  auto r = RunCli("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("unmix 0."), std::string::npos) << r.output;
  for (const char* cmd : {"synth", "eval", "info", "demo", "run", "estimate-r"}) {
    r = RunCli(std::string(cmd) + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.output;
    EXPECT_NE(r.output.find("--"), std::string::npos) << cmd;
  }
}

TEST(Cli, NoSubcommandOrUnknownOptionFails) {
  EXPECT_NE(RunCli("").exit_code, 0);
  const auto r = RunCli("synth --out x --no-such-option");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("no-such-option"), std::string::npos) << r.output;
}

TEST(Cli, SynthWritesSceneAndGroundTruthThatReadBack) {
  ScratchDir dir;
  const auto out = dir / "s";
  auto r = RunCli("synth --out '" + out.string() + "' --patch 4 --snr 30 --seed 5 -r 4");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(out / "scene.hdr"));
  EXPECT_TRUE(fs::exists(out / "scene.img"));
  EXPECT_TRUE(fs::exists(out / "gt.mat"));
  EXPECT_TRUE(fs::exists(out / "endmembers.csv"));
  EXPECT_FALSE(HasTempLeftovers(out));
  const auto meta = ReadJson(out / "synth.json");
  EXPECT_EQ(meta["image"][0], 16);
  EXPECT_NEAR(meta["realized_snr_db"].get<double>(), 30.0, 0.5);

  r = RunCli("info '" + (out / "scene.hdr").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("224"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("16"), std::string::npos) << r.output;

  // Ground truth scored against itself: zero error under every matching rule.
  for (const char* rule : {"hungarian-sad", "greedy-euclidean", "hungarian-abundance"}) {
    r = RunCli("eval --input '" + (out / "scene.hdr").string() + "' --gt '" + (out / "gt.mat").string() +
               "' --estimate '" + (out / "gt.mat").string() + "' --json --match " + rule);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto j = nlohmann::json::parse(r.output);
    EXPECT_NEAR(j["sad_deg_mean"].get<double>(), 0.0, 1e-3) << rule;
    EXPECT_NEAR(j["rmse"].get<double>(), 0.0, 1e-6) << rule;
    EXPECT_EQ(j["matching"]["rule"], rule);
    EXPECT_EQ(j["sad_deg"].size(), 4u);
  }
}

TEST(Cli, SynthSameSeedSameScene) {
  ScratchDir dir;
  for (const char* sub : {"a", "b"})
    ASSERT_EQ(RunCli("synth -q --format mat --patch 3 --snr 20 --seed 9 --out '" + (dir / sub).string() + "'")
                  .exit_code,
              0);
  const Scene a = io::ReadMatScene(dir / "a" / "scene.mat");
  const Scene b = io::ReadMatScene(dir / "b" / "scene.mat");
  EXPECT_EQ(a.data.cols(), 81);
  EXPECT_EQ(a.data, b.data);
  ASSERT_EQ(RunCli("synth -q --format mat --patch 3 --snr 20 --seed 10 --out '" + (dir / "c").string() + "'")
                .exit_code,
            0);
  EXPECT_NE(a.data, io::ReadMatScene(dir / "c" / "scene.mat").data);
}

TEST(Cli, EvalWritesMetricsJsonWithRequiredKeys) {
  ScratchDir dir;
  const auto s = dir / "s";
  ASSERT_EQ(RunCli("synth -q --patch 4 -r 3 --seed 1 --out '" + s.string() + "'").exit_code, 0);
  const auto r = RunCli("eval -q --input '" + (s / "scene.hdr").string() + "' --gt '" + (s / "gt.mat").string() +
                        "' --estimate '" + (s / "gt.mat").string() + "' --method self --out '" +
                        (dir / "m").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.output.empty()) << "--quiet printed: " << r.output;
  const auto j = ReadJson(dir / "m" / "metrics.json");
  for (const char* key : {"method", "units", "matching", "sad_deg", "sad_deg_mean", "sad_rad_mean", "rmse",
                          "mae", "aad_deg", "aid", "timings"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["method"], "self");
  EXPECT_LT(j["reconstruction"]["relative_frobenius"].get<double>(), 1e-5);
}

TEST(Cli, BadInputGetsOneLineReasonAndNonZeroExit) {
  ScratchDir dir;
  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases = {
      {"synth --out '" + (dir / "a").string() + "' --patch 0", "patch"},
      {"synth --out '" + (dir / "b").string() + "' --snr -5", "SNR"},
      {"synth --out '" + (dir / "c").string() + "' --snr loud", "--snr"},
      {"synth --out '" + (dir / "d").string() + "' -r 300 --bands 224", "300 endmembers exceed 224 bands"},
      {"synth --out '" + (dir / "e").string() + "' --names Quartz", "--library"},
      {"info '" + (dir / "missing.hdr").string() + "'", "missing.hdr"},
      {"eval --input '" + (dir / "nope.mat").string() + "' --gt x --estimate y", "nope.mat"},
  };
  for (const auto& c : cases) {
    const auto r = RunCli(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_FALSE(r.output.empty());
  }
  for (const char* sub : {"a", "b", "c", "d", "e"}) EXPECT_FALSE(fs::exists(dir / sub / "scene.hdr")) << sub;
}

TEST(Cli, UnwritableOutputDirectoryFailsWithoutLeftovers) {
  ScratchDir dir;
  std::ofstream(dir / "file") << "not a directory";
  const auto r = RunCli("synth --patch 3 --out '" + (dir / "file" / "out").string() + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("file/out"), std::string::npos) << r.output;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(Cli, ExistingResultIsReplacedWholeNotMixed) {
  ScratchDir dir;
  const auto out = dir / "s";
  ASSERT_EQ(RunCli("synth -q --patch 3 -r 3 --seed 1 --out '" + out.string() + "'").exit_code, 0);
  const auto size_before = fs::file_size(out / "gt.mat");
  // A failing run (invalid option) leaves the previous result untouched.
  ASSERT_NE(RunCli("synth -q --patch 3 -r 3 --gamma 7 --out '" + out.string() + "'").exit_code, 0);
  EXPECT_EQ(fs::file_size(out / "gt.mat"), size_before);
  // A successful run replaces it completely.
  ASSERT_EQ(RunCli("synth -q --patch 5 -r 3 --seed 1 --out '" + out.string() + "'").exit_code, 0);
  EXPECT_GT(fs::file_size(out / "gt.mat"), size_before);
  EXPECT_FALSE(HasTempLeftovers(out));
}

}  // namespace
}  // namespace unmix
