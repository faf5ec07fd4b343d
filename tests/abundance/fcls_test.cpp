#include "unmix/abundance/fcls.hpp"

#include <gtest/gtest.h>

#include "abundance/reference_solvers.hpp"
#include "unmix/core/error.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::BruteForceQp;
using testing::CheckKkt;

class FclsRandom : public ::testing::TestWithParam<int> {};

TEST_P(FclsRandom, MatchesExhaustiveSearchAndKkt) {
  const Index r = GetParam();
  Rng rng(1000 + static_cast<std::uint64_t>(r));
  int active_bounds = 0;
  for (int trial = 0; trial < 4; ++trial) {
    const Index p = 8 + 10 * trial;
    const MatrixD a = testing::RandomEndmembers(p, r, rng);
    const MatrixD y = testing::RandomPixels(a, 150, rng);
    const auto result = Fcls(a, y);
    ASSERT_TRUE(result.summary.converged) << result.summary.BriefReport();
    EXPECT_FALSE(result.summary.regularized);
    const MatrixD g = a.transpose() * a;
    for (Index j = 0; j < y.cols(); ++j) {
      const VectorD x = result.abundances.col(j);
      const VectorD ref = BruteForceQp(g, a.transpose() * y.col(j), true);
      EXPECT_LT((x - ref).cwiseAbs().maxCoeff(), 1e-8) << "r=" << r << " p=" << p << " pixel " << j;
      EXPECT_LT(CheckKkt(a, y.col(j), x, true).worst(), 1e-9);
      active_bounds += (x.array() == 0.0).count() > 0 ? 1 : 0;
    }
    EXPECT_LT(result.summary.max_kkt_violation, 1e-10);
  }
  if (r > 1) {
    EXPECT_GT(active_bounds, 50);  // the test covers solutions on the boundary
  }
}

INSTANTIATE_TEST_SUITE_P(RangeOfR, FclsRandom, ::testing::Range(1, 7));

TEST(Fcls, MixturesInsideTheSimplexAreRecoveredExactly) {
  Rng rng(7);
  const MatrixD a = testing::RandomEndmembers(50, 5, rng);
  MatrixD x(5, 300);
  for (Index j = 0; j < 300; ++j) {
    for (Index i = 0; i < 5; ++i) x(i, j) = rng.Uniform() < 0.3 ? 0.0 : rng.Uniform();
    if (x.col(j).sum() == 0.0) x(j % 5, j) = 1.0;
    x.col(j) /= x.col(j).sum();
  }
  const auto result = Fcls(MatrixD(a), MatrixD(a * x));
  EXPECT_LT((result.abundances - x).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_LT(result.summary.rmse, 1e-12);
}

TEST(Fcls, FloatAgreesWithDouble) {
  Rng rng(8);
  const MatrixD a = testing::RandomEndmembers(100, 4, rng);
  const MatrixD y = testing::RandomPixels(a, 500, rng);
  const auto d = Fcls(a, y);
  const auto f = Fcls(MatrixF(a.cast<float>()), MatrixF(y.cast<float>()));
  EXPECT_LT((f.abundances.cast<double>() - d.abundances).cwiseAbs().maxCoeff(), 1e-4);
  EXPECT_TRUE(f.summary.converged);
}

TEST(Fcls, SameResultForAnyThreadCount) {
  Rng rng(9);
  const MatrixD a = testing::RandomEndmembers(60, 5, rng);
  const MatrixD y = testing::RandomPixels(a, 3000, rng);
  fcls::Options one, two;
  one.num_threads = 1;
  two.num_threads = 2;
  const auto x1 = Fcls(a, y, one);
  const auto x2 = Fcls(a, y, two);
  EXPECT_TRUE(x1.abundances == x2.abundances);
  EXPECT_EQ(x1.summary.rmse, x2.summary.rmse);
}

// Objective 0.5 ||y - A x||^2 of every column.
VectorD Objectives(const MatrixD& a, const MatrixD& y, const MatrixD& x) {
  return 0.5 * (y - a * x).colwise().squaredNorm().transpose();
}

TEST(Fcls, DuplicateEndmembersFallBackToTheRidge) {
  Rng rng(10);
  const MatrixD base = testing::RandomEndmembers(40, 3, rng);
  MatrixD a(40, 4);
  a << base, base.col(0);  // endmember 3 duplicates endmember 0
  const MatrixD y = testing::RandomPixels(base, 200, rng);
  const auto result = Fcls(a, y);
  EXPECT_TRUE(result.summary.regularized);
  EXPECT_GT(result.summary.ridge, 0.0);
  ASSERT_TRUE(result.abundances.allFinite());
  // Same optimal residual as the problem without the duplicate, and the two copies together
  // carry the weight of the original (any split between them is optimal).
  const auto reduced = Fcls(base, y);
  const VectorD fa = Objectives(a, y, result.abundances);
  const VectorD fb = Objectives(base, y, reduced.abundances);
  EXPECT_LT(((fa - fb).array() / (1.0 + fb.array())).abs().maxCoeff(), 1e-7);
  for (Index j = 0; j < y.cols(); ++j) {
    const VectorD x = result.abundances.col(j);
    EXPECT_GE(x.minCoeff(), 0.0);
    EXPECT_NEAR(x.sum(), 1.0, 1e-12);
    EXPECT_NEAR(x(0) + x(3), reduced.abundances(0, j), 1e-6);
  }
}

TEST(Fcls, ZeroEndmemberAndRankDeficientA) {
  Rng rng(11);
  MatrixD a = testing::RandomEndmembers(30, 4, rng);
  a.col(2).setZero();
  const MatrixD y = testing::RandomPixels(a, 200, rng);
  const auto result = Fcls(a, y);
  EXPECT_TRUE(result.summary.regularized);
  ASSERT_TRUE(result.abundances.allFinite());
  // The sum-to-one problem is still strictly convex here, so exhaustive search is a reference.
  const MatrixD g = a.transpose() * a;
  const VectorD f = Objectives(a, y, result.abundances);
  for (Index j = 0; j < y.cols(); ++j) {
    const VectorD ref = BruteForceQp(g, a.transpose() * y.col(j), true);
    const double fr = 0.5 * (y.col(j) - a * ref).squaredNorm();
    EXPECT_LT(std::abs(f(j) - fr), 1e-7 * (1.0 + fr));
    EXPECT_NEAR(result.abundances.col(j).sum(), 1.0, 1e-12);
    EXPECT_GE(result.abundances.col(j).minCoeff(), 0.0);
  }
}

TEST(Fcls, MoreEndmembersThanBands) {
  Rng rng(12);
  const MatrixD a = testing::RandomEndmembers(3, 6, rng);  // r > p: A^T A is singular
  const MatrixD y = testing::RandomPixels(a, 100, rng);
  const auto result = Fcls(a, y);
  EXPECT_TRUE(result.summary.regularized);
  ASSERT_TRUE(result.abundances.allFinite());
  for (Index j = 0; j < y.cols(); ++j) {
    const VectorD x = result.abundances.col(j);
    EXPECT_GE(x.minCoeff(), 0.0);
    EXPECT_NEAR(x.sum(), 1.0, 1e-12);
    // No vertex of the simplex fits better than the solution.
    const double fx = 0.5 * (y.col(j) - a * x).squaredNorm();
    for (Index k = 0; k < 6; ++k) {
      EXPECT_LE(fx, 0.5 * (y.col(j) - a.col(k)).squaredNorm() + 1e-9);
    }
  }
}

TEST(Fcls, AllZeroEndmembersGiveUniformAbundances) {
  const MatrixD a = MatrixD::Zero(10, 4);
  const MatrixD y = MatrixD::Ones(10, 5);
  const auto result = Fcls(a, y);
  EXPECT_TRUE(result.summary.regularized);
  EXPECT_LT((result.abundances - MatrixD::Constant(4, 5, 0.25)).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(Fcls, ZeroAndEqualPixels) {
  Rng rng(13);
  const MatrixD a = testing::RandomEndmembers(20, 4, rng);
  MatrixD y = MatrixD::Zero(20, 6);
  y.rightCols(3) = (a * VectorD::Constant(4, 0.25)).replicate(1, 3);
  const auto result = Fcls(a, y);
  ASSERT_TRUE(result.abundances.allFinite());
  EXPECT_TRUE(result.summary.converged);
  for (Index j = 0; j < 6; ++j) EXPECT_LT(CheckKkt(a, y.col(j), result.abundances.col(j), true).worst(), 1e-9);
  EXPECT_TRUE(result.abundances.col(3) == result.abundances.col(5));
  EXPECT_LT((result.abundances.col(4) - VectorD::Constant(4, 0.25)).norm(), 1e-10);
}

TEST(Fcls, EmptyScene) {
  const auto result = Fcls(MatrixD(MatrixD::Ones(5, 3)), MatrixD(5, 0));
  EXPECT_EQ(result.abundances.rows(), 3);
  EXPECT_EQ(result.abundances.cols(), 0);
}

TEST(Fcls, MaxIterationsLeavesAFeasibleIterate) {
  Rng rng(14);
  const MatrixD a = testing::RandomEndmembers(30, 6, rng);
  const MatrixD y = testing::RandomPixels(a, 300, rng);
  fcls::Options o;
  o.max_iterations = 1;
  const auto result = Fcls(a, y, o);
  EXPECT_FALSE(result.summary.converged);
  EXPECT_GT(result.summary.unconverged_pixels, 0);
  EXPECT_GE(result.abundances.minCoeff(), 0.0);
  EXPECT_LT((result.abundances.colwise().sum().array() - 1.0).abs().maxCoeff(), 1e-12);
  EXPECT_NE(result.summary.BriefReport().find("NOT converged"), std::string::npos);
}

TEST(Fcls, RejectsBadInput) {
  const MatrixD a = MatrixD::Ones(5, 3), y = MatrixD::Ones(5, 2);
  EXPECT_THROW(Fcls(a, MatrixD(MatrixD::Ones(4, 2))), InputError);
  EXPECT_THROW(Fcls(MatrixD(5, 0), y), OptionError);
  MatrixD bad = y;
  bad(0, 0) = std::nan("");
  EXPECT_THROW(Fcls(a, bad), InputError);
  fcls::Options o;
  o.tolerance = -1.0;
  std::string why;
  EXPECT_FALSE(o.IsValid(&why));
  EXPECT_THROW(Fcls(a, y, o), OptionError);
  o = {};
  o.max_iterations = 0;
  EXPECT_THROW(Fcls(a, y, o), OptionError);
  o = {};
  o.gram_regularization = 1.0;
  EXPECT_THROW(Fcls(a, y, o), OptionError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
