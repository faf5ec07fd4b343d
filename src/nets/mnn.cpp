#include "unmix/nets/mnn.hpp"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "nets/encoder_checks.hpp"
#include "unmix/core/error.hpp"

namespace unmix::nets {

template <typename T>
void MnnParams<T>::Resize(Index sets, Index r, Index p, Index thresholds_per_set) {
  w.setZero(sets * r, p);
  b.setZero(sets * r, r);
  theta.setZero(sets * thresholds_per_set, 1);
}

template <typename T>
void MnnParams<T>::SetZero() {
  SetAllZero(w, b, theta);
}

template <typename T>
MnnEncoder<T>::MnnEncoder(Index bands, Index endmembers, int layers, bool tied, MnnThreshold threshold,
                          double norm_epsilon)
    : bands_(bands), r_(endmembers), layers_(layers), tied_(tied), threshold_(threshold), eps_(norm_epsilon) {
  CheckEncoderSize("MNN encoder", bands, endmembers, layers, "layer");
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
    throw InputError(
        fmt::format("MNN encoder: the initial endmembers are zero or not finite (|A^T A|_2 = {})", largest));
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
    if (nt == 1)
      pre.array() -= params_.theta(j);
    else
      pre.colwise() -= params_.theta.col(0).segment(j * nt, nt);
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
    if (nt == 1)
      grads_.theta(j) -= ws.dpre.sum();
    else
      grads_.theta.col(0).segment(j * nt, nt) -= ws.dpre.rowwise().sum();
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

template struct MnnParams<float>;
template struct MnnParams<double>;
template class MnnEncoder<float>;
template class MnnEncoder<double>;
template MnnEncoder<float> MakeMnnEncoder<float>(const MnnNetOptions&, const MatrixD&);
template MnnEncoder<double> MakeMnnEncoder<double>(const MnnNetOptions&, const MatrixD&);

}  // namespace unmix::nets
