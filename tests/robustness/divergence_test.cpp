// Training that cannot work: a learning rate far too high, constant data, data in absurd units.
// Training stops with a line saying why, the weights kept are the best ones seen (here the
// starting weights), and the run record says so.
#include <gtest/gtest.h>

#include "robustness_util.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/nets/model_file.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;

class Divergence : public ::testing::Test {
 protected:
  void SetUp() override { Synth(dir / "s", "--patch 3 -r 3 --snr 30 --seed 6 --bands 50"); }
  CommandResult Train(const std::string& method, const std::string& more, const std::string& out,
                      const fs::path& input = {}) {
    return RunCli("run --method " + method + " " + more + " --input " +
                  Quote(input.empty() ? dir / "s" / "scene.hdr" : input) + " --gt " + Quote(dir / "s" / "gt.mat") +
                  " --out " + Quote(dir / out));
  }
  ScratchDir dir;
};

TEST_F(Divergence, LearningRateFarTooHighStopsAndKeepsTheStartingWeights) {
  for (const std::string method : {"bunet2", "aenet2", "nmf-sae", "mnn-bu2"}) {
    SCOPED_TRACE(method);
    const auto r = Train(method, "--epochs 50 --lr 1e30", method);
    EXPECT_EQ(r.exit_code, 4) << r.output;  // complete results, training diverged
    EXPECT_TRUE(Has(r.output, "diverged in epoch ")) << r.output;
    EXPECT_TRUE(Has(r.output, "(non-finite loss or gradient); kept the best weights")) << r.output;
    EXPECT_TRUE(Has(r.output, "lower the learning rate")) << r.output;
    const auto training = JsonFile(dir / method / "run.json")["details"]["training"];
    EXPECT_EQ(training["diverged"], true);
    EXPECT_EQ(training["best_epoch"], 0);
    EXPECT_LT(training["epochs_run"].get<int>(), 50);
    // The model saved is finite and is the untrained start: the same abundances as 0 epochs.
    EXPECT_NO_THROW(nets::LoadModel(dir / method / "model.json"));
    ASSERT_EQ(Train(method, "-q --epochs 0", method + "-start").exit_code, 0);
    const Scene a = io::ReadRaster(dir / method / "abundances.tif");
    const Scene start = io::ReadRaster(dir / (method + "-start") / "abundances.tif");
    EXPECT_TRUE(a.data.allFinite());
    EXPECT_EQ(a.data, start.data);
  }
}

TEST_F(Divergence, LossThatExplodesButStaysFiniteKeepsTheBestWeights) {
  const auto r = Train("bunet2", "--epochs 20 --lr 1e3", "high");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r.output, "(epoch 0), ran all 20 epochs")) << r.output;
  const auto loss = Slurp(dir / "high" / "loss.csv");
  const auto training = JsonFile(dir / "high" / "run.json")["details"]["training"];
  EXPECT_EQ(training["best_epoch"], 0) << loss;
  EXPECT_GT(training["initial_loss"].get<double>(), 0.0);
  ASSERT_EQ(Train("bunet2", "-q --epochs 0", "start").exit_code, 0);
  EXPECT_EQ(io::ReadRaster(dir / "high" / "abundances.tif").data,
            io::ReadRaster(dir / "start" / "abundances.tif").data);
}

TEST_F(Divergence, ConstantAndHugeDataDoNotProduceNaN) {
  RawEnvi e;
  e.rows = 9;
  e.cols = 9;
  e.bands = 50;
  const fs::path flat = WriteFloatEnvi(dir / "flat", e, std::vector<float>(9 * 9 * 50, 0.3f));
  for (const std::string method : {"bunet2", "nmf-sae", "mnn-bu2"}) {
    SCOPED_TRACE(method);
    const auto r = RunCli("run --method " + method + " -r 3 --epochs 5 --input " + Quote(flat) + " --out " +
                          Quote(dir / ("flat-" + method)));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // VCA (--preset authors) says "fewer than r dimensions", N-FINDR (the spatial-purity start) "r-1".
    EXPECT_TRUE(Has(r.output, "RANK DEFICIENT (data span fewer than r")) << r.output;
    EXPECT_TRUE(io::ReadRaster(dir / ("flat-" + method) / "abundances.tif").data.allFinite());
    EXPECT_NO_THROW(nets::LoadModel(dir / ("flat-" + method) / "model.json"));
  }
  // Values near 1e30 overflow float squares: training does not start and says why.
  auto v = MixedValues(9, 9, 50);
  for (auto& x : v) x *= 1e30f;
  const fs::path huge = WriteFloatEnvi(dir / "huge", e, v);
  const auto r =
      RunCli("run --method bunet2 -r 3 --epochs 5 --input " + Quote(huge) + " --out " + Quote(dir / "huge-o"));
  ASSERT_EQ(r.exit_code, 4) << r.output;  // results written, training could not run
  EXPECT_TRUE(Has(r.output, "the loss of the initial weights is not finite")) << r.output;
  EXPECT_EQ(JsonFile(dir / "huge-o" / "run.json")["details"]["training"]["epochs_run"], 0);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
