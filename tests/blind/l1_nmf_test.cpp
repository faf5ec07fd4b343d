#include "unmix/blind/l1_nmf.hpp"

#include <gtest/gtest.h>

#include "endmember/classical_synthetic.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/core/error.hpp"
#include "unmix/endmember/vca.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::MakeScene;

void ExpectFeasible(const MatrixD& a, const MatrixD& s) {
  EXPECT_GE(a.minCoeff(), 0.0);
  EXPECT_GE(s.minCoeff(), 0.0);
  EXPECT_LT((s.colwise().sum().array() - 1.0).abs().maxCoeff(), 1e-12);
  EXPECT_TRUE(a.allFinite());
  EXPECT_TRUE(s.allFinite());
}

void ExpectNonIncreasing(const std::vector<double>& history) {
  ASSERT_GE(history.size(), 2u);
  for (std::size_t k = 1; k < history.size(); ++k)
    EXPECT_LE(history[k], history[k - 1] + 1e-10 * std::abs(history[k - 1])) << "iteration " << k;
}

TEST(L1Nmf, ObjectiveNeverIncreasesAndImprovesOnVcaFcls) {
  for (const double snr : {20.0, 30.0}) {
    const auto scene = MakeScene(120, 4, 3000, snr, 61, 0.5);
    l1nmf::Options o;
    o.max_iterations = 300;
    const auto result = L1Nmf(scene.pixels, 4, o);
    ExpectNonIncreasing(result.summary.objective_history);
    ExpectFeasible(result.endmembers, result.abundances);
    // The start as the chain computes it on its own: VCA then FCLS.
    const auto vca = Vca(scene.pixels, 4);
    const auto fcls = Fcls(MatrixD(vca.endmembers.cwiseMax(0.0)), scene.pixels);
    const double start = (scene.pixels - vca.endmembers.cwiseMax(0.0) * fcls.abundances).norm();
    const double final_error = (scene.pixels - result.endmembers * result.abundances).norm();
    // Strictly better; the margin is small at 20 dB, where the start is already near the noise.
    EXPECT_LT(final_error, (1.0 - 1e-3) * start) << result.summary.BriefReport();
    // ... and closer to the noise-free scene than the start (denoising, not noise fitting).
    const double start_clean = (scene.clean - vca.endmembers.cwiseMax(0.0) * fcls.abundances).norm();
    EXPECT_LT((scene.clean - result.endmembers * result.abundances).norm(), start_clean);
    EXPECT_EQ(result.initial_indices, vca.indices);
    EXPECT_NEAR(result.summary.initial_rmse, start / std::sqrt(120.0 * 3000.0), 1e-9);
    EXPECT_LT(result.summary.final_objective, result.summary.initial_objective);
  }
}

TEST(L1Nmf, PaperRuleWithoutSafeguardIsFeasibleButNotMonotone) {
  // The plain threshold-and-renormalise rule is not a descent step: on this scene it ends above
  // its start, while the safeguarded run cannot.
  const auto scene = MakeScene(100, 5, 2000, 25.0, 62, 0.5);
  l1nmf::Options o;
  o.lambda = 0.1;
  o.max_iterations = 200;
  const auto safe = L1Nmf(scene.pixels, 5, o);
  o.monotone = false;
  const auto plain = L1Nmf(scene.pixels, 5, o);
  ExpectFeasible(plain.endmembers, plain.abundances);
  EXPECT_EQ(plain.summary.safeguarded_steps, 0);
  EXPECT_GT(plain.summary.final_objective, plain.summary.initial_objective);
  EXPECT_LT(safe.summary.final_objective, safe.summary.initial_objective);
  ExpectNonIncreasing(safe.summary.objective_history);
}

TEST(L1Nmf, SafeguardKeepsLargeLambdaMonotone) {
  // A large threshold makes the threshold-and-renormalise step overshoot; the safeguard must
  // catch it and keep the objective monotone.
  const auto scene = MakeScene(100, 4, 2000, 30.0, 63, 0.5);
  l1nmf::Options o;
  o.lambda = 50.0;
  o.max_iterations = 100;
  const auto result = L1Nmf(scene.pixels, 4, o);
  EXPECT_GT(result.summary.safeguarded_steps, 0);
  ExpectNonIncreasing(result.summary.objective_history);
  ExpectFeasible(result.endmembers, result.abundances);
}

TEST(L1Nmf, StopsOnRelativeObjectiveChange) {
  const auto scene = MakeScene(80, 3, 1000, 30.0, 64);
  l1nmf::Options o;
  o.tolerance = 1e-4;
  o.max_iterations = 10000;
  const auto result = L1Nmf(scene.pixels, 3, o);
  EXPECT_TRUE(result.summary.converged);
  EXPECT_LT(result.summary.iterations, 10000);
  const auto& h = result.summary.objective_history;
  ASSERT_GE(h.size(), 3u);
  const double last = h[h.size() - 2], before = h[h.size() - 3];
  EXPECT_LE(std::abs(before - last), 1e-4 * std::abs(before));
  o.max_iterations = 5;
  o.tolerance = 0.0;
  const auto capped = L1Nmf(scene.pixels, 3, o);
  EXPECT_FALSE(capped.summary.converged);
  EXPECT_EQ(capped.summary.iterations, 5);
  EXPECT_EQ(capped.summary.objective_history.size(), 6u);
}

TEST(L1Nmf, SameResultForAnyThreadCount) {
  const auto scene = MakeScene(100, 4, 3000, 25.0, 65);
  l1nmf::Options one, two;
  one.num_threads = 1;
  two.num_threads = 2;
  one.max_iterations = two.max_iterations = 50;
  const auto a = L1Nmf(scene.pixels, 4, one);
  const auto b = L1Nmf(scene.pixels, 4, two);
  EXPECT_TRUE(a.endmembers == b.endmembers);
  EXPECT_TRUE(a.abundances == b.abundances);
}

TEST(L1Nmf, FloatInput) {
  const auto scene = MakeScene(100, 4, 1000, 30.0, 66);
  l1nmf::Options o;
  o.max_iterations = 50;
  const auto d = L1Nmf(scene.pixels, 4, o);
  const auto f = L1Nmf(MatrixF(scene.pixels.cast<float>()), 4, o);
  EXPECT_EQ(d.initial_indices, f.initial_indices);
  EXPECT_NEAR(f.summary.final_rmse, d.summary.final_rmse, 1e-3 * d.summary.final_rmse);
}

TEST(L1Nmf, GivenStartAndDegenerateEndmembers) {
  const auto scene = MakeScene(60, 3, 800, 30.0, 67);
  MatrixD start(60, 4);
  start << scene.endmembers, scene.endmembers.col(0);  // a duplicate
  start(0, 1) = -1.0;                                  // clipped to 0
  MatrixD x = scene.pixels;
  x.col(5).setZero();
  l1nmf::Options o;
  o.max_iterations = 100;
  const auto result = L1Nmf(x, start, o);
  EXPECT_TRUE(result.initial_indices.empty());
  ExpectFeasible(result.endmembers, result.abundances);
  ExpectNonIncreasing(result.summary.objective_history);
}

TEST(L1Nmf, ZeroIterationsReturnsTheStart) {
  const auto scene = MakeScene(60, 3, 500, 30.0, 68);
  l1nmf::Options o;
  o.max_iterations = 0;
  const auto result = L1Nmf(scene.pixels, 3, o);
  const auto vca = Vca(scene.pixels, 3);
  EXPECT_TRUE(result.endmembers == MatrixD(vca.endmembers.cwiseMax(0.0)));
  EXPECT_EQ(result.summary.initial_objective, result.summary.final_objective);
}

TEST(L1Nmf, RejectsBadCountsAndOptions) {
  const auto scene = MakeScene(20, 3, 50, 30.0, 69);
  EXPECT_THROW(L1Nmf(scene.pixels, 0), OptionError);
  EXPECT_THROW(L1Nmf(scene.pixels, 21), OptionError);                      // r > p
  EXPECT_THROW(L1Nmf(MatrixD(scene.pixels.leftCols(2)), 3), OptionError);  // r > N
  EXPECT_THROW(L1Nmf(MatrixD(MatrixD::Zero(20, 50)), 3), InputError);
  EXPECT_THROW(L1Nmf(scene.pixels, MatrixD(MatrixD::Ones(19, 3))), InputError);
  l1nmf::Options o;
  o.lambda = -1.0;
  EXPECT_THROW(L1Nmf(scene.pixels, 3, o), OptionError);
  o = {};
  o.fcls.max_iterations = 0;
  std::string why;
  EXPECT_FALSE(o.IsValid(&why));
  EXPECT_NE(why.find("fcls"), std::string::npos);
  EXPECT_THROW(L1Nmf(scene.pixels, 3, o), OptionError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
