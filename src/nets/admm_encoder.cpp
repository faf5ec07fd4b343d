#include "unmix/nets/admm_encoder.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <type_traits>

#include "unmix/core/error.hpp"

namespace unmix::nets {

namespace {

// Calls f with the endmember count as a compile-time constant for the usual sizes (the r-long
// loops below then unroll and vectorise), or with 0 (run-time count) for any other.
template <typename F>
void WithFixedSize(Index r, F&& f) {
  switch (r) {
    case 3: f(std::integral_constant<int, 3>{}); break;
    case 4: f(std::integral_constant<int, 4>{}); break;
    case 5: f(std::integral_constant<int, 5>{}); break;
    case 6: f(std::integral_constant<int, 6>{}); break;
    default: f(std::integral_constant<int, 0>{}); break;
  }
}

// One update over a batch of b pixels (r x b, column-major; bt points at this update's block,
// leading dimension ldb; wy at this update's first W^T y entry, pixel-major: entry (i, c) at
// wy[i * ldw + c]); zp = dp = nullptr for the first update, d = nullptr for the last:
//   x = wy + B^T (zp + dp), pre = x - dp - theta, z = relu(pre), d = dp - eta (x - z).
// The r x r product is far too small for a GEMM's packing to pay off, and fusing the steps
// reads every entry once. The buffers never overlap (__restrict).
template <int R, typename T>
void ForwardUpdate(Index r_run, Index b, const T* __restrict wy, Index ldw, const T* __restrict bt, Index ldb, const T* __restrict zp, const T* __restrict dp,
                   T theta, T eta, T* __restrict x, T* __restrict pre, T* __restrict z, T* __restrict d) {
  const Index r = R > 0 ? R : r_run;
  for (Index c = 0; c < b; ++c) {
    T* __restrict xc = x + c * r;
    for (Index i = 0; i < r; ++i) xc[i] = wy[i * ldw + c];
    if (zp) {
      for (Index l = 0; l < r; ++l) {
        const T zd = zp[c * r + l] + dp[c * r + l];
        for (Index i = 0; i < r; ++i) xc[i] += bt[i + l * ldb] * zd;
      }
    }
    for (Index i = 0; i < r; ++i) {
      const Index e = c * r + i;
      const T pe = zp ? (xc[i] - dp[e]) - theta : xc[i] - theta;
      const T ze = std::max(pe, T(0));
      pre[e] = pe;
      z[e] = ze;
      if (d) d[e] = zp ? dp[e] - eta * (xc[i] - ze) : -eta * (xc[i] - ze);
    }
  }
}

// The chain rule of one update's elementwise steps. In: dz = d loss / d z_k, dd = d loss / d d_k
// (nullptr for the last update, which has no d). Out: dx = d loss / d x_k (also added to dwy),
// dd_prev = the part of d loss / d d_{k-1} that does not go through x_k, and the eta and theta
// gradient sums. dwy is pixel-major like wy in ForwardUpdate. dz is updated in place with the d_k term.
template <int R, typename T>
void BackwardUpdate(Index r_run, Index b, const T* __restrict x, const T* __restrict z, const T* __restrict pre, const T* __restrict dd, T eta, T* __restrict dz, T* __restrict dwy,
                    Index ldw, T* __restrict dx, T* __restrict dd_prev, T& eta_grad, T& theta_grad) {
  const Index r = R > 0 ? R : r_run;
  for (Index c = 0; c < b; ++c) {
    for (Index i = 0; i < r; ++i) {
      const Index e = c * r + i;
      // d_k = d_{k-1} - eta (x_k - z_k)
      const T dde = dd ? dd[e] : T(0);
      T dxe = T(0), dze = dz[e];
      if (dd) {
        eta_grad += dde * (x[e] - z[e]);
        dxe = -eta * dde;
        dze += eta * dde;
      }
      // z_k = relu(pre), pre = x_k - d_{k-1} - theta
      const T dpre = pre[e] > T(0) ? dze : T(0);
      dxe += dpre;
      theta_grad += dpre;
      dwy[i * ldw + c] += dxe;
      dx[e] = dxe;
      dd_prev[e] = dde - dpre;
    }
  }
}

// x_k = W^T y + B^T (z_{k-1} + d_{k-1}): dB += dx (z + d)^T, and d loss / d (z + d) = B dx, which
// is the new dz and completes dd = dd_prev + B dx.
template <int R, typename T>
void BackwardCoupling(Index r_run, Index b, const T* __restrict dx, const T* __restrict zp, const T* __restrict dp, const T* __restrict bt, T* __restrict gbt, Index ldb,
                      const T* __restrict dd_prev, T* __restrict dz, T* __restrict dd) {
  const Index r = R > 0 ? R : r_run;
  for (Index c = 0; c < b; ++c) {
    const T* __restrict dxc = dx + c * r;
    for (Index l = 0; l < r; ++l) {
      const T zd = zp[c * r + l] + dp[c * r + l];
      T back = T(0);
      for (Index i = 0; i < r; ++i) {
        gbt[i + l * ldb] += dxc[i] * zd;
        back += bt[i + l * ldb] * dxc[i];
      }
      dz[c * r + l] = back;
      dd[c * r + l] = dd_prev[c * r + l] + back;
    }
  }
}

}  // namespace

template <typename T>
void AdmmParams<T>::Resize(Index sets, Index r, Index p) {
  wt.setZero(sets * r, p);
  bt.setZero(sets * r, r);
  theta.setZero(sets, 1);
  eta.setZero(sets, 1);
}

template <typename T>
void AdmmParams<T>::SetZero() {
  wt.setZero();
  bt.setZero();
  theta.setZero();
  eta.setZero();
}

template <typename T>
AdmmEncoder<T>::AdmmEncoder(Index bands, Index endmembers, int updates, bool tied, double norm_epsilon)
    : bands_(bands), r_(endmembers), updates_(updates), tied_(tied), eps_(norm_epsilon) {
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
  const MatrixD wt = llt.solve(a.transpose());
  const MatrixD bt = mu * llt.solve(MatrixD::Identity(r_, r_));
  for (Index j = 0; j < sets(); ++j) {
    params_.wt.middleRows(j * r_, r_) = wt.cast<T>();
    params_.bt.middleRows(j * r_, r_) = bt.cast<T>();
    params_.theta(j) = static_cast<T>(lambda / mu);
    params_.eta(j) = T(1);
  }
}

template <typename T>
train::ParameterList<T> AdmmEncoder<T>::Parameters(int group) {
  return {{"encoder.W", &params_.wt, &grads_.wt, group},
          {"encoder.B", &params_.bt, &grads_.bt, group},
          {"encoder.theta", &params_.theta, &grads_.theta, group},
          {"encoder.eta", &params_.eta, &grads_.eta, group}};
}

template <typename T>
const Matrix<T>& AdmmEncoder<T>::Forward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws) const {
  const Index b = y.cols();
  const int L = updates_;
  ws.x.resize(static_cast<size_t>(L));
  ws.pre.resize(static_cast<size_t>(L));
  ws.z.resize(static_cast<size_t>(L));
  ws.d.resize(static_cast<size_t>(L));
  // y enters every update through W_k^T y: one product for all of them, computed pixel-major
  // (B x P r) because a GEMM's register blocks fit a tall result far better than a 3r-row one.
  ws.wy.noalias() = y.transpose() * params_.wt.transpose();
  // Each update is one pass over the batch: the r x r product B^T (z + d) is far too small for a
  // GEMM's packing to pay off, and fusing the elementwise steps reads every entry once.
  const Index r = r_, ldw = ws.wy.rows(), ldb = params_.bt.rows();
  for (int k = 0; k < L; ++k) {
    const Index j = Block(k);
    auto& x = ws.x[static_cast<size_t>(k)];
    auto& pre = ws.pre[static_cast<size_t>(k)];
    auto& z = ws.z[static_cast<size_t>(k)];
    auto& d = ws.d[static_cast<size_t>(k)];
    x.resize(r, b);
    pre.resize(r, b);
    z.resize(r, b);
    const bool next_d = k < L - 1;
    if (next_d) d.resize(r, b);
    const T theta = params_.theta(j), eta = params_.eta(j);
    const T* wy = ws.wy.data() + j * r * ldw;
    const T* bt = params_.bt.data() + j * r;
    const T* zp = k > 0 ? ws.z[static_cast<size_t>(k - 1)].data() : nullptr;
    const T* dp = k > 0 ? ws.d[static_cast<size_t>(k - 1)].data() : nullptr;
    WithFixedSize(r, [&](auto fixed) {
      ForwardUpdate<decltype(fixed)::value>(r, b, wy, ldw, bt, ldb, zp, dp, theta, eta, x.data(), pre.data(), z.data(),
                                            next_d ? d.data() : nullptr);
    });
  }
  const auto& zl = ws.z.back();
  ws.colsum = zl.colwise().sum().array() + static_cast<T>(eps_);
  ws.out = zl.array().rowwise() / ws.colsum.row(0).array();
  return ws.out;
}

template <typename T>
void AdmmEncoder<T>::Backward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws, const Matrix<T>& dout) {
  const Index b = y.cols();
  const int L = updates_;
  // Normalisation out = z / s, s = 1^T z + eps: dz = (g - <g, out>) / s per column.
  ws.proj = dout.cwiseProduct(ws.out).colwise().sum();
  ws.dz = (dout.rowwise() - ws.proj.row(0)).array().rowwise() / ws.colsum.row(0).array();
  ws.dwy.setZero(b, sets() * r_);  // pixel-major, as wy
  // One fused pass per update over the batch, as in Forward.
  const Index r = r_, ldw = ws.dwy.rows(), ldb = params_.bt.rows();
  ws.dd.resize(r, b);
  ws.dd_prev.resize(r, b);
  ws.dx.resize(r, b);
  for (int k = L - 1; k >= 0; --k) {
    const Index j = Block(k);
    const T* x = ws.x[static_cast<size_t>(k)].data();
    const T* z = ws.z[static_cast<size_t>(k)].data();
    const T* pre = ws.pre[static_cast<size_t>(k)].data();
    // dd holds d loss / d d_k, which exists for every update but the last.
    const bool has_d = k < L - 1;
    const T eta = params_.eta(j);
    T* dd = ws.dd.data();
    T* dd_prev = ws.dd_prev.data();
    T* dx = ws.dx.data();
    T* dz = ws.dz.data();
    T* dwy = ws.dwy.data() + j * r * ldw;
    T eta_grad = 0, theta_grad = 0;
    WithFixedSize(r, [&](auto fixed) {
      BackwardUpdate<decltype(fixed)::value>(r, b, x, z, pre, has_d ? dd : nullptr, eta, dz, dwy, ldw, dx, dd_prev,
                                             eta_grad, theta_grad);
    });
    if (has_d) grads_.eta(j) -= eta_grad;
    grads_.theta(j) -= theta_grad;
    if (k > 0) {
      const T* zp = ws.z[static_cast<size_t>(k - 1)].data();
      const T* dp = ws.d[static_cast<size_t>(k - 1)].data();
      WithFixedSize(r, [&](auto fixed) {
        BackwardCoupling<decltype(fixed)::value>(r, b, dx, zp, dp, params_.bt.data() + j * r, grads_.bt.data() + j * r,
                                                 ldb, dd_prev, dz, dd);
      });
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
