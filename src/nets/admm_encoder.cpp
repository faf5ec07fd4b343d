#include "unmix/nets/admm_encoder.hpp"

#include <Eigen/Cholesky>

#include "nets/encoder_checks.hpp"
#include "unmix/core/error.hpp"

namespace unmix::nets {

template <typename T>
void AdmmParams<T>::Resize(Index sets, Index r, Index p) {
  wt.setZero(sets * r, p);
  bt.setZero(sets * r, r);
  theta.setZero(sets, 1);
  eta.setZero(sets, 1);
  c.setZero(sets * r, 1);
}

template <typename T>
void AdmmParams<T>::SetZero() {
  SetAllZero(wt, bt, theta, eta, c);
}

template <typename T>
AdmmEncoder<T>::AdmmEncoder(Index bands, Index endmembers, int updates, bool tied, double norm_epsilon, bool sum_to_one)
    : bands_(bands), r_(endmembers), updates_(updates), tied_(tied), eps_(norm_epsilon), sum_to_one_(sum_to_one) {
  CheckEncoderSize("ADMM encoder", bands, endmembers, updates, "update (layer)");
  params_.Resize(sets(), r_, bands_);
  grads_.Resize(sets(), r_, bands_);
}

template <typename T>
void AdmmEncoder<T>::InitFromEndmembers(const MatrixD& a, double lambda, double mu) {
  if (a.rows() != bands_ || a.cols() != r_)
    throw OptionError("ADMM encoder: initial endmembers do not match the network's size");
  if (!(mu > 0)) throw OptionError("ADMM encoder: mu must be positive");
  const MatrixD g = a.transpose() * a + mu * MatrixD::Identity(r_, r_);
  const Eigen::LLT<MatrixD> llt(g);
  MatrixD wt = llt.solve(a.transpose());
  MatrixD bt = mu * llt.solve(MatrixD::Identity(r_, r_));
  VectorD c = VectorD::Zero(r_);
  if (sum_to_one_) {
    const VectorD h1 = llt.solve(VectorD::Ones(r_));
    c = h1 / h1.sum();
    const MatrixD proj = MatrixD::Identity(r_, r_) - c * VectorD::Ones(r_).transpose();
    wt = proj * wt;
    bt = proj * bt;
  }
  for (Index j = 0; j < sets(); ++j) {
    params_.wt.middleRows(j * r_, r_) = wt.cast<T>();
    params_.bt.middleRows(j * r_, r_) = bt.cast<T>();
    params_.c.middleRows(j * r_, r_) = c.cast<T>();
    params_.theta(j) = static_cast<T>(lambda / mu);
    params_.eta(j) = T(1);
  }
}

template <typename T>
train::ParameterList<T> AdmmEncoder<T>::Parameters(int group) {
  train::ParameterList<T> list = {{"encoder.W", &params_.wt, &grads_.wt, group},
                                  {"encoder.B", &params_.bt, &grads_.bt, group},
                                  {"encoder.theta", &params_.theta, &grads_.theta, group},
                                  {"encoder.eta", &params_.eta, &grads_.eta, group}};
  if (sum_to_one_) list.push_back({"encoder.c", &params_.c, &grads_.c, group});
  return list;
}

template <typename T>
const Matrix<T>& AdmmEncoder<T>::Forward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws) const {
  const int L = updates_;
  const Index r = r_;
  ws.x.resize(static_cast<size_t>(L));
  ws.pre.resize(static_cast<size_t>(L));
  ws.z.resize(static_cast<size_t>(L));
  ws.d.resize(static_cast<size_t>(L));
  // y enters every update through W_k^T y: one product for all of them. Everything per update is
  // kept pixel-major (B x r): a GEMM's register blocks fit the tall B x P r result far better
  // than a 3r-row one, and every step below is then a contiguous, vectorised pass over the
  // batch for each endmember; the r x r product B^T (z + d) becomes r^2 such passes instead of
  // a GEMM whose packing costs more than its arithmetic.
  ws.wy.noalias() = y.transpose() * params_.wt.transpose();
  for (int k = 0; k < L; ++k) {
    const Index j = Block(k);
    auto& x = ws.x[static_cast<size_t>(k)];
    auto& pre = ws.pre[static_cast<size_t>(k)];
    auto& z = ws.z[static_cast<size_t>(k)];
    x = ws.wy.middleCols(j * r, r);
    if (sum_to_one_) x.rowwise() += params_.c.col(0).segment(j * r, r).transpose();
    const T theta = params_.theta(j);
    if (k > 0) {
      const auto& zp = ws.z[static_cast<size_t>(k - 1)];
      const auto& dp = ws.d[static_cast<size_t>(k - 1)];
      ws.zd = zp + dp;
      for (Index i = 0; i < r; ++i)
        for (Index l = 0; l < r; ++l) x.col(i) += params_.bt(j * r + i, l) * ws.zd.col(l);
      pre = (x - dp).array() - theta;
    } else {
      pre = x.array() - theta;
    }
    z = pre.cwiseMax(T(0));
    if (k < L - 1) {
      auto& d = ws.d[static_cast<size_t>(k)];
      if (k > 0)
        d = ws.d[static_cast<size_t>(k - 1)] - params_.eta(j) * (x - z);
      else
        d = -params_.eta(j) * (x - z);
    }
  }
  const auto& zl = ws.z.back();
  ws.colsum = zl.rowwise().sum().array() + static_cast<T>(eps_);  // B x 1: one sum per pixel
  ws.out = (zl.array().colwise() / ws.colsum.col(0).array()).transpose();
  return ws.out;
}

template <typename T>
void AdmmEncoder<T>::Backward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws, const Matrix<T>& dout) {
  const Index b = y.cols();
  const int L = updates_;
  const Index r = r_;
  // Normalisation out = z / s, s = 1^T z + eps: dz = (g - <g, out>) / s per pixel (pixel-major).
  ws.proj = dout.cwiseProduct(ws.out).colwise().sum().transpose();
  ws.dz = (dout.transpose().colwise() - ws.proj.col(0)).array().colwise() / ws.colsum.col(0).array();
  ws.dd.setZero(b, r);
  ws.dwy.setZero(b, sets() * r);
  for (int k = L - 1; k >= 0; --k) {
    const Index j = Block(k);
    const auto& x = ws.x[static_cast<size_t>(k)];
    const auto& z = ws.z[static_cast<size_t>(k)];
    const auto& pre = ws.pre[static_cast<size_t>(k)];
    if (k < L - 1) {
      // d_k = d_{k-1} - eta (x_k - z_k)
      const T eta = params_.eta(j);
      grads_.eta(j) -= (ws.dd.cwiseProduct(x - z)).sum();
      ws.dx = -eta * ws.dd;
      ws.dz += eta * ws.dd;
      ws.dd_prev = ws.dd;
    } else {
      ws.dx.setZero(b, r);
      ws.dd_prev.setZero(b, r);
    }
    // z_k = relu(pre), pre = x_k - d_{k-1} - theta
    ws.dpre = (pre.array() > T(0)).select(ws.dz, T(0));
    ws.dx += ws.dpre;
    grads_.theta(j) -= ws.dpre.sum();
    ws.dwy.middleCols(j * r, r) += ws.dx;
    if (sum_to_one_) grads_.c.middleRows(j * r, r) += ws.dx.colwise().sum().transpose();
    if (k > 0) {
      ws.dd_prev -= ws.dpre;
      // x_k = W^T y + B^T (z_{k-1} + d_{k-1}): dB = dx^T (z + d), d(z + d) = dx B, as r^2
      // dot products and axpys over the batch.
      const auto& zp = ws.z[static_cast<size_t>(k - 1)];
      const auto& dp = ws.d[static_cast<size_t>(k - 1)];
      ws.zd = zp + dp;
      for (Index i = 0; i < r; ++i)
        for (Index l = 0; l < r; ++l) grads_.bt(j * r + i, l) += ws.dx.col(i).dot(ws.zd.col(l));
      for (Index l = 0; l < r; ++l) {
        ws.dz.col(l) = params_.bt(j * r, l) * ws.dx.col(0);
        for (Index i = 1; i < r; ++i) ws.dz.col(l) += params_.bt(j * r + i, l) * ws.dx.col(i);
      }
      ws.dd_prev += ws.dz;
      ws.dd.swap(ws.dd_prev);
    }
  }
  // dW^T = y dWy (p x P r, a tall result again), added transposed.
  ws.dwy_t.noalias() = y * ws.dwy;
  grads_.wt += ws.dwy_t.transpose();
}

template class AdmmEncoder<float>;
template class AdmmEncoder<double>;
template struct AdmmParams<float>;
template struct AdmmParams<double>;

}  // namespace unmix::nets
