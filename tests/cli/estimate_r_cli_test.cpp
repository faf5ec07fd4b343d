// `unmix estimate-r`, `unmix run` without -r, and the unmatched-surplus report of eval/run, through
// the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "testing.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::RunCli;
using testing::ScratchDir;
namespace fs = std::filesystem;

nlohmann::json ReadJsonFile(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

TEST(EstimateRCli, ReportsEveryEstimatorAndTheDefault) {
  ScratchDir dir;
  ASSERT_EQ(
      RunCli("synth -q --patch 6 -r 4 --bands 80 --snr 30 --noise-correlation 0.5 --seed 2 --out " + Quote(dir.path()))
          .exit_code,
      0);
  auto r = RunCli("estimate-r --json --input " + Quote(dir / "scene.hdr"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  for (const char* k : {"default", "hysime", "hysime_guard", "hfc", "nwhfc", "reconstruction"})
    ASSERT_TRUE(j["estimates"].contains(k)) << k;
  EXPECT_EQ(j["estimator"], "default");
  EXPECT_EQ(j["endmembers"], j["estimates"]["default"]);
  EXPECT_LE(std::abs(j["endmembers"].get<int>() - 4), 1) << r.output;
  EXPECT_EQ(j["false_alarm"].get<double>(), 1e-3);
  EXPECT_EQ(j["reconstruction_rmse"].size(), 20u);

  r = RunCli("estimate-r -q --estimator hfc --false-alarm 1e-5 --input " + Quote(dir / "scene.hdr"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // A smaller false-alarm rate raises the threshold: never more components.
  EXPECT_LE(std::stoi(r.output), j["estimates"]["hfc"].get<int>()) << r.output;
  r = RunCli("estimate-r --input " + Quote(dir / "scene.hdr"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* k : {"hysime ", "hysime-guard", "hfc ", "nwhfc", "reconstruction", "default", "P_F = 0.001"})
    EXPECT_NE(r.output.find(k), std::string::npos) << k << "\n" << r.output;

  r = RunCli("estimate-r --estimator nope --input " + Quote(dir / "scene.hdr"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("unknown r estimator 'nope'"), std::string::npos) << r.output;
}

TEST(EstimateRCli, RunWithoutRSaysWhichRAndHowToOverride) {
  ScratchDir dir;
  ASSERT_EQ(RunCli("synth -q --patch 6 -r 4 --bands 80 --snr 30 --seed 3 --out " + Quote(dir / "s")).exit_code, 0);
  const auto r =
      RunCli("run --method vca-fcls --input " + Quote(dir / "s" / "scene.hdr") + " --out " + Quote(dir / "run"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto said = r.output.find("estimated by the default estimator");
  ASSERT_NE(said, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("override with -r COUNT"), std::string::npos) << r.output;
  // Said before the run's own summary line.
  const auto summary = r.output.find("vca-fcls on ");
  ASSERT_NE(summary, std::string::npos) << r.output;
  EXPECT_LT(said, summary);
  const auto run = ReadJsonFile(dir / "run" / "run.json");
  EXPECT_NE(run.dump().find("median of hysime-guard"), std::string::npos) << run.dump();
}

TEST(EstimateRCli, RunWithoutRStopsAboveTheBound) {
  // 30 bands: the bound is a tenth of the bands, 3; the scene has 5 materials.
  ScratchDir dir;
  ASSERT_EQ(RunCli("synth -q --patch 6 -r 5 --bands 30 --snr 40 --seed 4 --out " + Quote(dir / "s")).exit_code, 0);
  const auto est = RunCli("estimate-r -q --input " + Quote(dir / "s" / "scene.hdr"));
  ASSERT_EQ(est.exit_code, 0) << est.output;
  ASSERT_GT(std::stoi(est.output), 3) << "the scene must estimate above the bound for this test";
  const auto r =
      RunCli("run --method vca-fcls --input " + Quote(dir / "s" / "scene.hdr") + " --out " + Quote(dir / "run"));
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("above the bound of 3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("-r COUNT"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "run" / "run.json"));
  // With -r the same run goes through.
  EXPECT_EQ(
      RunCli("run -q -r 5 --method vca-fcls --input " + Quote(dir / "s" / "scene.hdr") + " --out " + Quote(dir / "run"))
          .exit_code,
      0);
}

TEST(EstimateRCli, SurplusEstimatesAreCountedBesideTheScore) {
  ScratchDir dir;
  const auto s = dir / "s";
  ASSERT_EQ(RunCli("synth -q --patch 6 -r 3 --bands 60 --snr 30 --seed 5 --out " + Quote(s)).exit_code, 0);
  // r = 6 on a 3-material scene: 3 estimates match no reference.
  auto r = RunCli("run -r 6 --method vca-fcls --input " + Quote(s / "scene.hdr") + " --gt " + Quote(s / "gt.mat") +
                  " --out " + Quote(dir / "r6"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("3 of 6 estimates unmatched, not scored"), std::string::npos) << r.output;
  auto m = ReadJsonFile(dir / "r6" / "metrics.json");
  EXPECT_EQ(m["unmatched_estimates"], 3);
  EXPECT_EQ(m["estimated_endmembers"], 6);
  EXPECT_EQ(m["reference_endmembers"], 3);
  EXPECT_EQ(m["unmatched_estimate_indices"].size(), 3u);
  EXPECT_NE(m["unmatched_note"].get<std::string>().find("3 of 6"), std::string::npos);

  r = RunCli("eval --input " + Quote(s / "scene.hdr") + " --gt " + Quote(s / "gt.mat") + " -e " +
             Quote(dir / "r6" / "result.mat") + " --out " + Quote(dir / "ev"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("over 3 matched of 6 estimates; 3 UNMATCHED surplus estimates not scored"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("unmatched estimates: 3 of 6"), std::string::npos) << r.output;
  EXPECT_EQ(ReadJsonFile(dir / "ev" / "metrics.json")["unmatched_estimates"], 3);

  // The right r: nothing unmatched, and the field is still there (0).
  ASSERT_EQ(RunCli("run -q -r 3 --method vca-fcls --input " + Quote(s / "scene.hdr") + " --gt " + Quote(s / "gt.mat") +
                   " --out " + Quote(dir / "r3"))
                .exit_code,
            0);
  m = ReadJsonFile(dir / "r3" / "metrics.json");
  EXPECT_EQ(m["unmatched_estimates"], 0);
  EXPECT_FALSE(m.contains("unmatched_note"));
}

// Jasper Ridge (reference r = 4). The default is NOT within 1 of 4 today (12; docs/classical.md
// "Number of endmembers"); this checks what holds: it is below plain HySime's 18, below the run
// bound min(20, 198 / 10) = 19, and the reconstruction elbow is within 1 of 4.
TEST(EstimateRCli, JasperRidgeEstimates) {
  UNMIX_REQUIRE_SHARED_FILE(scene, "jasper_ridge/jasperRidge2_R198.mat");
  const auto r = RunCli("estimate-r --json --input " + Quote(scene));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  const int def = j["endmembers"].get<int>();
  EXPECT_LT(def, j["estimates"]["hysime"].get<int>()) << r.output;
  EXPECT_LE(def, 19) << r.output;
  EXPECT_LE(std::abs(j["estimates"]["reconstruction"].get<int>() - 4), 1) << r.output;
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
