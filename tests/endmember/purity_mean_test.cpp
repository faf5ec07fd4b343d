#include "unmix/endmember/purity_mean.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

double AngleDeg(const VectorD& a, const VectorD& b) {
  return std::acos(std::clamp(a.dot(b) / (a.norm() * b.norm()), -1.0, 1.0)) * 180.0 / M_PI;
}

// Three positive endmembers, 20 pure pixels of each at brightness 0.8..1.2, 300 mixtures whose
// largest fraction is at most 0.6.
struct PureAndMixed {
  MatrixF endmembers, pixels;
  std::vector<double> brightness_sum = std::vector<double>(3, 0.0);
};

PureAndMixed MakePureAndMixed() {
  Rng rng(11);
  PureAndMixed s;
  const Index p = 12, r = 3;
  s.endmembers.resize(p, r);
  for (Index i = 0; i < p; ++i)
    for (Index k = 0; k < r; ++k) s.endmembers(i, k) = static_cast<float>(0.1 + rng.Uniform());
  std::vector<VectorF> cols;
  for (Index k = 0; k < r; ++k)
    for (int j = 0; j < 20; ++j) {
      const double b = rng.Uniform(0.8, 1.2);
      s.brightness_sum[static_cast<size_t>(k)] += b;
      cols.push_back(static_cast<float>(b) * s.endmembers.col(k));
    }
  for (int j = 0; j < 300; ++j) {
    VectorD x(r);
    do {
      for (Index k = 0; k < r; ++k) x(k) = rng.Uniform();
      x /= x.sum();
    } while (x.maxCoeff() > 0.6);
    cols.push_back((s.endmembers.cast<double>() * x).cast<float>());
  }
  s.pixels.resize(p, static_cast<Index>(cols.size()));
  for (size_t j = 0; j < cols.size(); ++j) s.pixels.col(static_cast<Index>(j)) = cols[j];
  return s;
}

TEST(PurityWeightedEndmembers, RecoversTheBrightnessWeightedMeanOfThePurePixels) {
  const PureAndMixed s = MakePureAndMixed();
  const auto res = PurityWeightedEndmembers(s.endmembers, s.pixels);
  for (Index k = 0; k < 3; ++k) {
    // Pure pixels weigh 1, the mixtures at most 0.6^32 = 8e-8 each.
    EXPECT_NEAR(res.total_weight(k), 20.0, 300 * std::pow(0.6, 32) + 1e-4) << k;
    const VectorD expected = s.endmembers.col(k).cast<double>() * (s.brightness_sum[static_cast<size_t>(k)] / 20.0);
    EXPECT_LT((res.endmembers.col(k).cast<double>() - expected).norm() / expected.norm(), 1e-5) << k;
  }
}

TEST(PurityWeightedEndmembers, PullsANoisyVertexBackToItsPureRegion) {
  // The start's second endmember is the noisiest pure pixel, as an extreme-point search returns.
  PureAndMixed s = MakePureAndMixed();
  Rng rng(3);
  MatrixF start = s.endmembers;
  for (Index i = 0; i < start.rows(); ++i) start(i, 1) *= static_cast<float>(1.0 + 0.15 * rng.Normal());
  const double before = AngleDeg(start.col(1).cast<double>(), s.endmembers.col(1).cast<double>());
  const auto res = PurityWeightedEndmembers(start, s.pixels);
  const double after = AngleDeg(res.endmembers.col(1).cast<double>(), s.endmembers.col(1).cast<double>());
  EXPECT_GT(before, 3.0);
  EXPECT_LT(after, before / 3) << before << " -> " << after;
}

TEST(PurityWeightedEndmembers, ScalesWithTheDataAndKeepsUnusedEndmembers) {
  const PureAndMixed s = MakePureAndMixed();
  const auto a = PurityWeightedEndmembers(s.endmembers, s.pixels);
  const auto b = PurityWeightedEndmembers(4.0f * s.endmembers, 4.0f * s.pixels);
  EXPECT_LT((b.endmembers - 4.0f * a.endmembers).norm() / (4.0f * a.endmembers).norm(), 1e-5);
  // A fourth endmember orthogonal to the data gets no weight and comes back as it was.
  MatrixF e(s.endmembers.rows() + 1, 4);
  e.setZero();
  e.topLeftCorner(s.endmembers.rows(), 3) = s.endmembers;
  e(s.endmembers.rows(), 3) = 1.0f;
  MatrixF y = MatrixF::Zero(s.pixels.rows() + 1, s.pixels.cols());
  y.topRows(s.pixels.rows()) = s.pixels;
  const auto c = PurityWeightedEndmembers(e, y);
  EXPECT_EQ(c.total_weight(3), 0.0);
  EXPECT_EQ(c.endmembers.col(3), e.col(3));
}

TEST(PurityWeightedEndmembers, RefusesBadExponentsAndShapes) {
  const PureAndMixed s = MakePureAndMixed();
  for (double q : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    purity::Options o;
    o.exponent = q;
    EXPECT_FALSE(o.IsValid(nullptr)) << q;
    EXPECT_THROW(PurityWeightedEndmembers(s.endmembers, s.pixels, o), OptionError) << q;
  }
  EXPECT_THROW(PurityWeightedEndmembers(s.endmembers, s.pixels.topRows(5)), OptionError);
  EXPECT_THROW(PurityWeightedEndmembers(s.endmembers, MatrixF(12, 0)), OptionError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
