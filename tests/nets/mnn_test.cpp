#include "unmix/nets/mnn.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "gradient_check.hpp"
#include "random_data.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"

namespace unmix::nets {
namespace UNMIX_TEST_UNIT {

struct MnnProblem {
  MatrixD a, y, x;
};

MnnProblem MakeMnnProblem(Index p, Index r, Index n, Rng& rng, double noise = 0.01) {
  MnnProblem s;
  s.a = RandomPositive(p, r, rng);
  s.x = RandomSimplex(r, n, rng);
  s.y = s.a * s.x;
  for (Index k = 0; k < s.y.size(); ++k) s.y.data()[k] += noise * rng.Normal();
  return s;
}

// Perturbs every parameter so the sets of an untied network differ and the check is not at a
// special point (B = I - t A^T A, equal thresholds).
void Perturb(MnnEncoder<double>& enc, Rng& rng, double scale) {
  auto& p = enc.params();
  for (auto* m : {&p.w, &p.b, &p.theta})
    for (Index k = 0; k < m->size(); ++k) m->data()[k] *= 1.0 + scale * (rng.Uniform() - 0.5);
}

// True when no pre-activation lies within `margin` of the relu kink and some are cut off, so the
// check covers both the active and the cut-off paths without straddling the kink. The margin is
// wide because the AID term's log makes the loss sharply curved for small active outputs. Every
// output column also keeps a sum well above the normalisation's epsilon: near an all-zero column
// the normalised output varies on a scale far below any usable finite-difference step.
bool AwayFromKinks(const MnnEncoder<double>& enc, const MatrixD& y, double margin) {
  typename MnnEncoder<double>::Workspace ws;
  enc.Forward(y, ws);
  if (MnnEncoder<double>::LastX(ws).colwise().sum().minCoeff() < 0.05) return false;
  bool inactive = false;
  for (const auto& pre : ws.pre) {
    if (pre.cwiseAbs().minCoeff() < margin) return false;
    if (pre.minCoeff() < 0) inactive = true;
  }
  return inactive;
}

MnnNetOptions Options(bool tied, int layers, MnnThreshold threshold) {
  MnnNetOptions o;
  o.tied = tied;
  o.layers = layers;
  o.threshold = threshold;
  o.lambda = 1.5;  // a threshold large enough that some units are cut off, most are not
  return o;
}

class MnnGradient : public ::testing::TestWithParam<std::tuple<bool, int, MnnThreshold>> {};

TEST_P(MnnGradient, AENetCompositeLossMatchesFiniteDifferences) {
  const auto [tied, layers, threshold] = GetParam();
  Rng rng(300 + static_cast<std::uint64_t>(layers * 4 + tied * 2 + (threshold == MnnThreshold::kPerEndmember)));
  const auto o = Options(tied, layers, threshold);
  for (int tries = 0;; ++tries) {
    ASSERT_LT(tries, 200) << "could not find a point away from the relu kinks";
    const MnnProblem s = MakeMnnProblem(7, 3, 6, rng);
    auto enc = MakeMnnEncoder<double>(o, s.a);
    Perturb(enc, rng, 0.3);
    if (!AwayFromKinks(enc, s.y, 1e-2)) continue;
    // Large AAD/AID weights so all three terms matter in the check.
    MnnAENet<double> net(enc, s.y, s.x, CompositeLossWeights{1.0, 0.05, 0.2});
    const auto r = testing::CheckGradients(net);
    EXPECT_LT(r.max_rel_error, 1e-6) << r.worst;
    const Index t = threshold == MnnThreshold::kScalar ? 1 : 3;
    EXPECT_EQ(r.entries, enc.sets() * (3 * 7 + 3 * 3 + t));
    break;
  }
}

TEST_P(MnnGradient, BUNetReconstructionLossMatchesFiniteDifferences) {
  const auto [tied, layers, threshold] = GetParam();
  Rng rng(400 + static_cast<std::uint64_t>(layers * 4 + tied * 2 + (threshold == MnnThreshold::kPerEndmember)));
  const auto o = Options(tied, layers, threshold);
  for (int tries = 0;; ++tries) {
    ASSERT_LT(tries, 200) << "could not find a point away from the relu kinks";
    const MnnProblem s = MakeMnnProblem(7, 3, 6, rng);
    auto enc = MakeMnnEncoder<double>(o, s.a);
    Perturb(enc, rng, 0.3);
    if (!AwayFromKinks(enc, s.y, 1e-2)) continue;
    // Decoder bounds wide enough that the projection does not touch the random decoder.
    MnnBUNet<double> net(enc, RandomPositive(7, 3, rng), s.y, 0.0, 10.0);
    const auto r = testing::CheckGradients(net);
    EXPECT_LT(r.max_rel_error, 1e-6) << r.worst;
    const Index t = threshold == MnnThreshold::kScalar ? 1 : 3;
    EXPECT_EQ(r.entries, enc.sets() * (3 * 7 + 3 * 3 + t) + 7 * 3);
    break;
  }
}

INSTANTIATE_TEST_SUITE_P(TiedUntiedLayersThresholds, MnnGradient,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(1, 2, 3),
                                            ::testing::Values(MnnThreshold::kScalar, MnnThreshold::kPerEndmember)),
                         [](const auto& param_info) {
                           // std::get, not a structured binding: its commas would split the macro arguments.
                           return std::string(std::get<0>(param_info.param) ? "Tied" : "Untied") +
                                  std::to_string(std::get<1>(param_info.param)) + "Layers" +
                                  (std::get<2>(param_info.param) == MnnThreshold::kScalar ? "ScalarTheta"
                                                                                          : "VectorTheta");
                         });

TEST(MnnEncoder, UntrainedEqualsIstaIterations) {
  // A plain transcription of ISTA for min 0.5 |y - A x|^2 + lambda |x|_1, x >= 0, from x = 0,
  // against the encoder's forward pass.
  Rng rng(5);
  const MnnProblem s = MakeMnnProblem(20, 4, 30, rng);
  const double lambda = 0.05;
  const MatrixD g = s.a.transpose() * s.a;
  const double t = 1.0 / Eigen::SelfAdjointEigenSolver<MatrixD>(g).eigenvalues().maxCoeff();
  for (int k : {1, 2, 5, 10}) {
    for (auto threshold : {MnnThreshold::kScalar, MnnThreshold::kPerEndmember}) {
      MnnEncoder<double> enc(20, 4, k, /*tied=*/k % 2 == 0, threshold);
      enc.InitFromEndmembers(s.a, lambda);
      typename MnnEncoder<double>::Workspace ws;
      const MatrixD out = enc.Forward(s.y, ws);
      MatrixD x = MatrixD::Zero(4, 30);
      for (int it = 0; it < k; ++it) {
        x = x - t * s.a.transpose() * (s.a * x - s.y);
        x = (x.array() - t * lambda).cwiseMax(0.0);
      }
      EXPECT_LT((MnnEncoder<double>::LastX(ws) - x).cwiseAbs().maxCoeff(), 1e-12) << k << " layers";
      const MatrixD normalised = x.array().rowwise() / (x.colwise().sum().array() + 1e-8);
      EXPECT_LT((out - normalised).cwiseAbs().maxCoeff(), 1e-12) << k << " layers";
    }
  }
}

TEST(MnnEncoder, ParameterCountsFollowTheComparison) {
  // (r^2 + r p + 1) per set: once tied (-1), K times untied (-2).
  MnnEncoder<float> tied(224, 5, 2, true), untied(224, 5, 2, false);
  EXPECT_EQ(train::CountParameters(tied.Parameters()), 25 + 5 * 224 + 1);
  EXPECT_EQ(train::CountParameters(untied.Parameters()), 2 * (25 + 5 * 224 + 1));
  MnnEncoder<float> vec(224, 5, 3, false, MnnThreshold::kPerEndmember);
  EXPECT_EQ(train::CountParameters(vec.Parameters()), 3 * (25 + 5 * 224 + 5));
}

TEST(MnnEncoder, UntiedFirstFeedbackMatrixIsUnused) {
  // x_0 = 0, so B_1 never reaches the output: its gradient is exactly zero.
  Rng rng(8);
  const MnnProblem s = MakeMnnProblem(9, 3, 12, rng);
  MnnNetOptions o;
  o.layers = 3;
  auto enc = MakeMnnEncoder<double>(o, s.a);
  MnnAENet<double> net(enc, s.y, s.x);
  const auto params = net.Parameters();
  train::ZeroGradients(params);
  std::vector<Index> all(12);
  for (Index k = 0; k < 12; ++k) all[static_cast<size_t>(k)] = k;
  net.Batch(all);
  const MatrixD& gb = net.encoder().grads().b;
  EXPECT_EQ(gb.topRows(3).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_GT(gb.bottomRows(6).cwiseAbs().maxCoeff(), 0.0);
}

TEST(MnnEncoder, ApplyInBlocksMatchesOneForwardPass) {
  Rng rng(9);
  const MnnProblem s = MakeMnnProblem(15, 4, 37, rng);
  MnnNetOptions o;
  o.layers = 3;
  auto enc = MakeMnnEncoder<double>(o, s.a);
  typename MnnEncoder<double>::Workspace ws;
  const MatrixD whole = enc.Forward(s.y, ws);
  for (Index block : {1, 5, 37, 100}) {
    const MatrixD blocks = ApplyMnnEncoder(enc, s.y, block);
    EXPECT_LT((blocks - whole).cwiseAbs().maxCoeff(), 1e-13) << "block " << block;
  }
  EXPECT_THROW(ApplyMnnEncoder(enc, MatrixD(14, 3), 8), OptionError);
}

TEST(MnnBUNet, DecoderIsProjectedIntoItsBounds) {
  Rng rng(10);
  const MnnProblem s = MakeMnnProblem(6, 2, 10, rng);
  auto enc = MakeMnnEncoder<double>(MnnNetOptions{}, s.a);
  MatrixD dec = s.a;
  dec(0, 0) = -0.5;
  dec(1, 1) = 3.0;
  MnnBUNet<double> net(enc, dec, s.y, 0.0, 1.0);
  EXPECT_EQ(net.decoder()(0, 0), 0.0);
  EXPECT_EQ(net.decoder()(1, 1), 1.0);
  MnnBUNet<double> unbounded(enc, dec, s.y);  // [0, inf)
  EXPECT_EQ(unbounded.decoder()(0, 0), 0.0);
  EXPECT_EQ(unbounded.decoder()(1, 1), 3.0);
  const auto params = net.Parameters();
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params.back().group, 1);
}

TEST(MnnNetOptions, RejectsInvalidSettings) {
  MnnNetOptions o;
  std::string why;
  EXPECT_TRUE(o.IsValid(&why));
  o.layers = 0;
  EXPECT_FALSE(o.IsValid(&why));
  o = {};
  o.lambda = -1;
  EXPECT_FALSE(o.IsValid(&why));
  o = {};
  o.decoder_min = 2;
  o.decoder_max = 1;
  EXPECT_FALSE(o.IsValid(&why));
  EXPECT_THROW(MakeMnnEncoder<double>(o, MatrixD::Ones(4, 2)), OptionError);
  EXPECT_THROW(MakeMnnEncoder<double>(MnnNetOptions{}, MatrixD::Zero(4, 2)), InputError);
}

TEST(MnnAENet, ShortTrainingLowersTheLoss) {
  Rng rng(11);
  const MnnProblem s = MakeMnnProblem(30, 4, 400, rng, 0.02);
  MnnNetOptions o;
  o.tied = false;
  // Start from perturbed endmembers so training has something to correct.
  MatrixD a0 = s.a;
  for (Index k = 0; k < a0.size(); ++k) a0.data()[k] *= 1.0 + 0.3 * (rng.Uniform() - 0.5);
  MnnAENet<float> net(MakeMnnEncoder<float>(o, a0), s.y.cast<float>(), s.x.cast<float>());
  train::TrainOptions t;
  t.epochs = 30;
  t.batch_size = 64;
  t.seed = 1;
  t.adam.group_learning_rates = {1e-3};
  const auto summary = train::Train(net, t);
  ASSERT_FALSE(summary.diverged) << summary.stop_reason;
  EXPECT_LT(summary.loss_history.back(), 0.5 * summary.initial_loss) << summary.BriefReport();
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::nets
