// Residual resampling of supervised training batches (nets::SupervisedNet).
#include <gtest/gtest.h>

#include <vector>

#include "random_data.hpp"
#include "unmix/nets/admm_nets.hpp"

namespace unmix::nets {
namespace UNMIX_TEST_UNIT {

struct Data {
  MatrixD a, x, y;
};

Data MakeData(double noise, std::uint64_t seed) {
  Rng rng(seed);
  Data d;
  d.a = RandomPositive(12, 3, rng);
  d.x = RandomSimplex(3, 40, rng);
  d.y = d.a * d.x;
  for (Index k = 0; k < d.y.size(); ++k) d.y.data()[k] += noise * rng.Normal();
  return d;
}

AdmmAENet<double> MakeNet(const Data& d) {
  AdmmNetOptions o;
  o.layers = 2;
  return AdmmAENet<double>(MakeAdmmEncoder<double>(o, d.a), d.y, d.x);
}

std::vector<Index> AllSamples(Index n) {
  std::vector<Index> b(static_cast<size_t>(n));
  for (Index i = 0; i < n; ++i) b[static_cast<size_t>(i)] = i;
  return b;
}

TEST(ResidualResampling, NoiseFreePairsGiveTheOriginalBatch) {
  // Y = A X exactly: the fit recovers A and every residual is zero, so a resampled batch is the
  // batch itself and the loss and gradient do not change.
  const Data d = MakeData(0.0, 1);
  auto plain = MakeNet(d);
  auto resampled = MakeNet(d);
  resampled.EnableResidualResampling(7);
  const auto batch = AllSamples(d.x.cols());
  for (auto* net : {&plain, &resampled})
    for (auto& p : net->Parameters()) p.grad->setZero();
  const double l0 = plain.Batch(batch), l1 = resampled.Batch(batch);
  EXPECT_NEAR(l0, l1, 1e-12 * std::max(1.0, l0));
  const auto g0 = plain.Parameters(), g1 = resampled.Parameters();
  for (size_t k = 0; k < g0.size(); ++k) {
    EXPECT_LT((*g0[k].grad - *g1[k].grad).cwiseAbs().maxCoeff(), 1e-10);
  }
}

TEST(ResidualResampling, NoisyPairsGetFreshNoiseDeterministically) {
  const Data d = MakeData(0.05, 2);
  const auto batch = AllSamples(d.x.cols());
  auto plain = MakeNet(d);
  auto a = MakeNet(d), b = MakeNet(d), c = MakeNet(d);
  a.EnableResidualResampling(3);
  b.EnableResidualResampling(3);
  c.EnableResidualResampling(4);
  const double l_plain = plain.Batch(batch);
  std::vector<double> la, lb, lc;
  for (int k = 0; k < 3; ++k) {
    la.push_back(a.Batch(batch));
    lb.push_back(b.Batch(batch));
    lc.push_back(c.Batch(batch));
  }
  EXPECT_EQ(la, lb) << "same seed, same batches";
  EXPECT_NE(la, lc) << "another seed draws other residuals";
  EXPECT_NE(la[0], la[1]) << "each batch draws new residuals";
  EXPECT_NE(la[0], l_plain);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::nets
