// Issue 17's claims on synthetic scenes that reproduce real-scene failure modes (unmix synth
// --brightness, --max-purity), run through the real CLI: the default start of the blind
// networks, the keep-the-better guard, and the scaled-mixing decoder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "testing.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::RunCli;
using testing::ScratchDir;
namespace fs = std::filesystem;

struct Run {
  int exit_code = 0;
  std::string output;
  nlohmann::json metrics, record;
};

Run RunOn(const fs::path& scene, const fs::path& out, const std::string& args) {
  const auto r = RunCli("run " + args + " --seed 1 --threads 1 --input '" + (scene / "scene.hdr").string() +
                        "' --gt '" + (scene / "gt.mat").string() + "' --out '" + out.string() + "'");
  Run run{r.exit_code, r.output, {}, {}};
  EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
  std::ifstream m(out / "metrics.json"), j(out / "run.json");
  run.metrics = nlohmann::json::parse(m);
  run.record = nlohmann::json::parse(j);
  return run;
}

// 36 x 36 pixels, 4 endmembers, 30 pure Voronoi regions with blurred borders, each pixel's
// brightness in [0.8, 1.2], 30 dB; `extra` adds failure modes.
fs::path Scene(const ScratchDir& dir, const std::string& name, const std::string& extra) {
  const auto s = dir / name;
  const auto r = RunCli("synth -q --layout regions --regions 30 -r 4 --patch 6 --brightness 0.2 --snr 30 " + extra +
                        " --out '" + s.string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return s;
}

double Sad(const Run& r) { return r.metrics["sad_deg_mean"].get<double>(); }
double StartSad(const Run& r) { return r.metrics["init_sad_deg_mean"].get<double>(); }
double Rmse(const Run& r) { return r.metrics["rmse"].get<double>(); }
double StartRmse(const Run& r) { return r.metrics["init_rmse"].get<double>(); }

// Blind networks start from spatial-purity by default and the papers' VCA with --preset paper
// or authors.
TEST(BlindDefaults, SpatialPurityStartUnlessAPapersPreset) {
  ScratchDir dir;
  const auto s = Scene(dir, "b", "--seed 1");
  const auto def = RunOn(s, dir / "default", "-q --method bunet2 --epochs 1");
  EXPECT_EQ(def.record["details"]["init"], "spatial N-FINDR, purity-weighted");
  EXPECT_TRUE(def.record["details"].contains("keep_better"));
  for (const char* preset : {"paper", "authors"}) {
    const auto p = RunOn(s, dir / preset, std::string("-q --method bunet2 --epochs 1 --preset ") + preset);
    EXPECT_EQ(p.record["details"]["init"].get<std::string>().rfind("VCA", 0), 0u) << preset;
    EXPECT_FALSE(p.record["details"].contains("keep_better")) << preset;
  }
}

// On a scene with brightness variation MNN-BU-1 with the papers' decoder (linear mixing, no
// penalty) ends worse than its start by the scaled-fit RMSE: the CLI says so, keeps the start in
// the run folder and records both fits in run.json. With --keep-better off the trained result
// stays, further from the reference.
TEST(BlindGuard, KeepsTheStartWhenTrainingEndsWorseAndSaysSo) {
  ScratchDir dir;
  const auto s = Scene(dir, "b", "--seed 1");
  const auto kept = RunOn(s, dir / "guard", "--method mnn-bu1 --mixing linear --anchor 0");
  const auto& k = kept.record["details"]["keep_better"];
  ASSERT_EQ(k["kept"], "start") << k.dump();
  EXPECT_GT(k["trained"].get<double>(), k["start"].get<double>());
  EXPECT_NE(kept.output.find("ended worse than its start by its unsupervised criterion"), std::string::npos)
      << kept.output;
  EXPECT_DOUBLE_EQ(Sad(kept), StartSad(kept));  // the start's endmembers are the result

  const auto off = RunOn(s, dir / "off", "--method mnn-bu1 --mixing linear --anchor 0 --keep-better off");
  EXPECT_FALSE(off.record["details"].contains("keep_better"));
  EXPECT_EQ(off.output.find("ended worse"), std::string::npos) << off.output;
  EXPECT_GT(Sad(off), Sad(kept));
}

// With 0 epochs the network is its start: both fits are equal and the trained result is kept.
TEST(BlindGuard, AnUntrainedNetworkTiesWithItsStart) {
  ScratchDir dir;
  const auto s = Scene(dir, "b", "--seed 2");
  const auto r = RunOn(s, dir / "zero", "-q --method bunet2 --epochs 0");
  const auto& k = r.record["details"]["keep_better"];
  EXPECT_EQ(k["kept"], "trained");
  EXPECT_NEAR(k["trained"].get<double>(), k["start"].get<double>(), 1e-6 * k["start"].get<double>());
  EXPECT_NEAR(Sad(r), StartSad(r), 1e-3);
}

// --select fit keeps the checked epoch with the lowest scaled-fit RMSE (the start counts) and
// records every check in run.json; NMF-SAE and BUNet-II alike.
TEST(BlindLevers, SelectFitKeepsTheEpochWithTheLowestFit) {
  ScratchDir dir;
  const auto s = Scene(dir, "b", "--seed 3");
  for (const char* method : {"bunet2", "nmf-sae"}) {
    SCOPED_TRACE(method);
    const auto r =
        RunOn(s, dir / method, std::string("-q --select fit --epochs 200 --keep-better off --method ") + method);
    const auto& sel = r.record["details"]["select"];
    ASSERT_EQ(sel["epochs"].size(), sel["fit"].size());
    ASSERT_EQ(sel["epochs"].size(), 101u);  // epoch 0 and every second epoch of 200
    size_t best = 0;
    for (size_t i = 0; i < sel["fit"].size(); ++i)
      if (sel["fit"][i].get<double>() < sel["fit"][best].get<double>()) best = i;
    EXPECT_EQ(sel["chosen_epoch"], sel["epochs"][best]);
  }
}

// The failure mode of the papers' decoder on real scenes, reproduced: with per-pixel brightness
// BUNet-II from a good start drifts away from the reference (linear mixing, no penalty). The
// scaled decoder alone stays within 0.3 degrees of its start; with the defaults (scaled mixing
// and the stay-near-start penalty) the network improves its start in SAD, and its abundances
// several times over.
TEST(BlindLevers, DefaultsImproveTheStartUnderBrightnessVariation) {
  ScratchDir dir;
  const auto s = Scene(dir, "b", "--seed 1");
  const auto linear = RunOn(s, dir / "linear", "-q --method bunet2 --keep-better off --mixing linear --anchor 0");
  const auto scaled = RunOn(s, dir / "scaled", "-q --method bunet2 --keep-better off --mixing scaled --anchor 0");
  const auto def = RunOn(s, dir / "default", "-q --method bunet2");
  EXPECT_GT(Sad(linear), StartSad(linear) + 2.0);
  EXPECT_LT(Sad(scaled), StartSad(scaled) + 0.3);
  EXPECT_EQ(def.record["details"]["keep_better"]["kept"], "trained");
  EXPECT_LT(Sad(def), StartSad(def));
  EXPECT_LT(Rmse(def), 0.5 * StartRmse(def));
}

// With no pixel purer than 0.8 the start lies inside the simplex. The defaults improve it in SAD
// and RMSE; without the stay-near-start penalty the scaled decoder moves out to within 2 degrees
// of the reference.
TEST(BlindLevers, ImprovesItsStartWithoutPurePixels) {
  ScratchDir dir;
  const auto s = Scene(dir, "np", "--max-purity 0.8 --seed 1");
  const auto def = RunOn(s, dir / "default", "-q --method bunet2");
  EXPECT_GT(StartSad(def), 3.0);
  EXPECT_LT(Sad(def), StartSad(def));
  EXPECT_LT(Rmse(def), StartRmse(def));
  const auto free = RunOn(s, dir / "scaled", "-q --method bunet2 --mixing scaled --anchor 0");
  EXPECT_LT(Sad(free), 2.0);
  EXPECT_LT(Rmse(free), StartRmse(free));
}

// A dark material (mean reflectance 0.03, like water) with brightness variation: the papers'
// decoder drifts several degrees from a good start; the defaults (scaled mixing with the
// stay-near-start penalty) end within 0.3 degrees of it.
TEST(BlindLevers, DefaultsHoldTheStartWithADarkMaterial) {
  ScratchDir dir;
  const auto s = Scene(dir, "d", "--dark 0.03 --seed 1");
  const auto papers = RunOn(s, dir / "papers", "-q --method bunet2 --keep-better off --mixing linear --anchor 0");
  const auto def = RunOn(s, dir / "default", "-q --method bunet2");
  // The papers' setting moves 1.99 degrees away from its start here (3.08 against 1.09).
  EXPECT_GT(Sad(papers), StartSad(papers) + 1.5);
  EXPECT_LT(Sad(def), StartSad(def) + 0.3);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
