#pragma once
// The unrolled ADMM encoder of U-ADMM-AENet and U-ADMM-BUNet (u-admm-nets.txt section III).
// With z_0 = d_0 = 0 and one pixel y per column, update k (k = 1..L) computes
//   x_k = W_k^T y + B_k^T (z_{k-1} + d_{k-1})
//   z_k = relu(x_k - d_{k-1} - theta_k)
//   d_k = d_{k-1} - eta_k (x_k - z_k)          (not needed after the last update)
// and the output is z_L / (1^T z_L + eps). Tied (-I): one {W, B, theta, eta} for every update;
// untied (-II): one set per update.
//
// Sum-to-one updates (optional, off in the papers): x_k gains a bias c_k,
//   x_k = W_k^T y + B_k^T (z_{k-1} + d_{k-1}) + c_k,
// which is what the ADMM x-step becomes when it also imposes 1^T x = 1 (SUnSAL with the ASC):
// the projection onto that affine set is linear plus a constant. Initialised that way, the
// untrained encoder is L iterations of ADMM for FCLS instead of for nonnegative lasso.
//
// Layer counts: the paper's K-layer network has L = K updates. The authors' public code calls a
// network with L = K + 1 x/z updates and K d updates "K layers"; AdmmUpdates() converts.
#include <vector>

#include "unmix/core/types.hpp"
#include "unmix/train/parameters.hpp"

namespace unmix::nets {

enum class LayerConvention { kPaper, kAuthorsCode };
inline int AdmmUpdates(int layers, LayerConvention c) { return c == LayerConvention::kPaper ? layers : layers + 1; }

template <typename T>
struct AdmmParams {
  Matrix<T> wt;     // (P r) x p: block j is W_j^T
  Matrix<T> bt;     // (P r) x r: block j is B_j^T
  Matrix<T> theta;  // P x 1
  Matrix<T> eta;    // P x 1
  Matrix<T> c;      // (P r) x 1: block j is c_j (used by sum-to-one encoders only)
  void Resize(Index sets, Index r, Index p);
  void SetZero();
};

template <typename T>
class AdmmEncoder {
 public:
  using Scalar = T;
  struct Workspace {
    // Pixel-major (one row per pixel of the batch): wy is B x (P r), W^T y for every set; the
    // per-update x, pre, z, d and the gradients are B x r.
    Matrix<T> wy;
    std::vector<Matrix<T>> x, pre, z, d;
    Matrix<T> colsum, out;
    Matrix<T> proj, dz, dd, dd_prev, dx, dpre, dwy, zd, dwy_t;
  };

  AdmmEncoder() = default;
  AdmmEncoder(Index bands, Index endmembers, int updates, bool tied, double norm_epsilon = 1e-8,
              bool sum_to_one = false);

  // Equation (8): W^T = (A^T A + mu I)^{-1} A^T, B^T = mu (A^T A + mu I)^{-1}, theta = lambda / mu,
  // eta = 1 in every set, so the untrained encoder is `updates` ADMM iterations for
  // min 0.5 |y - A x|^2 + lambda |x|_1, x >= 0, started at z = d = 0.
  // Sum-to-one encoders: with H = A^T A + mu I, C = H^{-1} 1 / (1^T H^{-1} 1) and
  // P = I - C 1^T, W^T = P H^{-1} A^T, B^T = mu P H^{-1}, c = C: `updates` iterations of ADMM for
  // the same problem with 1^T x = 1 added (where the l1 term is constant: FCLS).
  void InitFromEndmembers(const MatrixD& endmembers, double lambda, double mu);

  Index bands() const { return bands_; }
  Index endmembers() const { return r_; }
  int updates() const { return updates_; }
  bool tied() const { return tied_; }
  Index sets() const { return tied_ ? 1 : updates_; }
  double norm_epsilon() const { return eps_; }
  bool sum_to_one() const { return sum_to_one_; }

  AdmmParams<T>& params() { return params_; }
  const AdmmParams<T>& params() const { return params_; }
  AdmmParams<T>& grads() { return grads_; }
  train::ParameterList<T> Parameters(int group = 0);

  // y: p x B. Fills `ws` and returns the normalised output (r x B, a reference into ws).
  const Matrix<T>& Forward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws) const;
  // The last z before normalisation, r x B (valid after Forward; a copy, the workspace is
  // pixel-major).
  static Matrix<T> LastZ(const Workspace& ws) { return ws.z.back().transpose(); }
  // Adds the gradient of a loss with d loss / d output = `dout` to grads(). Uses the Forward
  // state in `ws` for the same `y`.
  void Backward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws, const Matrix<T>& dout);

 private:
  Index Block(int k) const { return tied_ ? 0 : k; }
  Index bands_ = 0, r_ = 0;
  int updates_ = 0;
  bool tied_ = false;
  double eps_ = 1e-8;
  bool sum_to_one_ = false;
  AdmmParams<T> params_, grads_;
};

}  // namespace unmix::nets
