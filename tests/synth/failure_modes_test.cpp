// The synthetic options that reproduce real-scene failure modes: a purity cap, a dark material,
// endmember variability between pixels and band-correlated noise.
#include <gtest/gtest.h>

#include <cmath>

#include "unmix/synth/synthetic.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

SyntheticOptions Regions() {
  auto o = SyntheticOptions::UAdmmNets();
  o.layout = SyntheticOptions::Layout::kRegions;
  o.endmembers = 4;
  o.patch = 6;
  o.seed = 3;
  return o;
}

TEST(FailureModes, OffLeavesTheSceneBitForBit) {
  auto o = Regions();
  o.snr_db = 25;
  o.brightness = 0.1;
  const auto a = MakeSyntheticScene(o);
  o.max_purity = 1;
  o.dark = 0;
  o.variability = 0;
  o.noise_correlation = 0;
  EXPECT_EQ(MakeSyntheticScene(o).scene.data, a.scene.data);
}

TEST(FailureModes, PurityCapLeavesNoPixelAboveItAndKeepsTheSimplex) {
  auto o = Regions();
  const MatrixD free = MakeSyntheticScene(o).abundances.values.cast<double>();
  ASSERT_GT(free.colwise().maxCoeff().maxCoeff(), 0.99) << "the uncapped scene has pure pixels";
  o.max_purity = 0.8;
  const auto s = MakeSyntheticScene(o);
  const MatrixD x = s.abundances.values.cast<double>();
  EXPECT_LE(x.colwise().maxCoeff().maxCoeff(), 0.8 + 1e-6);
  EXPECT_GT(x.colwise().maxCoeff().maxCoeff(), 0.8 - 1e-6) << "the cap is reached";
  EXPECT_GE(x.minCoeff(), 0.0);
  EXPECT_LT((x.colwise().sum().array() - 1.0).abs().maxCoeff(), 1e-6);
  // Pixels below the cap are untouched.
  for (Index k = 0; k < x.cols(); ++k)
    if (free.col(k).maxCoeff() < 0.8) {
      EXPECT_LT((x.col(k) - free.col(k)).cwiseAbs().maxCoeff(), 1e-6);
    }
  EXPECT_NE(s.scene.source.find("max purity=0.8"), std::string::npos) << s.scene.source;
}

TEST(FailureModes, DarkMaterialHasTheRequestedMeanReflectance) {
  auto o = Regions();
  const auto bright = MakeSyntheticScene(o);
  o.dark = 0.03;
  const auto s = MakeSyntheticScene(o);
  const Index last = o.endmembers - 1;
  EXPECT_NEAR(s.endmembers.spectra.col(last).cast<double>().mean(), 0.03, 1e-6);
  // The same material, darker: the shape (angle) is unchanged and the others are untouched.
  const VectorD a = s.endmembers.spectra.col(last).cast<double>(),
                b = bright.endmembers.spectra.col(last).cast<double>();
  EXPECT_NEAR(a.dot(b) / (a.norm() * b.norm()), 1.0, 1e-6);
  EXPECT_EQ(s.endmembers.spectra.leftCols(last), bright.endmembers.spectra.leftCols(last));
}

TEST(FailureModes, VariabilityPerturbsEachPixelWithinItsBound) {
  auto o = Regions();
  o.variability = 0.1;
  const auto s = MakeSyntheticScene(o);
  const MatrixD ex = s.endmembers.spectra.cast<double>() * s.abundances.values.cast<double>();
  const MatrixD clean = s.clean.cast<double>();
  // |clean - E x| <= 2 v E x entrywise (|a + b t| <= 2), and the perturbation is not zero.
  EXPECT_LE(((clean - ex).cwiseAbs().array() - 2 * 0.1 * ex.array()).maxCoeff(), 1e-6);
  EXPECT_GT((clean - ex).cwiseAbs().maxCoeff(), 0.01 * ex.maxCoeff());
  // Pure pixels are no longer exactly their endmember's spectrum up to a scale.
  Index bent = 0;
  for (Index k = 0; k < ex.cols(); ++k) {
    if (s.abundances.values.col(k).maxCoeff() < 0.999) continue;
    const double cosine = clean.col(k).dot(ex.col(k)) / (clean.col(k).norm() * ex.col(k).norm());
    if (cosine < 1 - 1e-6) ++bent;
  }
  EXPECT_GT(bent, 0);
}

TEST(FailureModes, CorrelatedNoiseKeepsTheSnrAndCorrelatesNeighbouringBands) {
  auto o = Regions();
  o.snr_db = 20;
  for (double rho : {0.0, 0.9}) {
    SCOPED_TRACE(rho);
    o.noise_correlation = rho;
    const auto s = MakeSyntheticScene(o);
    EXPECT_NEAR(s.realized_snr_db, 20.0, 0.1);
    const MatrixD n = s.scene.data.cast<double>() - s.clean.cast<double>();
    double lag1 = 0, lag0 = 0;
    for (Index k = 0; k < n.cols(); ++k)
      for (Index b = 1; b < n.rows(); ++b) lag1 += n(b, k) * n(b - 1, k), lag0 += n(b, k) * n(b, k);
    EXPECT_NEAR(lag1 / lag0, rho, 0.03);
  }
}

TEST(FailureModes, InvalidValuesAreRefused) {
  std::string why;
  auto o = Regions();
  o.max_purity = 0.2;  // not above 1/r = 0.25
  EXPECT_FALSE(o.IsValid(&why));
  EXPECT_NE(why.find("purity"), std::string::npos) << why;
  o = Regions();
  o.max_purity = 1.5;
  EXPECT_FALSE(o.IsValid(&why));
  o = Regions();
  o.dark = -0.1;
  EXPECT_FALSE(o.IsValid(&why));
  o = Regions();
  o.variability = 0.6;
  EXPECT_FALSE(o.IsValid(&why));
  o = Regions();
  o.noise_correlation = 1.0;
  EXPECT_FALSE(o.IsValid(&why));
  o = Regions();
  o.noise_correlation = std::nan("");
  EXPECT_FALSE(o.IsValid(&why));
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
