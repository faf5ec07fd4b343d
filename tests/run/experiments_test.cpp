// The experiment API as a binding would call it: list the catalogue, run one experiment at its
// quick size, read the summary, write its folder and the results page.
#include "unmix/run/experiments.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "testing.hpp"
#include "unmix/core/error.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::ScratchDir;
using testing::Slurp;
namespace fs = std::filesystem;

double MeanOf(const nlohmann::json& s, const std::string& variant, const std::string& metric) {
  for (const auto& r : s["results"])
    if (r["variant"] == variant && r["metric"] == metric) return r["mean"];
  ADD_FAILURE() << "no " << metric << " for " << variant;
  return std::nan("");
}

TEST(Experiments, TheCatalogueListsEachExperimentOnceWithItsScenes) {
  const auto all = AllExperiments({});
  ASSERT_EQ(all.size(), 11u);
  std::set<std::string> names;
  for (const auto& e : all) {
    SCOPED_TRACE(e.name);
    EXPECT_TRUE(names.insert(e.name).second);
    EXPECT_FALSE(e.conditions.empty());
    EXPECT_FALSE(e.variants.empty());
    EXPECT_TRUE(e.scene && e.scene_key);
    for (const auto& v : e.variants) EXPECT_EQ(v.supervised, GetMethod(v.method).supervised) << v.label;
  }
  EXPECT_EQ(FindExperiment(all, "jasper-blind").variants.size(), 22u);
  EXPECT_TRUE(FindExperiment(all, "jasper-blind").needs_data);
  EXPECT_EQ(FindExperiment(all, "uadmm-snr").conditions.back().label, "inf");
  EXPECT_EQ(FindExperiment(all, "uadmm-snr").conditions.back().x, 35.0);
  EXPECT_THROW(FindExperiment(all, "no-such-experiment"), OptionError);
}

// blind-regions at the quick size: three endmember searches on one 20 dB scene, no training.
TEST(Experiments, RunsAQuickExperimentAndWritesItsFolder) {
  const auto all = AllExperiments({});
  const Experiment& e = FindExperiment(all, "blind-regions");
  ExperimentOptions o;
  o.quick = true;
  o.command = {"unmix", "experiment", "blind-regions", "--quick"};
  int reports = 0;
  o.on_run = [&](const ExperimentRunReport& r) {
    ++reports;
    EXPECT_EQ(r.done, reports);
    EXPECT_EQ(r.total, 3);
    EXPECT_GT(r.seconds, 0);
    EXPECT_TRUE(r.metrics->count("sad_deg_mean"));
  };
  const ExperimentResults res = RunExperiment(e, o);
  EXPECT_EQ(reports, 3);
  const auto& s = res.summary;
  EXPECT_EQ(s["name"], "blind-regions");
  EXPECT_EQ(s["seeds"], 1);
  ASSERT_EQ(s["conditions"].size(), 1u);
  EXPECT_EQ(s["conditions"][0]["label"], "20 dB");
  ASSERT_EQ(s["variants"].size(), 3u);
  EXPECT_EQ(s["results"].size(), res.values.size());  // one run per cell
  // The purity-weighted means improve spatial N-FINDR's vertices on scenes with pure regions.
  const double purity = MeanOf(s, "spatial-purity", "sad_deg_mean");
  EXPECT_GT(purity, 0);
  EXPECT_LT(purity, 0.5 * MeanOf(s, "spatial-nfindr", "sad_deg_mean"));

  ScratchDir dir;
  const nlohmann::json written = WriteExperimentFolder(res, dir / "blind-regions");
  for (const char* f : {"raw.csv", "summary.csv", "summary.json"})
    EXPECT_TRUE(fs::exists(dir / "blind-regions" / f)) << f;
  EXPECT_TRUE(written["plots"].empty());  // one condition: a table, no plot
  WriteResultsPage(dir.path());
  const std::string page = Slurp(dir / "README.md");
  EXPECT_NE(page.find("## blind-regions:"), std::string::npos);
  EXPECT_NE(page.find("Command: `unmix experiment blind-regions --quick`"), std::string::npos);
  EXPECT_NE(page.find(FormatMetric(purity)), std::string::npos);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
