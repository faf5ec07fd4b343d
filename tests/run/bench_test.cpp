// The speed jobs through the library API, at tiny sizes: the times come from the method runs
// and the FLOP totals follow nets/flop_counts.hpp.
#include "unmix/run/bench.hpp"

#include <gtest/gtest.h>

#include "testing.hpp"
#include "unmix/nets/flop_counts.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

namespace fl = nets::flops;

TEST(Bench, TrainingJobsReportTheirTimesAndCountedFlops) {
  SyntheticOptions so;
  so.patch = 6;  // 36 x 36 pixels
  so.endmembers = 3;
  so.spectra.bands = 40;
  so.snr_db = 30;
  const SceneAndTruth scene = SyntheticSceneAndTruth(so);

  BenchOptions o;
  o.MakeQuick();
  o.repeats = 2;
  o.epochs = 2;
  o.nmf_iterations = 3;
  o.train_pixels = 200;
  o.jobs = {"aenet2", "nmf-sae"};
  std::vector<std::string> started;
  o.on_start = [&](const std::string& job) { started.push_back(job); };
  const BenchReport report = RunBench(scene, o);
  EXPECT_EQ(started, (std::vector<std::string>{"aenet2", "nmf-sae", "floor"}));
  EXPECT_EQ(report.pixels, 36 * 36);
  EXPECT_GT(report.floor.gemm_rate(), 0);
  EXPECT_GT(report.floor.bandwidth(), 0);
  ASSERT_EQ(report.jobs.size(), 2u);
  for (const BenchJob& j : report.jobs) {
    SCOPED_TRACE(j.name);
    ASSERT_EQ(j.seconds.size(), 2u);
    for (double s : j.seconds) EXPECT_GT(s, 0);
    ASSERT_EQ(j.run_seconds.size(), 2u);
    EXPECT_GE(j.run_seconds[0], j.seconds[0]);  // training is part of the method run
    EXPECT_GT(j.median_seconds(), 0);
    EXPECT_GT(report.floor_seconds(j), 0);
    EXPECT_EQ(j.target_seconds, 0);  // no targets at quick sizes
  }

  // AENet-II (2 layers: 3 untied updates) on 200 pixels, batches 64, 64, 64, 8, 2 epochs plus
  // the initial loss pass.
  const double p = 40, r = 3, updates = 3, sets = 3;
  double epoch = 0;
  for (double b : {64.0, 64.0, 64.0, 8.0})
    epoch +=
        fl::AdmmForward(p, r, updates, sets, b) + fl::AdmmBackward(p, r, updates, sets, b) + fl::SupervisedLoss(r, b);
  const double params = sets * (r * p + r * r + 2);  // W, B, theta, eta per set
  EXPECT_DOUBLE_EQ(report.jobs[0].flops, 3 * epoch + 4 * 2 * fl::AdamStep(params));
  EXPECT_DOUBLE_EQ(report.jobs[0].bytes, 3 * 200 * p * sizeof(float));
  // NMF-SAE (2 layers), 3 full-batch iterations on 200 pixels plus the initial loss pass.
  const double nmf_params = r * p + r + 200 * r;  // W1, theta, W2
  EXPECT_DOUBLE_EQ(report.jobs[1].flops, 4 * fl::NmfSaeStep(p, r, 200, 2) + 3 * fl::AdamStep(nmf_params));

  const auto j = report.ToJson();
  EXPECT_EQ(j["jobs"][0]["name"], "aenet2");
  EXPECT_DOUBLE_EQ(j["jobs"][1]["flops"].get<double>(), report.jobs[1].flops);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
