// `unmix experiment all --quick` as the test suite runs it: every experiment writes its raw
// numbers, summary, plots and the results page, and the papers' qualitative claims hold at the
// quick size.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "testing.hpp"

namespace unmix {
namespace {

using testing::RunCli;
using testing::ScratchDir;
namespace fs = std::filesystem;

nlohmann::json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// mean of (condition, variant, metric) in a summary.json
double Mean(const nlohmann::json& s, const std::string& condition, const std::string& variant,
            const std::string& metric) {
  for (const auto& r : s["results"])
    if (r["condition"] == condition && r["variant"] == variant && r["metric"] == metric) return r["mean"];
  ADD_FAILURE() << "no " << metric << " for " << variant << " at " << condition << " in " << s["name"];
  return std::nan("");
}

bool IsPng(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  return in.gcount() == 8 && std::string(sig + 1, 3) == "PNG" && fs::file_size(p) > 1000;
}

TEST(ExperimentQuick, AllExperimentsWriteTheirFilesAndTheClaimsHold) {
  ScratchDir dir;
  const auto out = dir / "exp";
  std::string data = testing::SharedDataDir().string();
  const bool have_data = !data.empty() && fs::exists(fs::path(data) / "jasper_ridge" / "jasperRidge2_R198.mat");
  if (!have_data) {
    std::cout << "[ NOTE     ] shared data not found: the Jasper Ridge experiments are skipped in this run\n";
    data = (dir / "no-data").string();
  }
  const auto r = RunCli("experiment all --quick --out '" + out.string() + "' --data '" + data + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const std::vector<std::string> synthetic = {"uadmm-snr",  "uadmm-layers",  "uadmm-epochs", "uadmm-train-size",
                                              "uadmm-loss", "uadmm-times",   "nmfsae-pixels", "nmfsae-snr",
                                              "blind-regions"};
  std::vector<std::string> expected = synthetic;
  if (have_data) expected.insert(expected.end(), {"jasper-supervised", "jasper-blind"});
  std::ifstream page_in(out / "README.md");
  const std::string page((std::istreambuf_iterator<char>(page_in)), std::istreambuf_iterator<char>());
  for (const auto& name : expected) {
    SCOPED_TRACE(name);
    for (const char* f : {"raw.csv", "summary.csv", "summary.json"}) EXPECT_TRUE(fs::exists(out / name / f)) << f;
    const auto s = ReadJson(out / name / "summary.json");
    EXPECT_EQ(s["seeds"], 1);
    EXPECT_TRUE(s["quick"].get<bool>());
    for (const auto& p : s["plots"]) EXPECT_TRUE(IsPng(out / name / p["png"].get<std::string>())) << p["png"];
    EXPECT_NE(page.find("## " + name + ":"), std::string::npos);
    // raw.csv: a header and one line per (run, metric); every summary cell counts one run.
    std::ifstream raw(out / name / "raw.csv");
    std::string line;
    int lines = 0;
    while (std::getline(raw, line)) ++lines;
    EXPECT_EQ(lines - 1, static_cast<int>(s["results"].size()));
  }
  if (!have_data) EXPECT_NE(r.output.find("jasper-blind: skipped"), std::string::npos) << r.output;
  // --page rebuilds the same page from the summaries alone.
  fs::remove(out / "README.md");
  const auto again = RunCli("experiment --page --out '" + out.string() + "'");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  std::ifstream page_again(out / "README.md");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(page_again)), std::istreambuf_iterator<char>()), page);

  // u-admm-nets.txt's claims at the quick size: AENet-II (with sum-to-one updates) below SUnSAL at
  // 15 dB; BUNet-II improves its VCA + FCLS start at 25 dB.
  const auto snr = ReadJson(out / "uadmm-snr" / "summary.json");
  EXPECT_LT(Mean(snr, "15 dB", "aenet2+asc", "rmse"), Mean(snr, "15 dB", "sunsal", "rmse"));
  EXPECT_LT(Mean(snr, "25 dB", "bunet2", "rmse"), Mean(snr, "25 dB", "bunet2", "init_rmse"));
  EXPECT_LT(Mean(snr, "25 dB", "bunet2", "sad_deg_mean"), Mean(snr, "25 dB", "bunet2", "init_sad_deg_mean"));
  // nmf-sae.txt: NMF-SAE improves its VCA + FCLS start.
  const auto nmf = ReadJson(out / "nmfsae-pixels" / "summary.json");
  EXPECT_LT(Mean(nmf, "1000 pixels", "nmf-sae", "sad_deg_mean"), Mean(nmf, "1000 pixels", "nmf-sae", "init_sad_deg_mean"));
  EXPECT_LT(Mean(nmf, "1000 pixels", "nmf-sae", "rmse"), Mean(nmf, "1000 pixels", "nmf-sae", "init_rmse"));
  // On scenes with pure regions the purity-weighted means improve spatial N-FINDR's vertices.
  const auto regions = ReadJson(out / "blind-regions" / "summary.json");
  EXPECT_LT(Mean(regions, "20 dB", "spatial-purity", "sad_deg_mean"),
            0.5 * Mean(regions, "20 dB", "spatial-nfindr", "sad_deg_mean"));
  EXPECT_LT(Mean(regions, "20 dB", "spatial-purity", "rmse"), Mean(regions, "20 dB", "vca-fcls", "rmse"));
  if (have_data) {
    // Table VI: the supervised network far below SUnSAL on Jasper Ridge.
    const auto sup = ReadJson(out / "jasper-supervised" / "summary.json");
    EXPECT_LT(Mean(sup, "Jasper Ridge", "aenet2", "rmse"), 0.5 * Mean(sup, "Jasper Ridge", "sunsal", "rmse"));
    // The blind targets: mean SAD at most 3.5 degrees and abundance RMSE at
    // most 0.06 on Jasper Ridge, with the exponent fixed on the blind-regions scenes.
    const auto blind = ReadJson(out / "jasper-blind" / "summary.json");
    EXPECT_LE(Mean(blind, "Jasper Ridge", "spatial-purity", "sad_deg_mean"), 3.5);
    EXPECT_LE(Mean(blind, "Jasper Ridge", "spatial-purity", "rmse"), 0.06);
    EXPECT_LT(Mean(blind, "Jasper Ridge", "spatial-purity", "sad_deg_mean"),
              Mean(blind, "Jasper Ridge", "spatial-nfindr", "sad_deg_mean"));
  }
}

TEST(ExperimentQuick, MissingDataAndUnknownNamesAreReported) {
  ScratchDir dir;
  const auto r = RunCli("experiment jasper-blind --quick --out '" + (dir / "e").string() + "' --data '" +
                        (dir / "nothing").string() + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("jasper-blind: skipped"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("jasperRidge2_R198.mat"), std::string::npos) << r.output;
  const auto u = RunCli("experiment no-such-thing --out '" + (dir / "e").string() + "'");
  EXPECT_NE(u.exit_code, 0);
  EXPECT_NE(u.output.find("unknown experiment 'no-such-thing'"), std::string::npos) << u.output;
  const auto l = RunCli("experiment --list");
  EXPECT_EQ(l.exit_code, 0);
  EXPECT_NE(l.output.find("uadmm-snr"), std::string::npos) << l.output;
}

}  // namespace
}  // namespace unmix
