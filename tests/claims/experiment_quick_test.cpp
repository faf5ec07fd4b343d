// `unmix experiment NAME --quick` as the test suite runs it: every experiment writes its raw
// numbers, summary, plots and the results page, and the papers' qualitative claims hold at the
// quick size. One test per experiment, so that ctest runs them in parallel.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "testing.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::RunCli;
using testing::ScratchDir;
using testing::Slurp;
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

// The claims each experiment must show at the quick size, given the folder it wrote.
using Claims = std::function<void(const fs::path& out)>;

const std::map<std::string, Claims>& ClaimsByExperiment() {
  static const std::map<std::string, Claims> claims = {
      // u-admm-nets.txt: AENet-II (with sum-to-one updates) below SUnSAL at 15 dB; BUNet-II
      // improves its VCA + FCLS start at 25 dB.
      {"uadmm-snr",
       [](const fs::path& out) {
         const auto snr = ReadJson(out / "uadmm-snr" / "summary.json");
         EXPECT_LT(Mean(snr, "15 dB", "aenet2+asc", "rmse"), Mean(snr, "15 dB", "sunsal", "rmse"));
         EXPECT_LT(Mean(snr, "25 dB", "bunet2", "rmse"), Mean(snr, "25 dB", "bunet2", "init_rmse"));
         EXPECT_LT(Mean(snr, "25 dB", "bunet2", "sad_deg_mean"), Mean(snr, "25 dB", "bunet2", "init_sad_deg_mean"));
       }},
      {"uadmm-layers", {}},
      {"uadmm-epochs", {}},
      {"uadmm-train-size", {}},
      {"uadmm-loss", {}},
      {"uadmm-times", {}},
      // nmf-sae.txt: NMF-SAE improves its VCA + FCLS start.
      {"nmfsae-pixels",
       [](const fs::path& out) {
         const auto nmf = ReadJson(out / "nmfsae-pixels" / "summary.json");
         EXPECT_LT(Mean(nmf, "1000 pixels", "nmf-sae", "sad_deg_mean"),
                   Mean(nmf, "1000 pixels", "nmf-sae", "init_sad_deg_mean"));
         EXPECT_LT(Mean(nmf, "1000 pixels", "nmf-sae", "rmse"), Mean(nmf, "1000 pixels", "nmf-sae", "init_rmse"));
       }},
      {"nmfsae-snr", {}},
      // Table VI: the supervised network far below SUnSAL on Jasper Ridge.
      {"jasper-supervised",
       [](const fs::path& out) {
         const auto sup = ReadJson(out / "jasper-supervised" / "summary.json");
         EXPECT_LT(Mean(sup, "Jasper Ridge", "aenet2", "rmse"), 0.5 * Mean(sup, "Jasper Ridge", "sunsal", "rmse"));
       }},
      // On scenes with pure regions the purity-weighted means improve spatial N-FINDR's vertices.
      {"blind-regions",
       [](const fs::path& out) {
         const auto regions = ReadJson(out / "blind-regions" / "summary.json");
         EXPECT_LT(Mean(regions, "20 dB", "spatial-purity", "sad_deg_mean"),
                   0.5 * Mean(regions, "20 dB", "spatial-nfindr", "sad_deg_mean"));
         EXPECT_LT(Mean(regions, "20 dB", "spatial-purity", "rmse"), Mean(regions, "20 dB", "vca-fcls", "rmse"));
       }},
      // The blind targets: mean SAD at most 3.5 degrees and abundance RMSE at most 0.06 on
      // Jasper Ridge, with the exponent fixed on the blind-regions scenes.
      {"jasper-blind",
       [](const fs::path& out) {
         const auto blind = ReadJson(out / "jasper-blind" / "summary.json");
         EXPECT_LE(Mean(blind, "Jasper Ridge", "spatial-purity", "sad_deg_mean"), 3.5);
         EXPECT_LE(Mean(blind, "Jasper Ridge", "spatial-purity", "rmse"), 0.06);
         EXPECT_LT(Mean(blind, "Jasper Ridge", "spatial-purity", "sad_deg_mean"),
                   Mean(blind, "Jasper Ridge", "spatial-nfindr", "sad_deg_mean"));
       }},
  };
  return claims;
}

bool NeedsJasper(const std::string& name) { return name.rfind("jasper-", 0) == 0; }

// Files, summary and page section of experiment `name` in `out`.
void ExpectWritten(const fs::path& out, const std::string& name) {
  SCOPED_TRACE(name);
  for (const char* f : {"raw.csv", "summary.csv", "summary.json"}) {
    EXPECT_TRUE(fs::exists(out / name / f)) << f;
  }
  const auto s = ReadJson(out / name / "summary.json");
  EXPECT_EQ(s["seeds"], 1);
  EXPECT_TRUE(s["quick"].get<bool>());
  for (const auto& p : s["plots"]) {
    EXPECT_TRUE(IsPng(out / name / p["png"].get<std::string>())) << p["png"];
  }
  EXPECT_NE(Slurp(out / "README.md").find("## " + name + ":"), std::string::npos);
  // raw.csv: a header and one line per (run, metric); every summary cell counts one run.
  std::ifstream raw(out / name / "raw.csv");
  std::string line;
  int lines = 0;
  while (std::getline(raw, line)) ++lines;
  EXPECT_EQ(lines - 1, static_cast<int>(s["results"].size()));
}

// --page rebuilds the same page from the summaries alone.
void ExpectPageRebuilds(const fs::path& out) {
  const std::string page = Slurp(out / "README.md");
  fs::remove(out / "README.md");
  const auto again = RunCli("experiment --page --out '" + out.string() + "'");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Slurp(out / "README.md"), page);
}

class ExperimentQuick : public ::testing::TestWithParam<std::string> {};

TEST_P(ExperimentQuick, WritesItsFilesAndTheClaimsHold) {
  const std::string name = GetParam();
  ScratchDir dir;
  const auto out = dir / "exp";
  const std::string data = testing::SharedDataDir().string();
  if (NeedsJasper(name) && (data.empty() || !fs::exists(fs::path(data) / "jasper_ridge" / "jasperRidge2_R198.mat")))
    GTEST_SKIP() << "shared data not found: experiment " << name << " needs ../shared/data/jasper_ridge";
  const auto r = RunCli("experiment " + name + " --quick --out '" + out.string() + "' --data '" +
                        (data.empty() ? (dir / "no-data").string() : data) + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectWritten(out, name);
  ExpectPageRebuilds(out);
  if (const auto& claims = ClaimsByExperiment().at(name)) claims(out);
}

std::vector<std::string> ExperimentNames() {
  std::vector<std::string> names;
  for (const auto& [name, claims] : ClaimsByExperiment()) names.push_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Each, ExperimentQuick, ::testing::ValuesIn(ExperimentNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (auto& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

// The tests above cover every experiment the CLI lists, and `experiment A B` writes one page
// with both sections that --page rebuilds.
TEST(ExperimentQuickCatalogue, EveryListedExperimentIsTestedAndPagesJoin) {
  const auto l = RunCli("experiment --list");
  ASSERT_EQ(l.exit_code, 0) << l.output;
  std::set<std::string> listed;
  std::istringstream lines(l.output);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) listed.insert(line.substr(0, line.find(' ')));
  std::set<std::string> tested;
  for (const auto& n : ExperimentNames()) tested.insert(n);
  EXPECT_EQ(listed, tested);

  ScratchDir dir;
  const auto out = dir / "exp";
  const auto r = RunCli("experiment uadmm-loss uadmm-train-size --quick --out '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ExpectWritten(out, "uadmm-loss");
  ExpectWritten(out, "uadmm-train-size");
  ExpectPageRebuilds(out);
}

TEST(ExperimentQuickCatalogue, MissingDataAndUnknownNamesAreReported) {
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

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
