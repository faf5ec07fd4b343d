// The optimised training and inference paths against plain reference implementations on random
// inputs: the fused per-update loops of the encoder, the autoencoder's folded loss gradient,
// the prefetching column gather, and inference split into blocks and
// threads. The references are straightforward per-pixel transcriptions of the equations in
// double (one small vector per step), so they share no code with the paths they check.
#include <gtest/gtest.h>
#include <omp.h>

#include <numeric>
#include <vector>

#include "random_data.hpp"
#include "unmix/core/rng.hpp"
#include "unmix/nets/admm_nets.hpp"
#include "unmix/nets/mnn.hpp"
#include "unmix/nets/nmf_sae.hpp"

namespace unmix::nets {
namespace UNMIX_TEST_UNIT {

double RelativeError(const MatrixD& got, const MatrixD& want) {
  const double scale = std::max(want.norm(), 1e-30);
  return (got - want).norm() / scale;
}

// Float results against the double reference: float rounding over sums of ~200 terms.
constexpr double kFloatTolerance = 1e-4;

struct AdmmReference {
  MatrixD out, wt, bt, theta, eta;  // output and gradients
};

// u-admm-nets.txt eqs. (4)-(6) and their chain rule, one pixel at a time, in double.
AdmmReference ReferenceAdmm(const AdmmEncoder<float>& enc, const MatrixD& y, const MatrixD& dout) {
  const Index r = enc.endmembers(), p = enc.bands(), n = y.cols();
  const int L = enc.updates();
  const MatrixD wt = enc.params().wt.cast<double>(), bt = enc.params().bt.cast<double>();
  const MatrixD theta = enc.params().theta.cast<double>(), eta = enc.params().eta.cast<double>();
  auto set = [&](int k) { return enc.tied() ? Index{0} : Index{k}; };
  AdmmReference ref;
  ref.out.resize(r, n);
  ref.wt = MatrixD::Zero(wt.rows(), p);
  ref.bt = MatrixD::Zero(bt.rows(), r);
  ref.theta = MatrixD::Zero(theta.rows(), 1);
  ref.eta = MatrixD::Zero(eta.rows(), 1);
  for (Index c = 0; c < n; ++c) {
    const VectorD yc = y.col(c);
    std::vector<VectorD> x(L), pre(L), z(L), d(L);
    VectorD zp = VectorD::Zero(r), dp = VectorD::Zero(r);
    for (int k = 0; k < L; ++k) {
      const Index j = set(k);
      const MatrixD wk = wt.middleRows(j * r, r), bk = bt.middleRows(j * r, r);
      x[k] = wk * yc + bk * (zp + dp);
      pre[k] = x[k] - dp - VectorD::Constant(r, theta(j));
      z[k] = pre[k].cwiseMax(0.0);
      d[k] = dp - eta(j) * (x[k] - z[k]);
      zp = z[k];
      dp = d[k];
    }
    const double s = z[L - 1].sum() + enc.norm_epsilon();
    ref.out.col(c) = z[L - 1] / s;
    const VectorD g = dout.col(c);
    VectorD dz = (g - VectorD::Constant(r, g.dot(ref.out.col(c)))) / s;
    VectorD dd = VectorD::Zero(r);  // d loss / d d_k
    for (int k = L - 1; k >= 0; --k) {
      const Index j = set(k);
      VectorD dx = VectorD::Zero(r);
      if (k < L - 1) {
        ref.eta(j) -= dd.dot(x[k] - z[k]);
        dx -= eta(j) * dd;
        dz += eta(j) * dd;
      }
      const VectorD dpre = (pre[k].array() > 0).select(dz, VectorD::Zero(r));
      dx += dpre;
      ref.theta(j) -= dpre.sum();
      ref.wt.middleRows(j * r, r) += dx * yc.transpose();
      if (k > 0) {
        const VectorD zd = z[k - 1] + d[k - 1];
        ref.bt.middleRows(j * r, r) += dx * zd.transpose();
        const VectorD back = bt.middleRows(j * r, r).transpose() * dx;
        dd = dd - dpre + back;
        dz = back;
      }
    }
  }
  return ref;
}

AdmmEncoder<float> RandomAdmmEncoder(Index p, Index r, int layers, bool tied, Rng& rng) {
  AdmmNetOptions o;
  o.layers = layers;
  o.tied = tied;
  AdmmEncoder<float> enc = MakeAdmmEncoder<float>(o, RandomPositive(p, r, rng));
  // Away from the initialisation so the sets differ and B, eta matter.
  auto& q = enc.params();
  for (auto* m : {&q.wt, &q.bt, &q.theta, &q.eta})
    for (Index k = 0; k < m->size(); ++k) m->data()[k] *= static_cast<float>(1.0 + 0.6 * (rng.Uniform() - 0.5));
  q.theta *= 0.2f;  // enough entries stay above the relu kink for every branch to be taken
  return enc;
}

MatrixD RandomPixels(Index p, Index n, Rng& rng) { return RandomPositive(p, n, rng, 0.0, 1.0); }

struct Shape {
  Index p, r;
  int layers;
  bool tied;
  Index batch;
};

class OptimisedAdmm : public ::testing::TestWithParam<Shape> {};

TEST_P(OptimisedAdmm, ForwardAndBackwardEqualThePlainReference) {
  const Shape s = GetParam();
  Rng rng(1000 + s.p + 10 * s.r + 100 * s.layers + (s.tied ? 7 : 0) + s.batch);
  auto enc = RandomAdmmEncoder(s.p, s.r, s.layers, s.tied, rng);
  const MatrixD y = RandomPixels(s.p, s.batch, rng);
  MatrixD dout(s.r, s.batch);
  for (Index k = 0; k < dout.size(); ++k) dout.data()[k] = rng.Normal();
  const AdmmReference ref = ReferenceAdmm(enc, y, dout);

  const MatrixF yf = y.cast<float>(), doutf = dout.cast<float>();
  AdmmEncoder<float>::Workspace ws;
  // Twice through the same workspace: the second pass must not see the first's state.
  for (int pass = 0; pass < 2; ++pass) {
    enc.grads().SetZero();
    const MatrixD out = enc.Forward(yf, ws).cast<double>();
    enc.Backward(yf, ws, doutf);
    EXPECT_LT(RelativeError(out, ref.out), kFloatTolerance) << "pass " << pass;
    EXPECT_LT(RelativeError(enc.grads().wt.cast<double>(), ref.wt), kFloatTolerance);
    if (s.layers > 0 && ref.bt.norm() > 0) {
      EXPECT_LT(RelativeError(enc.grads().bt.cast<double>(), ref.bt), kFloatTolerance);
    }
    EXPECT_LT(RelativeError(enc.grads().theta.cast<double>(), ref.theta), kFloatTolerance);
    if (ref.eta.norm() > 0) {
      EXPECT_LT(RelativeError(enc.grads().eta.cast<double>(), ref.eta), kFloatTolerance);
    }
  }
  // Every branch was exercised: some relus closed, some open.
  EXPECT_GT(ref.out.maxCoeff(), 0.0);
  EXPECT_GT(ref.bt.norm(), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Shapes, OptimisedAdmm,
                         ::testing::Values(Shape{198, 4, 2, false, 64}, Shape{198, 4, 2, true, 64},
                                           Shape{198, 4, 2, false, 17}, Shape{50, 6, 1, false, 33},
                                           Shape{50, 5, 4, false, 5}, Shape{30, 3, 3, true, 1}));

TEST(OptimisedAutoencoder, BUNetBatchEqualsThePlainReference) {
  Rng rng(77);
  const Index p = 198, r = 4, n = 40;
  auto enc = RandomAdmmEncoder(p, r, 2, false, rng);
  const MatrixD a = RandomPositive(p, r, rng, 0.05, 0.9);
  const MatrixD y = RandomPixels(p, n, rng);
  // Reference: out = enc(y), R = A out - y, loss = |R|^2 / (p n); d loss / d A = 2 R out^T / (p n),
  // d loss / d out = 2 A^T R / (p n), then the encoder's chain rule.
  const AdmmReference plain_out = ReferenceAdmm(enc, y, MatrixD::Zero(r, n));
  const MatrixD resid = a * plain_out.out - y;
  const double entries = static_cast<double>(p * n);
  const double loss = resid.squaredNorm() / entries;
  const MatrixD grad_a = 2.0 * resid * plain_out.out.transpose() / entries;
  const AdmmReference ref = ReferenceAdmm(enc, y, 2.0 * a.transpose() * resid / entries);

  AdmmBUNet<float> net(enc, a.cast<float>(), y.cast<float>(), 0.0, 1.0);
  auto params = net.Parameters();
  std::vector<Index> batch(static_cast<size_t>(n));
  std::iota(batch.rbegin(), batch.rend(), Index{0});  // reversed: the gather must follow the indices
  // Reversing the pixels leaves the loss and the parameter gradients unchanged.
  for (int pass = 0; pass < 2; ++pass) {
    train::ZeroGradients(params);
    const double got = net.Batch(batch);
    EXPECT_NEAR(got, loss, kFloatTolerance * loss);
    EXPECT_LT(RelativeError(params[4].grad->cast<double>(), grad_a), kFloatTolerance);
    EXPECT_LT(RelativeError(params[0].grad->cast<double>(), ref.wt), kFloatTolerance);
    EXPECT_LT(RelativeError(params[1].grad->cast<double>(), ref.bt), kFloatTolerance);
    EXPECT_LT(RelativeError(params[2].grad->cast<double>(), ref.theta), kFloatTolerance);
  }
}

TEST(OptimisedGather, CopiesTheIndexedColumns) {
  Rng rng(9);
  const MatrixF src = RandomPositive(13, 50, rng).cast<float>();
  const std::vector<Index> idx{49, 0, 7, 7, 31, 2, 48};
  MatrixF dst;
  GatherColumns(src, idx, dst);
  ASSERT_EQ(dst.cols(), static_cast<Index>(idx.size()));
  for (size_t j = 0; j < idx.size(); ++j) {
    EXPECT_EQ(dst.col(static_cast<Index>(j)), src.col(idx[j]));
  }
}

// Inference in blocks and threads equals one block on one thread: exactly for the same blocks
// on any thread count (every block is computed the same way), to float rounding for other
// block sizes (the products' remainders are split differently).
TEST(OptimisedInference, BlocksAndThreadsEqualOneBlockOnOneThread) {
  Rng rng(21);
  const Index p = 198, r = 4, n = 5000;
  const auto enc = RandomAdmmEncoder(p, r, 2, false, rng);
  const MatrixF y = RandomPixels(p, n, rng).cast<float>();
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const MatrixF one_block = ApplyEncoder(enc, y, n);
  const MatrixF blocks_1 = ApplyEncoder(enc, y, 256);
  omp_set_num_threads(2);
  const MatrixF blocks_2 = ApplyEncoder(enc, y, 256);
  const MatrixF odd_blocks_2 = ApplyEncoder(enc, y, 333);
  omp_set_num_threads(saved);
  EXPECT_TRUE(blocks_1 == blocks_2) << "thread count changed the result";
  EXPECT_LT(RelativeError(blocks_2.cast<double>(), one_block.cast<double>()), 1e-6);
  EXPECT_LT(RelativeError(odd_blocks_2.cast<double>(), one_block.cast<double>()), 1e-6);
  // And the whole scene equals the plain reference.
  const AdmmReference ref = ReferenceAdmm(enc, y.cast<double>(), MatrixD::Zero(r, n));
  EXPECT_LT(RelativeError(one_block.cast<double>(), ref.out), kFloatTolerance);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::nets
