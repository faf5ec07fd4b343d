// Runs the real `unmix` binary as a user would and checks exit codes, messages and files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testing.hpp"
#include "unmix/io/mat.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

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
    ASSERT_EQ(
        RunCli("synth -q --format mat --patch 3 --snr 20 --seed 9 --out '" + (dir / sub).string() + "'").exit_code, 0);
  const Scene a = io::ReadMatScene(dir / "a" / "scene.mat");
  const Scene b = io::ReadMatScene(dir / "b" / "scene.mat");
  EXPECT_EQ(a.data.cols(), 81);
  EXPECT_EQ(a.data, b.data);
  ASSERT_EQ(RunCli("synth -q --format mat --patch 3 --snr 20 --seed 10 --out '" + (dir / "c").string() + "'").exit_code,
            0);
  EXPECT_NE(a.data, io::ReadMatScene(dir / "c" / "scene.mat").data);
}

TEST(Cli, SpatialPurityOnARegionsSceneBeatsSpatialNFindr) {
  ScratchDir dir;
  const auto scene = dir / "s";
  auto r = RunCli("synth -q --layout regions --regions 40 --brightness 0.2 -r 5 --snr 20 --seed 3 --out '" +
                  scene.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto meta = ReadJson(scene / "synth.json");
  EXPECT_EQ(meta["layout"], "regions");
  EXPECT_EQ(meta["regions"], 40);
  EXPECT_EQ(meta["brightness"], 0.2);
  std::map<std::string, double> sad;
  for (const char* m : {"spatial-nfindr", "spatial-purity"}) {
    const auto out = dir / m;
    r = RunCli(std::string("run -q --method ") + m + " -r 5 --input '" + (scene / "scene.hdr").string() + "' --gt '" +
               (scene / "gt.mat").string() + "' --out '" + out.string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    sad[m] = ReadJson(out / "metrics.json")["sad_deg_mean"].get<double>();
  }
  EXPECT_LT(sad["spatial-purity"], 0.5 * sad["spatial-nfindr"]) << sad["spatial-nfindr"];
  // The exponent is recorded, and nonsense is refused with the option's name.
  const auto details = ReadJson(dir / "spatial-purity" / "run.json")["details"]["purity"];
  EXPECT_EQ(details["exponent"], 32.0);
  EXPECT_EQ(details["total_weight"].size(), 5u);
  r = RunCli("run -q --method spatial-purity --purity-exponent 0 -r 5 --input '" + (scene / "scene.hdr").string() +
             "' --out '" + (dir / "bad").string() + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("purity exponent must be a finite number > 0 (got 0)"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "bad" / "run.json"));
  for (const char* bad : {"--layout rings", "--regions 12", "--layout regions --regions 2", "--brightness 1.5"}) {
    r = RunCli(std::string("synth -q ") + bad + " --out '" + (dir / "x").string() + "'");
    EXPECT_NE(r.exit_code, 0) << bad;
    EXPECT_TRUE(r.output.find("layout") != std::string::npos || r.output.find("regions") != std::string::npos ||
                r.output.find("brightness") != std::string::npos)
        << bad << ": " << r.output;
  }
}

TEST(Cli, EvalWritesMetricsJsonWithRequiredKeys) {
  ScratchDir dir;
  const auto s = dir / "s";
  ASSERT_EQ(RunCli("synth -q --patch 4 -r 3 --seed 1 --out '" + s.string() + "'").exit_code, 0);
  const auto r =
      RunCli("eval -q --input '" + (s / "scene.hdr").string() + "' --gt '" + (s / "gt.mat").string() +
             "' --estimate '" + (s / "gt.mat").string() + "' --method self --out '" + (dir / "m").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.output.empty()) << "--quiet printed: " << r.output;
  const auto j = ReadJson(dir / "m" / "metrics.json");
  for (const char* key : {"method", "units", "matching", "sad_deg", "sad_deg_mean", "sad_rad_mean", "rmse", "mae",
                          "aad_deg", "aid", "timings"})
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
  for (const char* sub : {"a", "b", "c", "d", "e"}) {
    EXPECT_FALSE(fs::exists(dir / sub / "scene.hdr")) << sub;
  }
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

TEST(Cli, RunWritesTheRunFolderAndScoresIt) {
  ScratchDir dir;
  const auto s = dir / "s";
  ASSERT_EQ(RunCli("synth -q --patch 5 -r 4 --snr 40 --seed 2 --out '" + s.string() + "'").exit_code, 0);
  const auto out = dir / "run";
  const auto r = RunCli("run --method vca-fcls --input '" + (s / "scene.hdr").string() + "' --gt '" +
                        (s / "gt.mat").string() + "' --out '" + out.string() + "' --seed 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("results:"), std::string::npos) << r.output;
  for (const char* f : {"endmembers.csv", "result.mat", "abundances.tif", "metrics.json", "run.json"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  const auto m = ReadJson(out / "metrics.json");
  EXPECT_EQ(m["method"], "vca-fcls");
  EXPECT_EQ(m["sad_deg"].size(), 4u);
  EXPECT_LT(m["sad_deg_mean"].get<double>(), 10.0);
  const auto run = ReadJson(out / "run.json");
  EXPECT_EQ(run["endmembers"], 4);
  EXPECT_EQ(run["endmembers_chosen"], "from the ground truth");
  EXPECT_EQ(run["seed"], 1);
  // The result reads back as an estimate and scores the same.
  const auto e = RunCli("eval --json --input '" + (s / "scene.hdr").string() + "' --gt '" + (s / "gt.mat").string() +
                        "' --estimate '" + (out / "result.mat").string() + "'");
  ASSERT_EQ(e.exit_code, 0) << e.output;
  EXPECT_NEAR(nlohmann::json::parse(e.output)["sad_deg_mean"].get<double>(), m["sad_deg_mean"].get<double>(), 1e-3);
}

TEST(Cli, EstimateRFindsTheEndmemberCount) {
  ScratchDir dir;
  ASSERT_EQ(
      RunCli("synth -q --patch 6 -r 5 --bands 60 --snr 35 --seed 4 --out '" + dir.path().string() + "'").exit_code, 0);
  const auto r = RunCli("estimate-r -q --input '" + (dir / "scene.hdr").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "5\n");
}

TEST(Cli, TrainThenApplyReproducesTheTrainedAbundances) {
  ScratchDir dir;
  const auto s = dir / "s";
  ASSERT_EQ(RunCli("synth -q --patch 4 -r 3 --snr 30 --seed 5 --out '" + s.string() + "'").exit_code, 0);
  for (const std::string method : {"bunet2", "aenet1", "nmf-sae", "mnn-bu2", "mnn-ae1", "bunet1 --asc"}) {
    SCOPED_TRACE(method);
    const auto t = RunCli("train -q --method " + method + " --epochs 3 --input '" + (s / "scene.hdr").string() +
                          "' --gt '" + (s / "gt.mat").string() + "' --out '" + (dir / method).string() + "'");
    ASSERT_EQ(t.exit_code, 0) << t.output;
    for (const char* f : {"model.json", "loss.csv", "metrics.json"}) {
      EXPECT_TRUE(fs::exists(dir / method / f)) << f;
    }
    const auto m = ReadJson(dir / method / "metrics.json");
    for (const char* key : {"train_seconds", "seconds_per_epoch", "inference_pixels_per_second"})
      EXPECT_TRUE(m.contains(key)) << key;
    if (method.find("ae") == std::string::npos) {
      EXPECT_TRUE(m.contains("init_sad_deg_mean"));
    }
    const auto a =
        RunCli("apply --json '" + (dir / method / "model.json").string() + "' --input '" + (s / "scene.hdr").string() +
               "' --gt '" + (s / "gt.mat").string() + "' --out '" + (dir / (method + "-applied")).string() + "'");
    ASSERT_EQ(a.exit_code, 0) << a.output;
    // Supervised runs are scored on held-out pixels, apply on all: compare blind runs exactly.
    if (method.find("ae") == std::string::npos) {
      EXPECT_NEAR(nlohmann::json::parse(a.output)["rmse"].get<double>(), m["rmse"].get<double>(), 1e-5);
    }
  }
  // A scene with other bands is refused with the count the model expects.
  const auto bad = RunCli("apply '" + (dir / "bunet2" / "model.json").string() + "' --input '" +
                          (s / "scene.hdr").string() + "' --bands 1-100 --out '" + (dir / "b").string() + "'");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("224 bands"), std::string::npos) << bad.output;
  // A classical method has nothing to train.
  EXPECT_NE(RunCli("train --method vca-fcls --input '" + (s / "scene.hdr").string() + "' --out '" +
                   (dir / "x").string() + "'")
                .exit_code,
            0);
}

// Positions of `lines` in `output`, each searched after the one before; npos when one is missing.
std::vector<size_t> InOrder(const std::string& output, const std::vector<std::string>& lines) {
  std::vector<size_t> at;
  size_t from = 0;
  for (const auto& line : lines) {
    const size_t found = output.find(line, from);
    at.push_back(found);
    if (found == std::string::npos) break;
    from = found + line.size();
  }
  return at;
}

// run, train and apply print what is about to run, its progress, the scores, then where the results are.
TEST(Cli, RunTrainAndApplyPrintInTheOrderTheWorkIsDone) {
  ScratchDir dir;
  const auto s = dir / "s";
  ASSERT_EQ(RunCli("synth -q --patch 4 -r 3 --snr 30 --seed 5 --out '" + s.string() + "'").exit_code, 0);
  const std::string scene = (s / "scene.hdr").string(), gt = (s / "gt.mat").string();
  const auto report = [&](const std::string& folder) {
    return "report: " + fs::absolute(dir / folder / "report.html").lexically_normal().string();
  };
  const auto expect_order = [](const testing::CommandResult& r, const std::vector<std::string>& lines) {
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto at = InOrder(r.output, lines);
    ASSERT_EQ(at.size(), lines.size()) << "missing or out of order: " << lines[at.size() - 1] << "\n" << r.output;
    EXPECT_NE(at.back(), std::string::npos) << "missing or out of order: " << lines.back() << "\n" << r.output;
    EXPECT_EQ(at.front(), 0u) << "the first line says what is about to run\n" << r.output;
  };
  expect_order(
      RunCli("run --method vca-fcls --input '" + scene + "' --gt '" + gt + "' --out '" + (dir / "r").string() + "'"),
      {"vca-fcls on " + scene, "  VCA: ", "  FCLS: ", "method ", "vca-fcls ",
       "matching: ", "results: " + (dir / "r").string(), report("r")});
  expect_order(RunCli("train --method bunet2 --epochs 3 --input '" + scene + "' --gt '" + gt + "' --out '" +
                      (dir / "t").string() + "'"),
               {"bunet2 on " + scene, "  training: 3 epochs", "method ", "  (start) ", "bunet2 ", "matching: ",
                "model: " + (dir / "t" / "model.json").string(), "results: " + (dir / "t").string(), report("t")});
  const std::string model = (dir / "t" / "model.json").string();
  expect_order(
      RunCli("apply '" + model + "' --input '" + scene + "' --gt '" + gt + "' --out '" + (dir / "a").string() + "'"),
      {"applying " + model + " to " + scene + ", scored against " + gt, "  bunet2: 256 pixels in one forward pass",
       "method ", "bunet2 ", "matching: ", "results: " + (dir / "a").string(), report("a")});
  // A refusal comes after what was about to run, also when stdout and stderr share one pipe.
  const auto bad =
      RunCli("apply '" + model + "' --input '" + scene + "' --bands 1-100 --out '" + (dir / "b").string() + "'");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("unmix: error: "), std::string::npos) << bad.output;
  EXPECT_LT(bad.output.find("applying " + model), bad.output.find("unmix: error: ")) << bad.output;
  // An unknown method is refused before any work: one line, no estimate of r.
  const auto unknown = RunCli("run --method vca --input '" + scene + "' --out '" + (dir / "u").string() + "'");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_EQ(unknown.output.rfind("unmix: invalid option: unknown method 'vca' (known: vca-fcls, ", 0), 0u)
      << unknown.output;
  EXPECT_EQ(testing::CountOf(unknown.output, "\n"), 1u) << unknown.output;
}

TEST(Cli, SupervisedMethodsNeedGroundTruth) {
  ScratchDir dir;
  ASSERT_EQ(RunCli("synth -q --patch 3 -r 3 --out '" + dir.path().string() + "'").exit_code, 0);
  for (const char* m : {"aenet2", "sunsal", "fcls"}) {
    const auto r = RunCli(std::string("run --method ") + m + " -r 3 --input '" + (dir / "scene.hdr").string() +
                          "' --out '" + (dir / "o").string() + "'");
    EXPECT_NE(r.exit_code, 0) << m;
    EXPECT_NE(r.output.find("--gt"), std::string::npos) << m << ": " << r.output;
  }
}

// `unmix bench` at its smoke size, as a real process: every job reports the fields of
// docs/speed.md. UNMIX_SHARED_DATA points at an empty directory, so the synthetic scene is used
// whether or not Jasper Ridge is present.
TEST(Cli, BenchQuickReportsEveryJobAgainstTheFloor) {
  ScratchDir dir;
  const char* saved = std::getenv("UNMIX_SHARED_DATA");
  const std::string saved_value = saved ? saved : "";
  ::setenv("UNMIX_SHARED_DATA", dir.path().c_str(), 1);
  const auto r = RunCli("bench --quick --repeats 2 --inference-pixels 5000 --threads 2 --json");
  const auto text = RunCli("bench --quick --repeats 1 --inference-pixels 2000 --threads 1");
  if (saved)
    ::setenv("UNMIX_SHARED_DATA", saved_value.c_str(), 1);
  else
    ::unsetenv("UNMIX_SHARED_DATA");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_FALSE(j["machine"]["cpu"].get<std::string>().empty());
  EXPECT_EQ(j["machine"]["threads"], 2);
  for (const char* k : {"gemm_gflops_1_thread", "gemm_gflops_all_threads", "copy_gb_per_second", "triad_gb_per_second"})
    EXPECT_GT(j["probe"][k].get<double>(), 0) << k;
  EXPECT_NE(j["scene"]["source"].get<std::string>().find("synthetic"), std::string::npos);
  EXPECT_EQ(j["scene"]["bands"], 198);
  EXPECT_EQ(j["scene"]["pixels"], 10000);
  ASSERT_EQ(j["jobs"].size(), 9u);
  const char* names[] = {"bunet2", "aenet2", "nmf-sae", "inference"};
  for (size_t i = 0; i < 4; ++i) {
    const auto& job = j["jobs"][i];
    EXPECT_EQ(job["name"], names[i]);
    EXPECT_EQ(job["seconds"].size(), 2u) << names[i];
    for (const char* k : {"median_seconds", "flops", "gflops_per_second", "input_bytes", "input_gb_per_second",
                          "peak_rss_mib", "floor_seconds", "multiple_of_floor"})
      EXPECT_GT(job[k].get<double>(), 0) << names[i] << " " << k;
    EXPECT_EQ(job["cpu_seconds"].size(), 2u) << names[i];
    EXPECT_GE(job["median_cpu_seconds"].get<double>(), 0) << names[i];
    EXPECT_NEAR(job["multiple_of_floor"].get<double>(),
                job["median_seconds"].get<double>() / job["floor_seconds"].get<double>(), 1e-9);
  }
  // Quick sizes are not the targets' sizes: the training jobs have none, inference always has one.
  EXPECT_TRUE(j["jobs"][0]["target_seconds"].is_null());
  EXPECT_GT(j["jobs"][3]["target_seconds"].get<double>(), 0);
  EXPECT_GT(j["jobs"][3]["pixels_per_second"].get<double>(), 0);
  // The reading jobs: each format written and read back (a wrong shape would fail the run), and
  // one file hashed; no FLOPs, bytes read, no target at quick sizes.
  const char* reads[] = {"read-envi-bsq", "read-envi-bil", "read-gtiff", "read-mat", "sha256"};
  for (size_t i = 0; i < 5; ++i) {
    const auto& job = j["jobs"][4 + i];
    EXPECT_EQ(job["name"], reads[i]);
    EXPECT_EQ(job["seconds"].size(), 2u) << reads[i];
    EXPECT_EQ(job["flops"].get<double>(), 0) << reads[i];
    for (const char* k : {"median_seconds", "input_bytes", "input_gb_per_second", "file_mb", "file_gb_per_second"})
      EXPECT_GT(job[k].get<double>(), 0) << reads[i] << " " << k;
    EXPECT_TRUE(job["target_seconds"].is_null()) << reads[i];
  }
  // 5000 pixels x 198 float32 bands: 3.96 MB for ENVI; the .mat writer stores doubles.
  EXPECT_NEAR(j["jobs"][4]["file_mb"].get<double>(), 3.96, 0.01);
  EXPECT_NEAR(j["jobs"][7]["file_mb"].get<double>(), 7.92, 0.02);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("x floor"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("inference"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("read-envi-bil"), std::string::npos) << text.output;
}

TEST(Cli, BenchRunsTheJobsItIsGivenAndRefusesUnknownOnes) {
  const auto r =
      RunCli("bench --quick --repeats 1 --inference-pixels 3000 --threads 1 --jobs sha256,read-envi-bil --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  ASSERT_EQ(j["jobs"].size(), 2u);
  EXPECT_EQ(j["jobs"][0]["name"], "read-envi-bil");  // in the harness's order
  EXPECT_EQ(j["jobs"][1]["name"], "sha256");
  const auto bad = RunCli("bench --quick --jobs read-envi,sha256");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("read-envi"), std::string::npos) << bad.output;
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
