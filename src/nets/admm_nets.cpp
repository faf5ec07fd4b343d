#include "unmix/nets/admm_nets.hpp"

#include <omp.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "unmix/core/error.hpp"

namespace unmix::nets {

bool AdmmNetOptions::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (layers < 1) return fail(fmt::format("layers must be >= 1 (got {})", layers));
  if (lambda && !(*lambda >= 0)) return fail("lambda must be >= 0");
  if (mu && !(*mu > 0)) return fail("mu must be > 0");
  if (!(lambda0 >= 0)) return fail("lambda0 must be >= 0");
  if (!(norm_epsilon >= 0)) return fail("the normalisation epsilon must be >= 0");
  if (decoder_min && decoder_max && !(*decoder_min <= *decoder_max)) return fail("decoder_min must be <= decoder_max");
  return true;
}

AdmmInitValues ResolveAdmmInit(const AdmmNetOptions& o, const MatrixD& a) {
  AdmmInitValues v;
  const double p = static_cast<double>(a.rows());
  if (o.preset == AdmmPreset::kAuthorsCode) {
    const double norm_m = a.norm() * (25.0 + p) / p;
    v.lambda = o.lambda0;
    v.mu = 10.0 * o.lambda0 + 0.01 * norm_m * norm_m;
  } else {
    v.lambda = 1e-3;
    const Eigen::SelfAdjointEigenSolver<MatrixD> es(a.transpose() * a, Eigen::EigenvaluesOnly);
    v.mu = std::max(es.eigenvalues().maxCoeff(), 1e-12);
  }
  if (o.lambda) v.lambda = *o.lambda;
  if (o.mu) v.mu = *o.mu;
  return v;
}

template <typename T>
AdmmEncoder<T> MakeAdmmEncoder(const AdmmNetOptions& o, const MatrixD& a) {
  std::string why;
  if (!o.IsValid(&why)) throw OptionError("ADMM network: " + why);
  AdmmEncoder<T> enc(a.rows(), a.cols(), o.updates(), o.tied, o.norm_epsilon);
  const auto v = ResolveAdmmInit(o, a);
  enc.InitFromEndmembers(a, v.lambda, v.mu);
  return enc;
}

template <typename T>
AdmmAENet<T>::AdmmAENet(AdmmEncoder<T> encoder, Matrix<T> pixels, Matrix<T> abundances, CompositeLossWeights weights,
                        AadOptions aad, double aid_epsilon)
    : encoder_(std::move(encoder)), y_(std::move(pixels)), x_(std::move(abundances)), weights_(weights), aad_(aad),
      aid_epsilon_(aid_epsilon) {
  if (y_.rows() != encoder_.bands() || x_.rows() != encoder_.endmembers() || y_.cols() != x_.cols())
    throw OptionError(fmt::format("AENet: pixels {} x {} and abundances {} x {} do not fit a network for {} bands, {} "
                                  "endmembers",
                                  y_.rows(), y_.cols(), x_.rows(), x_.cols(), encoder_.bands(), encoder_.endmembers()));
}

template <typename T>
T AdmmAENet<T>::Batch(std::span<const Index> batch) {
  GatherColumns(y_, batch, yb_);
  GatherColumns(x_, batch, xb_);
  const Matrix<T>& out = encoder_.Forward(yb_, ws_);
  dout_.setZero(out.rows(), out.cols());
  const T loss = CompositeLoss(xb_, out, &dout_, weights_, aad_, aid_epsilon_);
  encoder_.Backward(yb_, ws_, dout_);
  return loss;
}

template <typename T>
AdmmBUNet<T>::AdmmBUNet(AdmmEncoder<T> encoder, Matrix<T> decoder, Matrix<T> pixels, double lo, double hi)
    : encoder_(std::move(encoder)), decoder_(std::move(decoder)), y_(std::move(pixels)), lo_(lo), hi_(hi) {
  if (decoder_.rows() != encoder_.bands() || decoder_.cols() != encoder_.endmembers() || y_.rows() != encoder_.bands())
    throw OptionError("BUNet: decoder or pixels do not fit the encoder's size");
  decoder_grad_.setZero(decoder_.rows(), decoder_.cols());
  Project();
}

template <typename T>
train::ParameterList<T> AdmmBUNet<T>::Parameters() {
  auto p = encoder_.Parameters(0);
  p.push_back({"decoder.A", &decoder_, &decoder_grad_, 1});
  return p;
}

template <typename T>
T AdmmBUNet<T>::Batch(std::span<const Index> batch) {
  GatherColumns(y_, batch, yb_);
  const Matrix<T>& out = encoder_.Forward(yb_, ws_);
  yhat_.noalias() = decoder_ * out;
  dyhat_.setZero(yhat_.rows(), yhat_.cols());
  const T loss = ReconstructionMse(yb_, yhat_, &dyhat_);
  decoder_grad_.noalias() += dyhat_ * out.transpose();
  dout_.noalias() = decoder_.transpose() * dyhat_;
  encoder_.Backward(yb_, ws_, dout_);
  return loss;
}

template <typename T>
void AdmmBUNet<T>::Project() {
  decoder_ = decoder_.cwiseMax(static_cast<T>(lo_)).cwiseMin(static_cast<T>(hi_));
}

template <typename T>
Matrix<T> ApplyEncoder(const AdmmEncoder<T>& encoder, const Matrix<T>& pixels, Index block) {
  const Index n = pixels.cols();
  Matrix<T> out(encoder.endmembers(), n);
  const Index blocks = (n + block - 1) / block;
#pragma omp parallel
  {
    typename AdmmEncoder<T>::Workspace ws;
#pragma omp for schedule(static)
    for (Index b = 0; b < blocks; ++b) {
      const Index s = b * block, len = std::min(block, n - s);
      out.middleCols(s, len) = encoder.Forward(pixels.middleCols(s, len), ws);
    }
  }
  return out;
}

template AdmmEncoder<float> MakeAdmmEncoder<float>(const AdmmNetOptions&, const MatrixD&);
template AdmmEncoder<double> MakeAdmmEncoder<double>(const AdmmNetOptions&, const MatrixD&);
template class AdmmAENet<float>;
template class AdmmAENet<double>;
template class AdmmBUNet<float>;
template class AdmmBUNet<double>;
template Matrix<float> ApplyEncoder<float>(const AdmmEncoder<float>&, const Matrix<float>&, Index);
template Matrix<double> ApplyEncoder<double>(const AdmmEncoder<double>&, const Matrix<double>&, Index);

}  // namespace unmix::nets
