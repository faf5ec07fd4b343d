#include "unmix/nets/mnn.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "unmix/core/error.hpp"
#include "unmix/nets/admm_nets.hpp"  // GatherColumns

namespace unmix::nets {

template <typename T>
void MnnParams<T>::Resize(Index sets, Index r, Index p, Index thresholds_per_set) {
  w.setZero(sets * r, p);
  b.setZero(sets * r, r);
  theta.setZero(sets * thresholds_per_set, 1);
}

template <typename T>
void MnnParams<T>::SetZero() {
  w.setZero();
  b.setZero();
  theta.setZero();
}

template <typename T>
MnnEncoder<T>::MnnEncoder(Index bands, Index endmembers, int layers, bool tied, MnnThreshold threshold,
                          double norm_epsilon)
    : bands_(bands), r_(endmembers), layers_(layers), tied_(tied), threshold_(threshold), eps_(norm_epsilon) {
  if (bands < 1 || endmembers < 1) throw OptionError("MNN encoder: bands and endmembers must be positive");
  if (layers < 1) throw OptionError("MNN encoder: at least one layer is needed");
  if (!(norm_epsilon >= 0)) throw OptionError("MNN encoder: the normalisation epsilon must be >= 0");
  params_.Resize(sets(), r_, bands_, thresholds_per_set());
  grads_.Resize(sets(), r_, bands_, thresholds_per_set());
}

template <typename T>
void MnnEncoder<T>::InitFromEndmembers(const MatrixD& a, double lambda) {
  if (a.rows() != bands_ || a.cols() != r_)
    throw OptionError("MNN encoder: initial endmembers do not match the network's size");
  if (!(lambda >= 0)) throw OptionError("MNN encoder: lambda must be >= 0");
  const MatrixD g = a.transpose() * a;
  const Eigen::SelfAdjointEigenSolver<MatrixD> es(g, Eigen::EigenvaluesOnly);
  const double largest = es.eigenvalues().maxCoeff();
  if (!(largest > 0) || !std::isfinite(largest))
    throw InputError(fmt::format("MNN encoder: the initial endmembers are zero or not finite (|A^T A|_2 = {})",
                                 largest));
  const double t = 1.0 / largest;
  const MatrixD w = t * a.transpose();
  const MatrixD b = MatrixD::Identity(r_, r_) - t * g;
  const Index nt = thresholds_per_set();
  for (Index j = 0; j < sets(); ++j) {
    params_.w.middleRows(j * r_, r_) = w.cast<T>();
    params_.b.middleRows(j * r_, r_) = b.cast<T>();
    params_.theta.middleRows(j * nt, nt).setConstant(static_cast<T>(t * lambda));
  }
}

template <typename T>
train::ParameterList<T> MnnEncoder<T>::Parameters(int group) {
  return {{"encoder.W", &params_.w, &grads_.w, group},
          {"encoder.B", &params_.b, &grads_.b, group},
          {"encoder.theta", &params_.theta, &grads_.theta, group}};
}

template <typename T>
const Matrix<T>& MnnEncoder<T>::Forward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws) const {
  const int L = layers_;
  const Index nt = thresholds_per_set();
  ws.pre.resize(static_cast<size_t>(L));
  ws.x.resize(static_cast<size_t>(L));
  // y enters every layer through W_k y: one product for all of them.
  ws.wy.noalias() = params_.w * y;
  for (int k = 0; k < L; ++k) {
    const Index j = Block(k);
    auto& pre = ws.pre[static_cast<size_t>(k)];
    pre = ws.wy.middleRows(j * r_, r_);
    if (k > 0) pre.noalias() += params_.b.middleRows(j * r_, r_) * ws.x[static_cast<size_t>(k - 1)];
    if (nt == 1) pre.array() -= params_.theta(j);
    else pre.colwise() -= params_.theta.col(0).segment(j * nt, nt);
    ws.x[static_cast<size_t>(k)] = pre.cwiseMax(T(0));
  }
  const auto& xl = ws.x.back();
  ws.colsum = xl.colwise().sum().array() + static_cast<T>(eps_);
  ws.out = xl.array().rowwise() / ws.colsum.row(0).array();
  return ws.out;
}

template <typename T>
void MnnEncoder<T>::Backward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws, const Matrix<T>& dout) {
  const Index b = y.cols();
  const int L = layers_;
  const Index nt = thresholds_per_set();
  // Normalisation out = x / s, s = 1^T x + eps: dx = (g - <g, out>) / s per column.
  ws.proj = dout.cwiseProduct(ws.out).colwise().sum();
  ws.dx = (dout.rowwise() - ws.proj.row(0)).array().rowwise() / ws.colsum.row(0).array();
  ws.dwy.setZero(sets() * r_, b);
  for (int k = L - 1; k >= 0; --k) {
    const Index j = Block(k);
    const auto& pre = ws.pre[static_cast<size_t>(k)];
    // x_k = relu(pre), pre = W_k y + B_k x_{k-1} - theta_k
    ws.dpre = (pre.array() > T(0)).select(ws.dx, T(0));
    if (nt == 1) grads_.theta(j) -= ws.dpre.sum();
    else grads_.theta.col(0).segment(j * nt, nt) -= ws.dpre.rowwise().sum();
    ws.dwy.middleRows(j * r_, r_) += ws.dpre;
    if (k > 0) {
      const auto& xp = ws.x[static_cast<size_t>(k - 1)];
      grads_.b.middleRows(j * r_, r_).noalias() += ws.dpre * xp.transpose();
      ws.dx.noalias() = params_.b.middleRows(j * r_, r_).transpose() * ws.dpre;
    }
  }
  grads_.w.noalias() += ws.dwy * y.transpose();
}

bool MnnNetOptions::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (layers < 1) return fail(fmt::format("layers must be >= 1 (got {})", layers));
  if (!(lambda >= 0) || !std::isfinite(lambda)) return fail("lambda must be finite and >= 0");
  if (!(norm_epsilon >= 0)) return fail("the normalisation epsilon must be >= 0");
  if (std::isnan(decoder_min) || std::isnan(decoder_max) || !(decoder_min <= decoder_max))
    return fail("decoder_min must be <= decoder_max");
  return true;
}

template <typename T>
MnnEncoder<T> MakeMnnEncoder(const MnnNetOptions& o, const MatrixD& a) {
  std::string why;
  if (!o.IsValid(&why)) throw OptionError("MNN network: " + why);
  MnnEncoder<T> enc(a.rows(), a.cols(), o.layers, o.tied, o.threshold, o.norm_epsilon);
  enc.InitFromEndmembers(a, o.lambda);
  return enc;
}

template <typename T>
MnnAENet<T>::MnnAENet(MnnEncoder<T> encoder, Matrix<T> pixels, Matrix<T> abundances, CompositeLossWeights weights,
                      AadOptions aad, double aid_epsilon)
    : encoder_(std::move(encoder)), y_(std::move(pixels)), x_(std::move(abundances)), weights_(weights), aad_(aad),
      aid_epsilon_(aid_epsilon) {
  if (y_.rows() != encoder_.bands() || x_.rows() != encoder_.endmembers() || y_.cols() != x_.cols())
    throw OptionError(fmt::format("MNN-AE: pixels {} x {} and abundances {} x {} do not fit a network for {} bands, "
                                  "{} endmembers",
                                  y_.rows(), y_.cols(), x_.rows(), x_.cols(), encoder_.bands(), encoder_.endmembers()));
}

template <typename T>
T MnnAENet<T>::Batch(std::span<const Index> batch) {
  GatherColumns(y_, batch, yb_);
  GatherColumns(x_, batch, xb_);
  const Matrix<T>& out = encoder_.Forward(yb_, ws_);
  dout_.setZero(out.rows(), out.cols());
  const T loss = CompositeLoss(xb_, out, &dout_, weights_, aad_, aid_epsilon_);
  encoder_.Backward(yb_, ws_, dout_);
  return loss;
}

template <typename T>
MnnBUNet<T>::MnnBUNet(MnnEncoder<T> encoder, Matrix<T> decoder, Matrix<T> pixels, double lo, double hi)
    : encoder_(std::move(encoder)), decoder_(std::move(decoder)), y_(std::move(pixels)), lo_(lo), hi_(hi) {
  if (decoder_.rows() != encoder_.bands() || decoder_.cols() != encoder_.endmembers() || y_.rows() != encoder_.bands())
    throw OptionError("MNN-BU: decoder or pixels do not fit the encoder's size");
  if (std::isnan(lo) || std::isnan(hi) || !(lo <= hi)) throw OptionError("MNN-BU: decoder_min must be <= decoder_max");
  decoder_grad_.setZero(decoder_.rows(), decoder_.cols());
  Project();
}

template <typename T>
train::ParameterList<T> MnnBUNet<T>::Parameters() {
  auto p = encoder_.Parameters(0);
  p.push_back({"decoder.A", &decoder_, &decoder_grad_, 1});
  return p;
}

template <typename T>
T MnnBUNet<T>::Batch(std::span<const Index> batch) {
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
void MnnBUNet<T>::Project() {
  // An infinite bound converts to an infinite T, so [0, inf) leaves the upper side untouched.
  decoder_ = decoder_.cwiseMax(static_cast<T>(lo_)).cwiseMin(static_cast<T>(hi_));
}

template <typename T>
Matrix<T> ApplyMnnEncoder(const MnnEncoder<T>& encoder, const Matrix<T>& pixels, Index block) {
  if (pixels.rows() != encoder.bands())
    throw OptionError(fmt::format("MNN encoder: pixels have {} bands, the network {}", pixels.rows(),
                                  encoder.bands()));
  if (block < 1) throw OptionError("MNN encoder: the block size must be positive");
  const Index n = pixels.cols();
  Matrix<T> out(encoder.endmembers(), n);
  const Index blocks = (n + block - 1) / block;
#pragma omp parallel
  {
    typename MnnEncoder<T>::Workspace ws;
#pragma omp for schedule(static)
    for (Index b = 0; b < blocks; ++b) {
      const Index s = b * block, len = std::min(block, n - s);
      out.middleCols(s, len) = encoder.Forward(pixels.middleCols(s, len), ws);
    }
  }
  return out;
}

template struct MnnParams<float>;
template struct MnnParams<double>;
template class MnnEncoder<float>;
template class MnnEncoder<double>;
template MnnEncoder<float> MakeMnnEncoder<float>(const MnnNetOptions&, const MatrixD&);
template MnnEncoder<double> MakeMnnEncoder<double>(const MnnNetOptions&, const MatrixD&);
template class MnnAENet<float>;
template class MnnAENet<double>;
template class MnnBUNet<float>;
template class MnnBUNet<double>;
template Matrix<float> ApplyMnnEncoder<float>(const MnnEncoder<float>&, const Matrix<float>&, Index);
template Matrix<double> ApplyMnnEncoder<double>(const MnnEncoder<double>&, const Matrix<double>&, Index);

}  // namespace unmix::nets
