#include "unmix/nets/admm_nets.hpp"

#include <gtest/gtest.h>

#include <Eigen/LU>
#include <cmath>

#include "admm_test_util.hpp"
#include "gradient_check.hpp"
#include "random_data.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/abundance/sunsal.hpp"
#include "unmix/core/rng.hpp"

namespace unmix::nets {
namespace UNMIX_TEST_UNIT {

using testing::AwayFromKinks;
using testing::Perturb;

struct Problem {
  MatrixD a, y, x;
};

Problem MakeProblem(Index p, Index r, Index n, Rng& rng, double noise = 0.01) {
  Problem s;
  s.a = RandomPositive(p, r, rng);
  s.x = RandomSimplex(r, n, rng);
  s.y = s.a * s.x;
  for (Index k = 0; k < s.y.size(); ++k) s.y.data()[k] += noise * rng.Normal();
  return s;
}

// (tied, layers, preset, sum-to-one updates)
class AdmmGradient : public ::testing::TestWithParam<std::tuple<bool, int, AdmmPreset, bool>> {};

TEST_P(AdmmGradient, AENetCompositeLossMatchesFiniteDifferences) {
  const auto [tied, layers, preset, sum_to_one] = GetParam();
  Rng rng(100 + layers * 2 + tied + 10 * sum_to_one);
  AdmmNetOptions o;
  o.layers = layers;
  o.tied = tied;
  o.preset = preset;
  o.sum_to_one = sum_to_one;
  o.lambda = 0.02;  // small threshold: most units active, some not
  int tries = 0;
  for (;; ++tries) {
    ASSERT_LT(tries, 200) << "could not find a point away from the relu kinks";
    const Problem s = MakeProblem(7, 3, 6, rng);
    auto enc = MakeAdmmEncoder<double>(o, s.a);
    Perturb(enc, rng, 0.3);
    if (!AwayFromKinks(enc, s.y, 1e-4)) continue;
    // Large AAD/AID weights so all three terms matter in the check.
    AdmmAENet<double> net(enc, s.y, s.x, CompositeLossWeights{1.0, 0.05, 0.2});
    const auto r = testing::CheckGradients(net);
    EXPECT_LT(r.max_rel_error, 1e-6) << r.worst;
    EXPECT_EQ(r.entries, enc.sets() * (3 * 7 + 3 * 3 + 2 + (sum_to_one ? 3 : 0)));
    break;
  }
}

TEST_P(AdmmGradient, BUNetReconstructionLossMatchesFiniteDifferences) {
  const auto [tied, layers, preset, sum_to_one] = GetParam();
  Rng rng(200 + layers * 2 + tied + 10 * sum_to_one);
  AdmmNetOptions o;
  o.layers = layers;
  o.tied = tied;
  o.preset = preset;
  o.sum_to_one = sum_to_one;
  o.lambda = 0.02;
  for (int tries = 0;; ++tries) {
    ASSERT_LT(tries, 200);
    const Problem s = MakeProblem(7, 3, 6, rng);
    auto enc = MakeAdmmEncoder<double>(o, s.a);
    Perturb(enc, rng, 0.3);
    if (!AwayFromKinks(enc, s.y, 1e-4)) continue;
    // Decoder bounds wide enough that the projection does not touch the random decoder.
    AdmmBUNet<double> net(enc, RandomPositive(7, 3, rng), s.y, 0.0, 10.0);
    const auto r = testing::CheckGradients(net);
    EXPECT_LT(r.max_rel_error, 1e-6) << r.worst;
    break;
  }
}

TEST(AdmmGradientAngleLoss, BUNetSpectralAngleLossMatchesFiniteDifferences) {
  for (bool tied : {true, false}) {
    Rng rng(300 + tied);
    AdmmNetOptions o;
    o.layers = 2;
    o.tied = tied;
    o.lambda = 0.02;
    for (int tries = 0;; ++tries) {
      ASSERT_LT(tries, 200);
      const Problem s = MakeProblem(7, 3, 6, rng);
      auto enc = MakeAdmmEncoder<double>(o, s.a);
      Perturb(enc, rng, 0.3);
      if (!AwayFromKinks(enc, s.y, 1e-4)) continue;
      AdmmBUNet<double> net(enc, RandomPositive(7, 3, rng), s.y, 0.0, 10.0);
      net.SetLoss(AdmmBUNet<double>::Loss::kSpectralAngle);
      const auto r = testing::CheckGradients(net);
      EXPECT_LT(r.max_rel_error, 1e-6) << r.worst << " tied " << tied;
      break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(TiedUntiedLayersPresets, AdmmGradient,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(1, 2, 3),
                                            ::testing::Values(AdmmPreset::kPaper, AdmmPreset::kAuthorsCode),
                                            ::testing::Bool()));

TEST(AdmmEncoder, UntrainedEqualsAdmmIterations) {
  // A plain transcription of eqs. (4)-(6) from z = d = 0, against the encoder's forward pass.
  Rng rng(3);
  const Problem s = MakeProblem(20, 4, 30, rng);
  const double lambda = 0.01, mu = 0.5;
  for (int k : {1, 2, 5, 10}) {
    AdmmEncoder<double> enc(20, 4, k, /*tied=*/k % 2 == 0);
    enc.InitFromEndmembers(s.a, lambda, mu);
    typename AdmmEncoder<double>::Workspace ws;
    enc.Forward(s.y, ws);
    const MatrixD inv = (s.a.transpose() * s.a + mu * MatrixD::Identity(4, 4)).inverse();
    MatrixD z = MatrixD::Zero(4, 30), d = MatrixD::Zero(4, 30), x;
    for (int it = 0; it < k; ++it) {
      x = inv * (s.a.transpose() * s.y + mu * (z + d));
      z = (x - d).array() - lambda / mu;
      z = z.cwiseMax(0.0);
      d = d - (x - z);
    }
    EXPECT_LT((AdmmEncoder<double>::LastZ(ws) - z).cwiseAbs().maxCoeff(), 1e-12) << k << " updates";
  }
}

TEST(AdmmEncoder, UntrainedEqualsTheLibrarySunsal) {
  // The same claim against the classical implementation: Sunsal started at zero, fixed mu, no
  // early stop, K iterations.
  Rng rng(8);
  const Problem s = MakeProblem(30, 4, 300, rng);
  AdmmNetOptions o;
  o.preset = AdmmPreset::kPaper;
  o.lambda = 0.01;
  for (int layers : {1, 2, 4}) {
    for (bool tied : {true, false}) {
      o.layers = layers;
      o.tied = tied;
      const auto enc = MakeAdmmEncoder<double>(o, s.a);
      const auto init = ResolveAdmmInit(o, s.a);
      typename AdmmEncoder<double>::Workspace ws;
      enc.Forward(s.y, ws);
      sunsal::Options so;
      so.lambda = init.lambda;
      so.mu = init.mu;
      so.adaptive_mu = false;
      so.tolerance = 1e-300;  // never reached in a few iterations: exactly `layers` of them
      so.max_iterations = layers;
      so.start_at_zero = true;
      const auto ref = Sunsal<double>(s.a, s.y, so);
      EXPECT_LT((AdmmEncoder<double>::LastZ(ws) - ref.abundances).cwiseAbs().maxCoeff(), 1e-10)
          << layers << " layers, tied " << tied;
    }
  }
}

TEST(AdmmEncoder, UntrainedSumToOneEqualsTheLibrarySunsalWithTheAsc) {
  // Sum-to-one updates: the untrained encoder is SUnSAL with the sum-to-one constraint (ADMM
  // for FCLS), started at zero with fixed mu, for exactly that many iterations.
  Rng rng(9);
  const Problem s = MakeProblem(30, 4, 300, rng);
  AdmmNetOptions o;
  o.preset = AdmmPreset::kPaper;
  o.sum_to_one = true;
  o.mu = 0.7;
  for (int layers : {1, 2, 4}) {
    for (bool tied : {true, false}) {
      o.layers = layers;
      o.tied = tied;
      const auto enc = MakeAdmmEncoder<double>(o, s.a);
      typename AdmmEncoder<double>::Workspace ws;
      enc.Forward(s.y, ws);
      sunsal::Options so;
      so.lambda = 1e-3;  // the paper preset's lambda; constant on the sum-to-one set
      so.mu = 0.7;
      so.sum_to_one = true;
      so.adaptive_mu = false;
      so.tolerance = 1e-300;
      so.max_iterations = layers;
      so.start_at_zero = true;
      const auto ref = Sunsal<double>(s.a, s.y, so);
      EXPECT_LT((AdmmEncoder<double>::LastZ(ws) - ref.abundances).cwiseAbs().maxCoeff(), 1e-10)
          << layers << " layers, tied " << tied;
    }
  }
}

TEST(AdmmEncoder, SumToOneUpdatesConvergeToFcls) {
  // Many untrained sum-to-one updates reach the FCLS solution; the papers' updates do not impose
  // the constraint and end elsewhere (they normalise a nonnegative-lasso solution).
  Rng rng(10);
  const Problem s = MakeProblem(25, 4, 200, rng, 0.05);
  AdmmNetOptions o;
  o.preset = AdmmPreset::kPaper;
  o.layers = 400;
  o.mu = 1.0;
  o.sum_to_one = true;
  const auto asc = ApplyEncoder(MakeAdmmEncoder<double>(o, s.a), s.y);
  o.sum_to_one = false;
  const auto plain = ApplyEncoder(MakeAdmmEncoder<double>(o, s.a), s.y);
  const MatrixD fcls = Fcls<double>(s.a, s.y).abundances;
  EXPECT_LT((asc - fcls).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_GT((plain - fcls).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(AdmmPresets, AuthorsLayerCountAndScaling) {
  AdmmNetOptions o;
  o.layers = 2;
  EXPECT_EQ(o.updates(), 3);  // 3 x/z updates, 2 d updates
  o.preset = AdmmPreset::kPaper;
  EXPECT_EQ(o.updates(), 2);
  Rng rng(1);
  const MatrixD a = RandomPositive(198, 4, rng);
  AdmmNetOptions authors;
  const auto v = ResolveAdmmInit(authors, a);
  const double norm_m = a.norm() * (25.0 + 198) / 198;
  // In scaled units lambda_s = 0.1 / norm_m^2 and mu_s = 10 lambda_s + 0.01; the ratio is theta.
  const double lambda_s = 0.1 / (norm_m * norm_m), mu_s = 10 * lambda_s + 0.01;
  EXPECT_NEAR(v.lambda / v.mu, lambda_s / mu_s, 1e-15);
  EXPECT_NEAR(v.mu / (norm_m * norm_m), mu_s, 1e-15);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::nets
