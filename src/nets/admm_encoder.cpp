#include "unmix/nets/admm_encoder.hpp"

#include <Eigen/Cholesky>

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
  wt.setZero();
  bt.setZero();
  theta.setZero();
  eta.setZero();
  c.setZero();
}

template <typename T>
AdmmEncoder<T>::AdmmEncoder(Index bands, Index endmembers, int updates, bool tied, double norm_epsilon,
                            bool sum_to_one)
    : bands_(bands), r_(endmembers), updates_(updates), tied_(tied), eps_(norm_epsilon), sum_to_one_(sum_to_one) {
  if (bands < 1 || endmembers < 1) throw OptionError("ADMM encoder: bands and endmembers must be positive");
  if (updates < 1) throw OptionError("ADMM encoder: at least one update (layer) is needed");
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
  const Index b = y.cols();
  const int L = updates_;
  ws.x.resize(static_cast<size_t>(L));
  ws.pre.resize(static_cast<size_t>(L));
  ws.z.resize(static_cast<size_t>(L));
  ws.d.resize(static_cast<size_t>(L));
  // y enters every update through W_k^T y: one product for all of them.
  ws.wy.noalias() = params_.wt * y;
  for (int k = 0; k < L; ++k) {
    const Index j = Block(k);
    auto& x = ws.x[static_cast<size_t>(k)];
    auto& pre = ws.pre[static_cast<size_t>(k)];
    auto& z = ws.z[static_cast<size_t>(k)];
    x = ws.wy.middleRows(j * r_, r_);
    if (sum_to_one_) x.colwise() += params_.c.col(0).segment(j * r_, r_);
    const T theta = params_.theta(j);
    if (k > 0) {
      const auto& zp = ws.z[static_cast<size_t>(k - 1)];
      const auto& dp = ws.d[static_cast<size_t>(k - 1)];
      ws.zd = zp + dp;
      x.noalias() += params_.bt.middleRows(j * r_, r_) * ws.zd;
      pre = (x - dp).array() - theta;
    } else {
      pre = x.array() - theta;
    }
    z = pre.cwiseMax(T(0));
    if (k < L - 1) {
      auto& d = ws.d[static_cast<size_t>(k)];
      if (k > 0) d = ws.d[static_cast<size_t>(k - 1)] - params_.eta(j) * (x - z);
      else d = -params_.eta(j) * (x - z);
    }
  }
  const auto& zl = ws.z.back();
  ws.colsum = zl.colwise().sum().array() + static_cast<T>(eps_);
  ws.out = zl.array().rowwise() / ws.colsum.row(0).array();
  (void)b;
  return ws.out;
}

template <typename T>
void AdmmEncoder<T>::Backward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws, const Matrix<T>& dout) {
  const Index b = y.cols();
  const int L = updates_;
  // Normalisation out = z / s, s = 1^T z + eps: dz = (g - <g, out>) / s per column.
  ws.proj = dout.cwiseProduct(ws.out).colwise().sum();
  ws.dz = (dout.rowwise() - ws.proj.row(0)).array().rowwise() / ws.colsum.row(0).array();
  ws.dd.setZero(r_, b);
  ws.dwy.setZero(sets() * r_, b);
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
      ws.dx.setZero(r_, b);
      ws.dd_prev.setZero(r_, b);
    }
    // z_k = relu(pre), pre = x_k - d_{k-1} - theta
    ws.dpre = (pre.array() > T(0)).select(ws.dz, T(0));
    ws.dx += ws.dpre;
    grads_.theta(j) -= ws.dpre.sum();
    ws.dwy.middleRows(j * r_, r_) += ws.dx;
    if (sum_to_one_) grads_.c.middleRows(j * r_, r_) += ws.dx.rowwise().sum();
    if (k > 0) {
      ws.dd_prev -= ws.dpre;
      // x_k = W^T y + B^T (z_{k-1} + d_{k-1})
      const auto& zp = ws.z[static_cast<size_t>(k - 1)];
      const auto& dp = ws.d[static_cast<size_t>(k - 1)];
      ws.zd = zp + dp;
      grads_.bt.middleRows(j * r_, r_).noalias() += ws.dx * ws.zd.transpose();
      ws.dz.noalias() = params_.bt.middleRows(j * r_, r_).transpose() * ws.dx;
      ws.dd_prev += ws.dz;
      ws.dd.swap(ws.dd_prev);
    }
  }
  grads_.wt.noalias() += ws.dwy * y.transpose();
}

template class AdmmEncoder<float>;
template class AdmmEncoder<double>;
template struct AdmmParams<float>;
template struct AdmmParams<double>;

}  // namespace unmix::nets
