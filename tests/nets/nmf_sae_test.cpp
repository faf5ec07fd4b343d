#include "unmix/nets/nmf_sae.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "gradient_check.hpp"
#include "random_data.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/blind/l1_nmf.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"

namespace unmix::nets {
namespace UNMIX_TEST_UNIT {

// A noisy mixture X = A S + noise and a start (A0, S0) away from the truth, standing in for
// VCA + FCLS: A0 perturbed multiplicatively, S0 a different point of the simplex.
struct NmfProblem {
  MatrixD a, s, x, a0, s0;
};

NmfProblem MakeNmfProblem(Index p, Index r, Index n, Rng& rng, double noise, double start_error) {
  NmfProblem q;
  q.a = RandomPositive(p, r, rng);
  q.s = RandomSimplex(r, n, rng);
  q.x = q.a * q.s;
  for (Index k = 0; k < q.x.size(); ++k) q.x.data()[k] += noise * rng.Normal();
  q.a0 = q.a;
  for (Index k = 0; k < q.a0.size(); ++k) q.a0.data()[k] *= 1.0 + start_error * (rng.Uniform() - 0.5);
  q.s0 = (1.0 - start_error) * q.s + start_error * RandomSimplex(r, n, rng);
  return q;
}

double LargestEigenvalue(const MatrixD& g) {
  return Eigen::SelfAdjointEigenSolver<MatrixD>(g, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
}

void Perturb(NmfSae<double>& net, Rng& rng, double scale) {
  for (auto* m : {&net.w1(), &net.theta(), &net.w2()})
    for (Index k = 0; k < m->size(); ++k) m->data()[k] *= 1.0 + scale * (rng.Uniform() - 0.5);
}

// Pre-activations of both relus: none within `margin` of the kink (finite differences would
// straddle it); counts how many are cut off so the check is known to cover that path.
struct KinkReport {
  bool clear = true;
  Index encoder_inactive = 0, decoder_inactive = 0;
};

KinkReport Kinks(const NmfSae<double>& net, double margin) {
  typename NmfSae<double>::Workspace ws;
  net.Forward(ws);
  KinkReport k;
  for (const auto& pre : ws.pre) {
    if (pre.cwiseAbs().minCoeff() < margin) k.clear = false;
    k.encoder_inactive += (pre.array() < 0).count();
  }
  for (const auto& q : ws.q) {
    if (q.cwiseAbs().minCoeff() < margin) k.clear = false;
    k.decoder_inactive += (q.array() < 0).count();
  }
  return k;
}

class NmfSaeGradient : public ::testing::TestWithParam<std::tuple<int, bool>> {};

TEST_P(NmfSaeGradient, ReconstructionLossMatchesFiniteDifferences) {
  const auto [layers, mean_loss] = GetParam();
  Rng rng(500 + static_cast<std::uint64_t>(layers * 2 + mean_loss));
  NmfSaeOptions o;
  o.layers = layers;
  o.mean_loss = mean_loss;
  o.lambda = 0.5;  // thresholds large enough that some abundances are cut off
  for (int tries = 0;; ++tries) {
    ASSERT_LT(tries, 200) << "could not find a point away from the relu kinks";
    NmfProblem s = MakeNmfProblem(6, 3, 5, rng, 0.05, 0.6);
    // A few small initial endmember entries, so the decoder's relu also cuts some off.
    s.a0(0, 0) = 0.02;
    s.a0(3, 2) = 0.02;
    NmfSae<double> net(s.a0, s.s0, s.x, o);
    Perturb(net, rng, 1.0);
    const auto k = Kinks(net, 1e-4);
    if (!k.clear) continue;
    if (k.encoder_inactive == 0 || k.decoder_inactive == 0) continue;
    const auto r = testing::CheckGradients(net);
    EXPECT_LT(r.max_rel_error, 1e-6) << r.worst;
    EXPECT_EQ(r.entries, 3 * 6 + 3 + 5 * 3);  // W1, theta, W2
    break;
  }
}

// The stay-near-start penalty on A_K: gradients by finite differences, and the loss grows by
// exactly 0.5 c anchor (N / r) |A_K - A0|^2.
TEST(NmfSae, AnchorPenaltyMatchesFiniteDifferencesAndItsDefinition) {
  for (bool mean_loss : {false, true}) {
    Rng rng(900 + mean_loss);
    NmfSaeOptions o;
    o.layers = 2;
    o.mean_loss = mean_loss;
    o.lambda = 0.5;
    for (int tries = 0;; ++tries) {
      ASSERT_LT(tries, 200) << "could not find a point away from the relu kinks";
      NmfProblem s = MakeNmfProblem(6, 3, 5, rng, 0.05, 0.6);
      s.a0(0, 0) = 0.02;
      NmfSae<double> plain(s.a0, s.s0, s.x, o);
      Perturb(plain, rng, 1.0);
      if (!Kinks(plain, 1e-4).clear) continue;
      NmfSaeOptions oa = o;
      oa.anchor = 0.8;
      NmfSae<double> net(s.a0, s.s0, s.x, oa);
      net.w1() = plain.w1();
      net.theta() = plain.theta();
      net.w2() = plain.w2();
      const auto r = testing::CheckGradients(net);
      EXPECT_LT(r.max_rel_error, 1e-6) << r.worst;
      NmfSaeWorkspace<double> w1, w2;
      const double c = mean_loss ? 1.0 / static_cast<double>(s.x.size()) : 1.0;
      const MatrixD d = net.Endmembers() - s.a0;
      EXPECT_NEAR(net.Forward(w2) - plain.Forward(w1), 0.5 * c * 0.8 * (5.0 / 3.0) * d.squaredNorm(), 1e-12);
      EXPECT_GT(d.squaredNorm(), 0.0);
      break;
    }
  }
  NmfSaeOptions bad;
  bad.anchor = -1;
  EXPECT_FALSE(bad.IsValid(nullptr));
}

INSTANTIATE_TEST_SUITE_P(LayersAndLossScale, NmfSaeGradient,
                         ::testing::Combine(::testing::Values(1, 2, 3), ::testing::Bool()), [](const auto& param_info) {
                           // std::get, not a structured binding: its commas would split the macro arguments.
                           return std::to_string(std::get<0>(param_info.param)) + "Layers" +
                                  (std::get<1>(param_info.param) ? "MeanLoss" : "SumLoss");
                         });

// Eqs. (5)-(8) with the initial parameters, written out: K proximal-gradient steps on S with
// normalisation, K projected-gradient steps on A.
MatrixD PlainEncoder(const MatrixD& a, const MatrixD& s0, const MatrixD& x, const MatrixD& w1, const MatrixD& theta,
                     int layers) {
  MatrixD s = s0;
  for (int k = 0; k < layers; ++k) {
    MatrixD z = s - w1 * (a * s - x);
    for (Index j = 0; j < z.cols(); ++j)
      for (Index i = 0; i < z.rows(); ++i) z(i, j) = std::max(z(i, j) - theta(i), 0.0);
    for (Index j = 0; j < z.cols(); ++j) z.col(j) /= z.col(j).sum() + 1e-8;
    s = z;
  }
  return s;
}

TEST(NmfSae, UntrainedEqualsProximalAndProjectedGradientSteps) {
  Rng rng(21);
  const NmfProblem s = MakeNmfProblem(25, 4, 60, rng, 0.01, 0.4);
  const double ts = 1.0 / LargestEigenvalue(s.a0.transpose() * s.a0);
  const double ta = 1.0 / LargestEigenvalue(s.s0 * s.s0.transpose());
  for (int k : {1, 2, 3, 5}) {
    NmfSaeOptions o;
    o.layers = k;
    NmfSae<double> net(s.a0, s.s0, s.x, o);
    EXPECT_NEAR(net.step_s(), ts, 1e-15 * ts);
    EXPECT_NEAR(net.step_a(), ta, 1e-15 * ta);
    const MatrixD theta = MatrixD::Constant(4, 1, 0.01 * ts);
    const MatrixD s_plain = PlainEncoder(s.a0, s.s0, s.x, ts * s.a0.transpose(), theta, k);
    MatrixD a_plain = s.a0;
    for (int it = 0; it < k; ++it) a_plain = (a_plain - ta * (a_plain * s.s0 - s.x) * s.s0.transpose()).cwiseMax(0.0);
    EXPECT_LT((net.Abundances() - s_plain).cwiseAbs().maxCoeff(), 1e-12) << k << " layers";
    EXPECT_LT((net.Endmembers() - a_plain).cwiseAbs().maxCoeff(), 1e-12) << k << " layers";
    typename NmfSae<double>::Workspace ws;
    const double loss = net.Forward(ws);
    EXPECT_NEAR(loss, 0.5 * (a_plain * s_plain - s.x).squaredNorm(), 1e-10 * loss);
  }
}

// The untrained network against the library's classical solver: K encoder layers are K
// L1-NMF abundance steps with A held at A0, K decoder layers K L1-NMF endmember steps with S
// held at its FCLS start (no safeguard, no early exit, exact renormalisation).
TEST(NmfSae, UntrainedEqualsTheLibraryL1NmfSteps) {
  Rng rng(22);
  const NmfProblem s = MakeNmfProblem(25, 4, 60, rng, 0.01, 0.4);
  const MatrixD s0 = Fcls<double>(s.a0, s.x).abundances;
  for (int k : {1, 2, 4}) {
    NmfSaeOptions o;
    o.layers = k;
    o.norm_epsilon = 0.0;
    const NmfSae<double> net(s.a0, s0, s.x, o);
    l1nmf::Options lo;
    lo.lambda = o.lambda;
    lo.max_iterations = k;
    lo.tolerance = 0.0;
    lo.monotone = false;
    lo.update = l1nmf::Update::kAbundancesOnly;
    const auto abundance_steps = L1Nmf<double>(s.x, s.a0, lo);
    lo.update = l1nmf::Update::kEndmembersOnly;
    const auto endmember_steps = L1Nmf<double>(s.x, s.a0, lo);
    ASSERT_EQ(abundance_steps.summary.iterations, k);
    ASSERT_EQ(abundance_steps.summary.safeguarded_steps, 0) << "a column was thresholded to zero";
    EXPECT_LT((abundance_steps.endmembers - s.a0).cwiseAbs().maxCoeff(), 1e-15) << "A must stay at A0";
    EXPECT_LT((endmember_steps.abundances - s0).cwiseAbs().maxCoeff(), 1e-15) << "S must stay at S0";
    EXPECT_LT((net.Abundances() - abundance_steps.abundances).cwiseAbs().maxCoeff(), 1e-12) << k << " layers";
    EXPECT_LT((net.Endmembers() - endmember_steps.endmembers).cwiseAbs().maxCoeff(), 1e-12) << k << " layers";
  }
}

TEST(NmfSae, ParametersAndGroups) {
  Rng rng(22);
  const NmfProblem s = MakeNmfProblem(10, 3, 40, rng, 0.01, 0.3);
  NmfSae<double> net(s.a0, s.s0, s.x);
  const auto params = net.Parameters();
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0].name, "encoder.W1");
  EXPECT_EQ(params[0].group, 0);
  EXPECT_EQ(params[1].name, "encoder.theta");
  EXPECT_EQ(params[1].group, 0);
  EXPECT_EQ(params[2].name, "decoder.W2");
  EXPECT_EQ(params[2].group, 1);
  EXPECT_EQ(train::CountParameters(params), 3 * 10 + 3 + 40 * 3);
  EXPECT_EQ(net.Samples(), 1);
}

TEST(NmfSae, TrainsFullBatchOnly) {
  Rng rng(23);
  const NmfProblem s = MakeNmfProblem(6, 3, 8, rng, 0.01, 0.3);
  NmfSae<double> net(s.a0, s.s0, s.x);
  const std::vector<Index> zero = {0}, one = {1}, two = {0, 0}, none;
  EXPECT_NO_THROW(net.Batch(zero));
  EXPECT_THROW(net.Batch(one), OptionError);
  EXPECT_THROW(net.Batch(two), OptionError);
  EXPECT_THROW(net.Batch(none), OptionError);
}

TEST(NmfSae, MeanLossIsTheSumOverPixelsAndBands) {
  Rng rng(24);
  const NmfProblem s = MakeNmfProblem(7, 3, 9, rng, 0.02, 0.5);
  NmfSaeOptions sum_o, mean_o;
  mean_o.mean_loss = true;
  NmfSae<double> sum(s.a0, s.s0, s.x, sum_o), mean(s.a0, s.s0, s.x, mean_o);
  const std::vector<Index> all = {0};
  const auto ps = sum.Parameters(), pm = mean.Parameters();
  train::ZeroGradients(ps);
  train::ZeroGradients(pm);
  const double ls = sum.Batch(all), lm = mean.Batch(all);
  EXPECT_NEAR(lm * 63.0, ls, 1e-12 * ls);
  for (size_t i = 0; i < ps.size(); ++i)
    EXPECT_LT((*pm[i].grad * 63.0 - *ps[i].grad).cwiseAbs().maxCoeff(), 1e-12 * ps[i].grad->cwiseAbs().maxCoeff())
        << ps[i].name;
}

TEST(NmfSae, EncodeNewPixelsWithInitialOrLearnedEndmembers) {
  Rng rng(25);
  const NmfProblem s = MakeNmfProblem(12, 3, 30, rng, 0.01, 0.4);
  NmfSaeOptions o;
  o.layers = 3;
  NmfSae<double> net(s.a0, s.s0, s.x, o);
  Perturb(net, rng, 0.5);  // stands in for training: the encoder differs from its start
  // (a) with A0 on the training pixels from S0: exactly the training-time abundances.
  for (Index block : {1, 7, 30, 64}) {
    const MatrixD enc = NmfSaeEncode(net, s.x, s.s0, EncoderEndmembers::kInitial, block);
    EXPECT_LT((enc - net.Abundances()).cwiseAbs().maxCoeff(), 1e-13) << "block " << block;
  }
  // (b) new pixels, learned endmembers A_K in the residual.
  const MatrixD y = s.a * RandomSimplex(3, 11, rng);
  const MatrixD start = RandomSimplex(3, 11, rng);
  const MatrixD ak = net.Endmembers();
  const MatrixD learned = NmfSaeEncode(net, y, start, EncoderEndmembers::kLearned, 4);
  EXPECT_LT((learned - PlainEncoder(ak, start, y, net.w1(), net.theta(), 3)).cwiseAbs().maxCoeff(), 1e-12);
  const MatrixD initial = NmfSaeEncode(net, y, start, EncoderEndmembers::kInitial, 4);
  EXPECT_LT((initial - PlainEncoder(s.a0, start, y, net.w1(), net.theta(), 3)).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_THROW(NmfSaeEncode(net, y, MatrixD(3, 10), EncoderEndmembers::kInitial), OptionError);
  EXPECT_THROW(NmfSaeEncode(net, MatrixD(11, 11), start, EncoderEndmembers::kInitial), OptionError);
}

TEST(NmfSae, RejectsInvalidInputs) {
  NmfSaeOptions o;
  std::string why;
  EXPECT_TRUE(o.IsValid(&why));
  o.layers = 0;
  EXPECT_FALSE(o.IsValid(&why));
  const MatrixD a = MatrixD::Ones(5, 2), s = MatrixD::Constant(2, 4, 0.5), x = MatrixD::Ones(5, 4);
  EXPECT_THROW(NmfSae<double>(a, s, x, o), OptionError);
  EXPECT_THROW(NmfSae<double>(a, MatrixD::Constant(2, 3, 0.5), x), OptionError);
  EXPECT_THROW(NmfSae<double>(MatrixD::Zero(5, 2), s, x), InputError);
  EXPECT_THROW(NmfSae<double>(a, MatrixD::Zero(2, 4), x), InputError);
}

TEST(NmfSae, ShortFullBatchTrainingLowersTheLoss) {
  // The paper's synthetic setting scaled down: Adam, full batch, separate encoder / decoder
  // learning rates (group 0 / group 1).
  Rng rng(26);
  const NmfProblem s = MakeNmfProblem(40, 4, 300, rng, 0.02, 0.3);
  NmfSae<float> net(s.a0.cast<float>(), s.s0.cast<float>(), s.x.cast<float>());
  train::TrainOptions t;
  t.epochs = 200;
  t.batch_size = 64;  // any batch size trains full batch: the scene is one sample
  t.adam.group_learning_rates = {1e-3, 5e-3};
  const auto summary = train::Train(net, t);
  ASSERT_FALSE(summary.diverged) << summary.stop_reason;
  EXPECT_EQ(summary.steps, 200);
  EXPECT_LT(summary.loss_history.back(), 0.5 * summary.initial_loss) << summary.BriefReport();
  EXPECT_LT(summary.best_loss, summary.initial_loss);
}

TEST(NmfSae, FloatMatchesDouble) {
  Rng rng(27);
  const NmfProblem s = MakeNmfProblem(20, 3, 50, rng, 0.01, 0.3);
  NmfSae<double> d(s.a0, s.s0, s.x);
  NmfSae<float> f(s.a0.cast<float>(), s.s0.cast<float>(), s.x.cast<float>());
  EXPECT_LT((f.Abundances().cast<double>() - d.Abundances()).cwiseAbs().maxCoeff(), 1e-5);
  EXPECT_LT((f.Endmembers().cast<double>() - d.Endmembers()).cwiseAbs().maxCoeff(), 1e-5);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::nets
