#include <gtest/gtest.h>

#include <Eigen/QR>

#include "abundance/reference_solvers.hpp"
#include "unmix/abundance/least_squares.hpp"
#include "unmix/abundance/nnls.hpp"
#include "unmix/core/error.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::BruteForceQp;
using testing::CheckKkt;

class NnlsRandom : public ::testing::TestWithParam<int> {};

TEST_P(NnlsRandom, MatchesExhaustiveSearchAndKkt) {
  const Index r = GetParam();
  Rng rng(2000 + static_cast<std::uint64_t>(r));
  int active_bounds = 0;
  for (int trial = 0; trial < 4; ++trial) {
    const Index p = 8 + 10 * trial;
    const MatrixD a = testing::RandomEndmembers(p, r, rng);
    const MatrixD y = testing::RandomPixels(a, 150, rng);
    const auto result = Nnls(a, y);
    ASSERT_TRUE(result.summary.converged);
    const MatrixD g = a.transpose() * a;
    for (Index j = 0; j < y.cols(); ++j) {
      const VectorD x = result.abundances.col(j);
      const VectorD ref = BruteForceQp(g, a.transpose() * y.col(j), false);
      EXPECT_LT((x - ref).cwiseAbs().maxCoeff(), 1e-8) << "r=" << r << " pixel " << j;
      EXPECT_LT(CheckKkt(a, y.col(j), x, false).worst(), 1e-9);
      active_bounds += (x.array() == 0.0).count() > 0 ? 1 : 0;
    }
  }
  EXPECT_GT(active_bounds, 50);
}

INSTANTIATE_TEST_SUITE_P(RangeOfR, NnlsRandom, ::testing::Range(1, 7));

TEST(Nnls, ZeroPixelsAndZeroEndmembers) {
  Rng rng(3);
  MatrixD a = testing::RandomEndmembers(20, 4, rng);
  MatrixD y = testing::RandomPixels(a, 10, rng);
  y.col(0).setZero();
  EXPECT_TRUE(Nnls(a, y).abundances.col(0).isZero(0.0));
  a.col(1).setZero();
  const auto result = Nnls(a, y);
  EXPECT_TRUE(result.summary.regularized);
  ASSERT_TRUE(result.abundances.allFinite());
  EXPECT_TRUE(result.abundances.row(1).isZero(0.0));  // a zero endmember never helps
  EXPECT_TRUE(Nnls(MatrixD(MatrixD::Zero(5, 3)), MatrixD(MatrixD::Ones(5, 2))).abundances.isZero(0.0));
}

TEST(Nnls, SameResultForAnyThreadCount) {
  Rng rng(4);
  const MatrixD a = testing::RandomEndmembers(60, 5, rng);
  const MatrixD y = testing::RandomPixels(a, 2000, rng);
  nnls::Options one, two;
  one.num_threads = 1;
  two.num_threads = 2;
  EXPECT_TRUE(Nnls(a, y, one).abundances == Nnls(a, y, two).abundances);
}

TEST(LeastSquares, UnconstrainedMatchesQr) {
  Rng rng(5);
  const MatrixD a = testing::RandomEndmembers(40, 5, rng);
  const MatrixD y = testing::RandomPixels(a, 200, rng);
  const auto result = LeastSquares(a, y);
  const MatrixD ref = a.colPivHouseholderQr().solve(y);
  EXPECT_LT((result.abundances - ref).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_FALSE(result.summary.regularized);
  EXPECT_NEAR(result.summary.rmse, std::sqrt((y - a * ref).squaredNorm() / (40.0 * 200.0)), 1e-12);
}

TEST(LeastSquares, SumToOneMatchesTheKktSystem) {
  Rng rng(6);
  const MatrixD a = testing::RandomEndmembers(40, 5, rng);
  const MatrixD y = testing::RandomPixels(a, 200, rng);
  least_squares::Options o;
  o.sum_to_one = true;
  const auto result = LeastSquares(a, y, o);
  MatrixD kkt = MatrixD::Zero(6, 6);
  kkt.topLeftCorner(5, 5) = a.transpose() * a;
  kkt.block(0, 5, 5, 1).setOnes();
  kkt.block(5, 0, 1, 5).setOnes();
  for (Index j = 0; j < y.cols(); ++j) {
    VectorD rhs(6);
    rhs << a.transpose() * y.col(j), 1.0;
    const VectorD ref = kkt.fullPivLu().solve(rhs).head(5);
    EXPECT_LT((result.abundances.col(j) - ref).cwiseAbs().maxCoeff(), 1e-9);
  }
  EXPECT_LT((result.abundances.colwise().sum().array() - 1.0).abs().maxCoeff(), 1e-12);
  EXPECT_EQ(result.summary.method, "LS+ASC");
}

TEST(LeastSquares, DuplicateEndmembersGiveTheMinimumNormSplit) {
  Rng rng(7);
  const MatrixD base = testing::RandomEndmembers(30, 3, rng);
  MatrixD a(30, 4);
  a << base, base.col(1);
  const MatrixD y = testing::RandomPixels(base, 50, rng);
  const auto result = LeastSquares(a, y);
  EXPECT_TRUE(result.summary.regularized);
  ASSERT_TRUE(result.abundances.allFinite());
  const MatrixD ref = base.colPivHouseholderQr().solve(y);
  EXPECT_LT((result.abundances.row(1) - result.abundances.row(3)).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LT((result.abundances.row(1) + result.abundances.row(3) - ref.row(1)).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LT((result.abundances.row(0) - ref.row(0)).cwiseAbs().maxCoeff(), 1e-9);
  // With the constraint: compare with the constrained solution of the reduced problem.
  least_squares::Options o;
  o.sum_to_one = true;
  const auto with = LeastSquares(a, y, o);
  const auto reduced = LeastSquares(base, y, o);
  EXPECT_LT((with.abundances.row(1) - with.abundances.row(3)).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LT((with.abundances.row(1) + with.abundances.row(3) - reduced.abundances.row(1)).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(LeastSquares, AllZeroEndmembers) {
  const MatrixD a = MatrixD::Zero(6, 3), y = MatrixD::Ones(6, 4);
  EXPECT_TRUE(LeastSquares(a, y).abundances.isZero(0.0));
  least_squares::Options o;
  o.sum_to_one = true;
  EXPECT_LT((LeastSquares(a, y, o).abundances.array() - 1.0 / 3.0).abs().maxCoeff(), 1e-12);
}

TEST(LeastSquares, RejectsBadInput) {
  EXPECT_THROW(LeastSquares(MatrixD(MatrixD::Ones(5, 2)), MatrixD(MatrixD::Ones(6, 2))), InputError);
  least_squares::Options o;
  o.num_threads = -3;
  EXPECT_THROW(LeastSquares(MatrixD(MatrixD::Ones(5, 2)), MatrixD(MatrixD::Ones(5, 2)), o), OptionError);
  nnls::Options n;
  n.max_iterations = -1;
  EXPECT_THROW(Nnls(MatrixD(MatrixD::Ones(5, 2)), MatrixD(MatrixD::Ones(5, 2)), n), OptionError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
