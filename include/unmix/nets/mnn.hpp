#pragma once
// MNN-AE and MNN-BU: the ISTA-unrolled unmixing networks of Qian et al., the baselines
// u-admm-nets.txt compares against, as objectives for train::Train.
//
// Encoder, one pixel y per column, x_0 = 0, update k = 1..K:
//   x_k = relu(W_k y + B_k x_{k-1} - theta_k)     (so x_1 = relu(W_1 y - theta_1))
// and the output is x_K / (1^T x_K + eps). Tied (-1): one {W, B, theta} for every update;
// untied (-2): one set per update. theta_k is one scalar per set (MnnThreshold::kScalar, the
// default: it gives the paper's count of r^2 + r p + 1 parameters per set) or one threshold per
// endmember (kPerEndmember: r^2 + r p + r per set).
// Untied sets keep B_1 although x_0 = 0 makes it unused (zero gradient), so the parameter
// count is the paper's (r^2 + r p + 1) K; the ADMM encoder keeps its first B the same way.
//
// Initialisation: ISTA for min 0.5 |y - A x|^2 + lambda |x|_1, x >= 0, step t = 1 / |A^T A|_2:
//   W = t A^T, B = I - t A^T A, theta = t lambda   (every set, every threshold entry),
// so the untrained encoder is K ISTA iterations from x = 0 followed by the normalisation.
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "unmix/core/types.hpp"
#include "unmix/nets/encoder_nets.hpp"
#include "unmix/nets/losses.hpp"
#include "unmix/train/parameters.hpp"
#include "unmix/train/trainer.hpp"

namespace unmix::nets {

enum class MnnThreshold { kScalar, kPerEndmember };

template <typename T>
struct MnnParams {
  Matrix<T> w;      // (P r) x p: block j is W_j
  Matrix<T> b;      // (P r) x r: block j is B_j
  Matrix<T> theta;  // (P t) x 1, t = 1 (scalar) or r (per endmember): block j is theta_j
  void Resize(Index sets, Index r, Index p, Index thresholds_per_set);
  void SetZero();
};

template <typename T>
class MnnEncoder {
 public:
  using Scalar = T;
  struct Workspace {
    Matrix<T> wy;  // W_k y for every parameter set, stacked
    std::vector<Matrix<T>> pre, x;
    Matrix<T> colsum, out, proj;
    Matrix<T> dx, dpre, dwy;
  };

  MnnEncoder() = default;
  MnnEncoder(Index bands, Index endmembers, int layers, bool tied, MnnThreshold threshold = MnnThreshold::kScalar,
             double norm_epsilon = 1e-8);

  // W = t A^T, B = I - t A^T A, theta = t lambda with t = 1 / |A^T A|_2 (computed in double).
  void InitFromEndmembers(const MatrixD& endmembers, double lambda);

  Index bands() const { return bands_; }
  Index endmembers() const { return r_; }
  int layers() const { return layers_; }
  bool tied() const { return tied_; }
  MnnThreshold threshold() const { return threshold_; }
  Index sets() const { return tied_ ? 1 : layers_; }
  Index thresholds_per_set() const { return threshold_ == MnnThreshold::kScalar ? 1 : r_; }
  double norm_epsilon() const { return eps_; }

  MnnParams<T>& params() { return params_; }
  const MnnParams<T>& params() const { return params_; }
  MnnParams<T>& grads() { return grads_; }
  train::ParameterList<T> Parameters(int group = 0);

  // y: p x B. Fills `ws` and returns the normalised output (r x B, a reference into ws).
  const Matrix<T>& Forward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws) const;
  // The last x before normalisation (valid after Forward).
  static const Matrix<T>& LastX(const Workspace& ws) { return ws.x.back(); }
  // Adds the gradient of a loss with d loss / d output = `dout` to grads(), using the Forward
  // state in `ws` for the same `y`.
  void Backward(const Eigen::Ref<const Matrix<T>>& y, Workspace& ws, const Matrix<T>& dout);

 private:
  Index Block(int k) const { return tied_ ? 0 : k; }
  Index bands_ = 0, r_ = 0;
  int layers_ = 0;
  bool tied_ = false;
  MnnThreshold threshold_ = MnnThreshold::kScalar;
  double eps_ = 1e-8;
  MnnParams<T> params_, grads_;
};

struct MnnNetOptions {
  int layers = 2;     // K relu updates (the comparison uses 2)
  bool tied = false;  // -1 (true) or -2 (false)
  MnnThreshold threshold = MnnThreshold::kScalar;
  // l1 weight of the ISTA problem the encoder starts from (theta = t lambda). Neither paper
  // fixes it; 1e-3 is the ADMM networks' paper-preset value, so both baselines start from the
  // same sparse regression problem.
  double lambda = 1e-3;
  double norm_epsilon = 1e-8;
  // MNN-BU decoder projection after each step: [decoder_min, decoder_max] (nonnegative by
  // default, unbounded above).
  double decoder_min = 0.0;
  double decoder_max = std::numeric_limits<double>::infinity();
  bool IsValid(std::string* why) const;
};

// Builds an encoder initialised from A (p x r) by ISTA as above.
template <typename T>
MnnEncoder<T> MakeMnnEncoder(const MnnNetOptions& options, const MatrixD& endmembers);

// ApplyEncoder (encoder_nets.hpp) under its MNN name: r x N abundances of pixels (p x N).
template <typename T>
Matrix<T> ApplyMnnEncoder(const MnnEncoder<T>& encoder, const Matrix<T>& pixels, Index block = 1024) {
  return ApplyEncoder(encoder, pixels, block);
}

// MNN-AE (supervised): training pixels Y (p x N) with their abundances X (r x N); loss: the
// same composite loss as AdmmAENet (mean over the batch's pixels).
template <typename T>
using MnnAENet = SupervisedNet<MnnEncoder<T>>;

// MNN-BU (blind): the encoder plus a linear decoder A~ (p x r, parameter group 1) kept in
// [decoder_min, decoder_max]; loss: mean over entries of (A~ x~(y) - y)^2 (ReconstructionMse).
template <typename T>
using MnnBUNet = AutoencoderNet<MnnEncoder<T>>;

}  // namespace unmix::nets
