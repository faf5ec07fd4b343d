#include "unmix/abundance/sunsal.hpp"

#include <gtest/gtest.h>

#include "abundance/reference_solvers.hpp"
#include "endmember/classical_synthetic.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/abundance/nnls.hpp"
#include "unmix/core/error.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::BruteForceQp;
using testing::CheckKkt;

sunsal::Options Tight() {
  sunsal::Options o;
  o.tolerance = 1e-11;
  o.max_iterations = 50000;
  return o;
}

TEST(Sunsal, WithSumToOneEqualsFclsForAnyLambda) {
  Rng rng(1);
  const MatrixD a = testing::RandomEndmembers(40, 5, rng);
  const MatrixD y = testing::RandomPixels(a, 300, rng);
  const auto fcls = Fcls(a, y);
  for (double lambda : {0.0, 1e-3, 0.1}) {
    auto o = Tight();
    o.sum_to_one = true;
    o.lambda = lambda;
    const auto result = Sunsal(a, y, o);
    EXPECT_TRUE(result.summary.converged) << result.summary.BriefReport();
    EXPECT_LT((result.abundances - fcls.abundances).cwiseAbs().maxCoeff(), 1e-7) << "lambda " << lambda;
    EXPECT_GE(result.abundances.minCoeff(), 0.0);
  }
}

TEST(Sunsal, NonnegativeLassoMatchesExhaustiveSearchAndKkt) {
  Rng rng(2);
  for (Index r : {2, 4, 6}) {
    const MatrixD a = testing::RandomEndmembers(30, r, rng);
    const MatrixD y = testing::RandomPixels(a, 200, rng);
    const MatrixD g = a.transpose() * a;
    for (double lambda : {0.0, 0.05, 0.5}) {
      auto o = Tight();
      o.lambda = lambda;
      const auto result = Sunsal(a, y, o);
      ASSERT_TRUE(result.summary.converged) << result.summary.BriefReport();
      int sparse = 0;
      for (Index j = 0; j < y.cols(); ++j) {
        const VectorD x = result.abundances.col(j);
        // The l1 term on x >= 0 is linear: the problem is NNLS with A^T y shifted by lambda.
        const VectorD b = a.transpose() * y.col(j) - VectorD::Constant(r, lambda);
        const VectorD ref = BruteForceQp(g, b, false);
        EXPECT_LT((x - ref).cwiseAbs().maxCoeff(), 1e-7) << "r=" << r << " lambda " << lambda;
        EXPECT_LT(CheckKkt(a, y.col(j), x, false, lambda).worst(), 1e-8);
        sparse += (x.array() == 0.0).count() > 0;
      }
      if (lambda == 0.5) {
        EXPECT_GT(sparse, 50);  // exercises the sparse case
      }
    }
  }
}

TEST(Sunsal, LambdaZeroEqualsNnls) {
  Rng rng(3);
  const MatrixD a = testing::RandomEndmembers(50, 4, rng);
  const MatrixD y = testing::RandomPixels(a, 500, rng);
  auto o = Tight();
  o.lambda = 0.0;
  EXPECT_LT((Sunsal(a, y, o).abundances - Nnls(a, y).abundances).cwiseAbs().maxCoeff(), 1e-7);
}

TEST(Sunsal, FixedMuAlsoConverges) {
  Rng rng(4);
  const MatrixD a = testing::RandomEndmembers(30, 4, rng);
  const MatrixD y = testing::RandomPixels(a, 100, rng);
  auto o = Tight();
  o.adaptive_mu = false;
  o.mu = 5.0;
  o.sum_to_one = true;
  const auto result = Sunsal(a, y, o);
  EXPECT_TRUE(result.summary.converged);
  EXPECT_EQ(result.summary.final_mu_min, 5.0);
  EXPECT_EQ(result.summary.final_mu_max, 5.0);
  EXPECT_LT((result.abundances - Fcls(a, y).abundances).cwiseAbs().maxCoeff(), 1e-7);
}

TEST(Sunsal, DefaultsConvergeOnATypicalScene) {
  const auto scene = testing::MakeScene(198, 4, 5000, 30.0, 5);
  const auto result = Sunsal(scene.endmembers, scene.pixels);
  EXPECT_TRUE(result.summary.converged) << result.summary.BriefReport();
  EXPECT_LT(result.summary.iterations, 1000);
  // Close to the truth: the scene is a noisy sum-to-one mixture.
  EXPECT_LT((result.abundances - scene.abundances).cwiseAbs().mean(), 0.05);
  EXPECT_NEAR(result.summary.rmse, scene.sigma, 0.1 * scene.sigma);
}

TEST(Sunsal, MaxIterationsIsReported) {
  Rng rng(6);
  const MatrixD a = testing::RandomEndmembers(30, 4, rng);
  const MatrixD y = testing::RandomPixels(a, 100, rng);
  sunsal::Options o;
  o.max_iterations = 3;
  o.tolerance = 1e-12;
  const auto result = Sunsal(a, y, o);
  EXPECT_FALSE(result.summary.converged);
  EXPECT_EQ(result.summary.iterations, 3);
  EXPECT_GE(result.abundances.minCoeff(), 0.0);
  EXPECT_NE(result.summary.BriefReport().find("NOT converged"), std::string::npos);
}

TEST(Sunsal, SameResultForAnyThreadCount) {
  Rng rng(7);
  const MatrixD a = testing::RandomEndmembers(60, 5, rng);
  const MatrixD y = testing::RandomPixels(a, 3000, rng);
  sunsal::Options one, two;
  one.num_threads = 1;
  two.num_threads = 2;
  const auto x1 = Sunsal(a, y, one);
  const auto x2 = Sunsal(a, y, two);
  EXPECT_TRUE(x1.abundances == x2.abundances);
  EXPECT_EQ(x1.summary.iterations, x2.summary.iterations);
}

TEST(Sunsal, SingularGramAndZeroPixels) {
  Rng rng(8);
  const MatrixD base = testing::RandomEndmembers(20, 3, rng);
  MatrixD a(20, 5);
  a << base, base.col(0), MatrixD::Zero(20, 1);  // duplicate and zero endmember
  MatrixD y = testing::RandomPixels(base, 100, rng);
  y.col(0).setZero();
  for (bool asc : {false, true}) {
    auto o = Tight();
    o.sum_to_one = asc;
    o.max_iterations = 5000;
    const auto result = Sunsal(a, y, o);
    ASSERT_TRUE(result.abundances.allFinite());
    EXPECT_GE(result.abundances.minCoeff(), 0.0);
    if (!asc) {
      EXPECT_TRUE(result.abundances.col(0).isZero(0.0));
    }
  }
}

TEST(Sunsal, FloatInput) {
  Rng rng(9);
  const MatrixD a = testing::RandomEndmembers(50, 4, rng);
  const MatrixD y = testing::RandomPixels(a, 200, rng);
  const auto d = Sunsal(a, y);
  const auto f = Sunsal(MatrixF(a.cast<float>()), MatrixF(y.cast<float>()));
  EXPECT_LT((f.abundances.cast<double>() - d.abundances).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(Sunsal, RejectsBadOptions) {
  const MatrixD a = MatrixD::Ones(5, 2), y = MatrixD::Ones(5, 3);
  for (auto mutate : {+[](sunsal::Options& o) { o.lambda = -1; }, +[](sunsal::Options& o) { o.mu = -1; },
                      +[](sunsal::Options& o) { o.tolerance = 0; }, +[](sunsal::Options& o) { o.max_iterations = 0; },
                      +[](sunsal::Options& o) { o.lambda = std::nan(""); }}) {
    sunsal::Options o;
    mutate(o);
    std::string why;
    EXPECT_FALSE(o.IsValid(&why));
    EXPECT_FALSE(why.empty());
    EXPECT_THROW(Sunsal(a, y, o), OptionError);
  }
  EXPECT_THROW(Sunsal(a, MatrixD(MatrixD::Ones(4, 3))), InputError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
