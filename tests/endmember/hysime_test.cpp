#include "unmix/endmember/hysime.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "endmember/classical_synthetic.hpp"
#include "unmix/core/error.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::MakeScene;

struct CountCase {
  Index r, p;
  std::uint64_t seed;
};

class HySimeCount : public ::testing::TestWithParam<CountCase> {};

TEST_P(HySimeCount, FindsTrueCountAt30dB) {
  const auto c = GetParam();
  const auto scene = MakeScene(c.p, c.r, 5000, 30.0, c.seed);
  const auto result = EstimateEndmemberCount(scene.pixels);
  EXPECT_EQ(result.count, c.r) << result.summary.BriefReport();
  EXPECT_EQ(result.subspace.rows(), c.p);
  EXPECT_EQ(result.subspace.cols(), result.count);
  // The estimated noise is white at the simulated level (regression bias ~ p / N).
  const double truth = scene.sigma * scene.sigma;
  EXPECT_NEAR(result.noise_variance.mean() / truth, 1.0, 0.1);
  EXPECT_LT(result.noise_variance.maxCoeff() / truth, 1.5);
  EXPECT_GT(result.noise_variance.minCoeff() / truth, 0.6);
}

INSTANTIATE_TEST_SUITE_P(RangeOfR, HySimeCount,
                         ::testing::Values(CountCase{3, 100, 11}, CountCase{4, 224, 12}, CountCase{5, 150, 13},
                                           CountCase{6, 198, 14}, CountCase{7, 120, 15}, CountCase{8, 224, 16},
                                           CountCase{3, 224, 21}, CountCase{4, 100, 22}, CountCase{5, 198, 23},
                                           CountCase{6, 110, 24}, CountCase{7, 224, 25}, CountCase{8, 160, 26}),
                         [](const auto& test_info) {
                           const CountCase& c = test_info.param;
                           return "r" + std::to_string(c.r) + "_p" + std::to_string(c.p) + "_seed" +
                                  std::to_string(c.seed);
                         });

TEST(HySime, SubspaceIsOrthonormalAndContainsTheEndmembers) {
  const auto scene = MakeScene(120, 5, 4000, 30.0, 3);
  const auto result = EstimateEndmemberCount(scene.pixels);
  ASSERT_EQ(result.count, 5);
  const MatrixD& e = result.subspace;
  EXPECT_LT((e.transpose() * e - MatrixD::Identity(5, 5)).norm(), 1e-10);
  for (Index k = 0; k < 5; ++k) {
    const VectorD a = scene.endmembers.col(k);
    EXPECT_LT((a - e * (e.transpose() * a)).norm() / a.norm(), 0.02);
  }
}

TEST(HySime, NoiseFreeSceneGivesTrueCount) {
  const auto scene = MakeScene(100, 6, 3000, testing::kNoiseFree, 4);
  EXPECT_EQ(EstimateEndmemberCount(scene.pixels).count, 6);
}

TEST(HySime, FloatInputAgreesWithDouble) {
  const auto scene = MakeScene(150, 5, 4000, 30.0, 5);
  const MatrixF yf = scene.pixels.cast<float>();
  const auto rf = EstimateEndmemberCount(yf);
  const auto rd = EstimateEndmemberCount(scene.pixels);
  EXPECT_EQ(rf.count, rd.count);
  EXPECT_LT((rf.noise_variance.cast<double>() - rd.noise_variance).norm() / rd.noise_variance.norm(), 1e-3);
}

TEST(HySime, KeptNoiseMatchesVariances) {
  const auto scene = MakeScene(100, 4, 3000, 30.0, 6);
  hysime::Options o;
  o.keep_noise = true;
  const auto result = EstimateEndmemberCount(scene.pixels, o);
  ASSERT_EQ(result.noise.rows(), 100);
  ASSERT_EQ(result.noise.cols(), 3000);
  // Residual sum of squares over the N - (p - 1) degrees of freedom of the regression.
  const VectorD direct = result.noise.rowwise().squaredNorm() / (3000.0 - 99.0);
  EXPECT_LT((direct - result.noise_variance).cwiseAbs().maxCoeff() / direct.maxCoeff(), 1e-8);
  EXPECT_EQ(EstimateEndmemberCount(scene.pixels).noise.size(), 0);
}

TEST(HySime, SameResultForAnyThreadCount) {
  const auto scene = MakeScene(150, 5, 3000, 30.0, 7);
  hysime::Options one, two;
  one.num_threads = 1;
  two.num_threads = 2;
  const auto a = EstimateEndmemberCount(scene.pixels, one);
  const auto b = EstimateEndmemberCount(scene.pixels, two);
  EXPECT_EQ(a.count, b.count);
  EXPECT_TRUE(a.noise_variance == b.noise_variance);
  EXPECT_TRUE(a.cost == b.cost);
}

TEST(HySime, AllEqualPixelsGiveOne) {
  MatrixD y = VectorD::LinSpaced(50, 0.1, 0.6).replicate(1, 200);
  const auto result = EstimateEndmemberCount(y);
  EXPECT_EQ(result.count, 1);
  EXPECT_TRUE(result.noise_variance.allFinite());
  EXPECT_TRUE(result.subspace.allFinite());
}

TEST(HySime, RejectsUnusableScenes) {
  EXPECT_THROW(EstimateEndmemberCount(MatrixD(MatrixD::Zero(20, 100))), InputError);
  EXPECT_THROW(EstimateEndmemberCount(MatrixD(MatrixD::Ones(50, 50))), InputError);  // N <= p
  EXPECT_THROW(EstimateEndmemberCount(MatrixD(MatrixD::Ones(1, 50))), InputError);   // p < 2
  MatrixD y = MakeScene(30, 3, 200, 30.0, 8).pixels;
  y(3, 7) = std::nan("");
  EXPECT_THROW(EstimateEndmemberCount(y), InputError);
}

TEST(HySime, OptionsAreValidated) {
  hysime::Options o;
  std::string why;
  EXPECT_TRUE(o.IsValid(&why));
  o.regression_ridge = -1;
  EXPECT_FALSE(o.IsValid(&why));
  EXPECT_NE(why.find("regression_ridge"), std::string::npos);
  const auto scene = MakeScene(30, 3, 200, 30.0, 9);
  EXPECT_THROW(EstimateEndmemberCount(scene.pixels, o), OptionError);
  o = {};
  o.num_threads = -1;
  EXPECT_THROW(EstimateEndmemberCount(scene.pixels, o), OptionError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix

// A small scene with many bands (N = 1296, p = 224): with the residual variance divided by N
// instead of its degrees of freedom, the noise was underestimated by 17% and HySime returned 16.
TEST(HySime, SmallSceneWithManyBands) {
  auto o = unmix::SyntheticOptions::UAdmmNets();
  o.patch = 6;
  o.endmembers = 5;
  o.snr_db = 35;
  o.seed = 4;
  const auto s = unmix::MakeSyntheticScene(o);
  ASSERT_EQ(s.scene.pixels(), 1296);
  EXPECT_EQ(unmix::EstimateEndmemberCount<float>(s.scene.data).count, 5);
}
