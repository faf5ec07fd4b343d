#include "unmix/metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

MatrixD RandomPositive(Index rows, Index cols, Rng& rng) {
  MatrixD m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = rng.Uniform(0.05, 1.0);
  return m;
}

TEST(SpectralAngle, HandComputed) {
  VectorD a(2), b(2), c(2);
  a << 1, 0;
  b << 1, 1;
  c << -3, 0;
  EXPECT_NEAR(RadToDeg(SpectralAngle(a, b)), 45.0, 1e-12);
  EXPECT_NEAR(RadToDeg(SpectralAngle(a, c)), 180.0, 1e-12);
  EXPECT_NEAR(SpectralAngle(a, 2.5 * a), 0.0, 1e-7);  // scale invariant
}

TEST(SpectralAngle, ZeroVectorIsNinetyDegreesNotNan) {
  VectorD a(3), z = VectorD::Zero(3);
  a << 1, 2, 3;
  EXPECT_NEAR(RadToDeg(SpectralAngle(a, z)), 90.0, 1e-12);
  EXPECT_NEAR(RadToDeg(SpectralAngle(z, z)), 90.0, 1e-12);
}

TEST(CompareAbundances, HandComputedTwoPixels) {
  MatrixD ref(2, 2), est(2, 2);
  ref << 1, 0,  //
      0, 1;
  est << 0.5, 0,  //
      0.5, 1;
  const auto e = CompareAbundances(ref, est, 1e-8);
  EXPECT_NEAR(e.rmse, 0.25, 1e-12);  // (0.5 + 0) / 2
  EXPECT_NEAR(e.rmse_global, std::sqrt(0.125), 1e-12);
  EXPECT_NEAR(e.mae_x100, 25.0, 1e-12);  // (50 + 0) / 2
  EXPECT_NEAR(e.aad_deg, 22.5, 1e-9);    // (45 + 0) / 2
  EXPECT_NEAR(e.rmse_per_endmember(0), std::sqrt(0.125), 1e-12);
  EXPECT_NEAR(e.rmse_per_endmember(1), std::sqrt(0.125), 1e-12);
  // AID of pixel 1 written as KL(x|y) + KL(y|x) with the zero clamped to 1e-8.
  const double x0 = 1, x1 = 1e-8, y0 = 0.5, y1 = 0.5;
  const double kl_xy = x0 * std::log(x0 / y0) + x1 * std::log(x1 / y1);
  const double kl_yx = y0 * std::log(y0 / x0) + y1 * std::log(y1 / x1);
  EXPECT_NEAR(e.aid, (kl_xy + kl_yx) / 2, 1e-9);
}

TEST(CompareAbundances, RestrictsToGivenPixels) {
  MatrixD ref(2, 3), est(2, 3);
  ref << 1, 0, 0.5,  //
      0, 1, 0.5;
  est << 0, 0, 0.5,  //
      1, 1, 0.5;
  const std::vector<Index> test{1, 2};
  const auto e = CompareAbundances(ref, est, 1e-8, &test);
  EXPECT_EQ(e.rmse, 0.0);
  EXPECT_NEAR(e.aad_deg, 0.0, 1e-6);  // acos near 1 amplifies rounding
  EXPECT_GT(CompareAbundances(ref, est).rmse, 0.1);
}

TEST(CompareAbundances, SizeMismatchThrows) {
  EXPECT_THROW(CompareAbundances(MatrixD::Ones(2, 3), MatrixD::Ones(3, 3)), OptionError);
}

TEST(CompareReconstruction, ExactFactorisationIsZero) {
  Rng rng(1);
  const MatrixD a = RandomPositive(10, 3, rng);
  const MatrixD x = RandomPositive(3, 50, rng);
  const MatrixF y = (a * x).cast<float>();
  const auto e = CompareReconstruction(y, a, x);
  EXPECT_LT(e.rmse, 1e-6);
  EXPECT_LT(e.relative_frobenius, 1e-6);
  const auto e2 = CompareReconstruction(y, 2.0 * a, x);
  EXPECT_NEAR(e2.relative_frobenius, 1.0, 1e-6);  // |2Y - Y| / |Y|
  EXPECT_LT(e2.mean_angle_deg, 1e-2);             // scaling does not change angles
}

TEST(SolveAssignment, MatchesBruteForceOnRandomCosts) {
  Rng rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    const Index n = 1 + static_cast<Index>(rng.Below(5));
    const Index m = n + static_cast<Index>(rng.Below(3));
    MatrixD cost(n, m);
    for (Index i = 0; i < n; ++i)
      for (Index j = 0; j < m; ++j) cost(i, j) = rng.Uniform();
    const auto got = SolveAssignment(cost);
    double got_total = 0;
    std::vector<char> used(static_cast<size_t>(m), 0);
    for (Index i = 0; i < n; ++i) {
      ASSERT_GE(got[static_cast<size_t>(i)], 0);
      ASSERT_FALSE(used[static_cast<size_t>(got[static_cast<size_t>(i)])]) << "column used twice";
      used[static_cast<size_t>(got[static_cast<size_t>(i)])] = 1;
      got_total += cost(i, got[static_cast<size_t>(i)]);
    }
    // Brute force: every injective map of rows to columns via permutations of the columns.
    std::vector<Index> cols(static_cast<size_t>(m));
    std::iota(cols.begin(), cols.end(), 0);
    double best = 1e300;
    do {
      double t = 0;
      for (Index i = 0; i < n; ++i) t += cost(i, cols[static_cast<size_t>(i)]);
      best = std::min(best, t);
    } while (std::next_permutation(cols.begin(), cols.end()));
    EXPECT_NEAR(got_total, best, 1e-12) << "trial " << trial;
  }
}

TEST(Matching, RecoversPermutationUnderEveryRule) {
  Rng rng(11);
  const MatrixD ref_e = RandomPositive(30, 5, rng);
  MatrixD ref_a = RandomPositive(5, 200, rng);
  ref_a = ref_a.array().rowwise() / ref_a.colwise().sum().array();
  const std::vector<Index> perm{3, 0, 4, 1, 2};  // estimate j holds reference perm^-1 ...
  MatrixD est_e(30, 5), est_a(5, 200);
  for (Index i = 0; i < 5; ++i) {
    est_e.col(perm[static_cast<size_t>(i)]) = 1.7 * ref_e.col(i);  // scaled: SAD ignores scale
    est_a.row(perm[static_cast<size_t>(i)]) = ref_a.row(i);
  }
  for (auto rule : {MatchRule::kHungarianSad, MatchRule::kHungarianAbundance}) {
    const auto m = MatchEndmembers(&ref_e, &est_e, &ref_a, &est_a, rule);
    EXPECT_EQ(m.estimate_for_reference, perm) << ToString(rule);
  }
  // Greedy Euclidean sees the unscaled copy.
  MatrixD est_e1(30, 5);
  for (Index i = 0; i < 5; ++i) est_e1.col(perm[static_cast<size_t>(i)]) = ref_e.col(i);
  EXPECT_EQ(MatchEndmembers(&ref_e, &est_e1, nullptr, nullptr, MatchRule::kGreedyEuclidean).estimate_for_reference,
            perm);

  EvaluationInput in;
  in.ref_endmembers = &ref_e;
  in.est_endmembers = &est_e;
  in.ref_abundances = &ref_a;
  in.est_abundances = &est_a;
  const auto ev = Evaluate(in);
  ASSERT_EQ(ev.sad_rad.size(), 5u);
  for (double s : ev.sad_rad) {
    EXPECT_LT(s, 1e-7);
  }
  EXPECT_LT(ev.abundances->rmse, 1e-15);
}

TEST(Matching, SpectralRuleWithoutEndmembersFallsBackToAbundances) {
  Rng rng(12);
  MatrixD ref_a = RandomPositive(3, 50, rng);
  MatrixD est_a(3, 50);
  est_a << ref_a.row(2), ref_a.row(0), ref_a.row(1);
  const auto m = MatchEndmembers(nullptr, nullptr, &ref_a, &est_a, MatchRule::kHungarianSad);
  EXPECT_EQ(m.rule, MatchRule::kHungarianAbundance);
  EXPECT_EQ(m.estimate_for_reference, (std::vector<Index>{1, 2, 0}));
  EXPECT_THROW(MatchEndmembers(nullptr, nullptr, nullptr, nullptr, MatchRule::kHungarianSad), OptionError);
}

TEST(Matching, GreedyCanDifferFromOptimal) {
  // Greedy takes the 0.1 pair first and is left with 10; the optimum pays 0.2 + 0.3.
  MatrixD cost(2, 2);
  cost << 0.1, 0.2,  //
      0.3, 10;
  EXPECT_EQ(MatchFromCost(cost, MatchRule::kGreedyEuclidean).estimate_for_reference, (std::vector<Index>{0, 1}));
  EXPECT_EQ(MatchFromCost(cost, MatchRule::kHungarianSad).estimate_for_reference, (std::vector<Index>{1, 0}));
}

TEST(Matching, FewerEstimatesThanReferencesThrows) {
  EXPECT_THROW(MatchFromCost(MatrixD::Ones(3, 2), MatchRule::kHungarianSad), OptionError);
  EXPECT_THROW(ParseMatchRule("closest"), OptionError);
  EXPECT_EQ(ParseMatchRule("greedy"), MatchRule::kGreedyEuclidean);
}

TEST(Evaluate, ExtraEstimatesAreIgnoredAfterMatching) {
  Rng rng(2);
  const MatrixD ref = RandomPositive(20, 3, rng);
  MatrixD est(20, 4);
  est << RandomPositive(20, 1, rng), ref.col(2), ref.col(0), ref.col(1);
  EvaluationInput in;
  in.ref_endmembers = &ref;
  in.est_endmembers = &est;
  const auto ev = Evaluate(in);
  EXPECT_EQ(ev.matching.estimate_for_reference, (std::vector<Index>{2, 3, 1}));
  EXPECT_LT(ev.sad_deg_mean(), 1e-5);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
