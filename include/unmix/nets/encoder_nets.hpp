#pragma once
// The two training objectives every unrolled encoder family shares, written once over the
// encoder type (AdmmEncoder, MnnEncoder):
//  * SupervisedNet: pixels with their abundances, composite loss (u-admm-nets.txt eq. (13));
//  * AutoencoderNet: the encoder plus a linear decoder A~ (p x r, parameter group 1) kept in
//    [decoder_min, decoder_max] after every step; loss: mean over entries of (A~ x~(y) - y)^2.
// An encoder provides: Scalar, Workspace, bands(), endmembers(), Parameters(group),
// Forward(y, ws) -> const Matrix& (r x B), Backward(y, ws, dout).
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>

#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"
#include "unmix/nets/losses.hpp"
#include "unmix/train/trainer.hpp"

namespace unmix::nets {

// Copies the columns `batch` of `src` into `dst` (resized only when the batch size changes).
// The columns are scattered over the training set, so each copy would wait on memory: the
// column two ahead is prefetched while the current one is copied.
template <typename T>
void GatherColumns(const Matrix<T>& src, std::span<const Index> batch, Matrix<T>& dst) {
  const Index rows = src.rows();
  dst.resize(rows, static_cast<Index>(batch.size()));
  constexpr size_t kAhead = 2;
  constexpr Index kLine = 64 / static_cast<Index>(sizeof(T));
  for (size_t j = 0; j < batch.size(); ++j) {
    if (j + kAhead < batch.size()) {
      const T* next = src.data() + batch[j + kAhead] * rows;
      for (Index e = 0; e < rows; e += kLine) __builtin_prefetch(next + e);
    }
    std::copy_n(src.data() + batch[j] * rows, rows, dst.data() + static_cast<Index>(j) * rows);
  }
}

inline std::string Shape(const auto& m) { return std::to_string(m.rows()) + " x " + std::to_string(m.cols()); }

template <typename Encoder>
class SupervisedNet : public train::Objective<typename Encoder::Scalar> {
 public:
  using T = typename Encoder::Scalar;
  SupervisedNet(Encoder encoder, Matrix<T> pixels, Matrix<T> abundances, CompositeLossWeights weights = {},
                AadOptions aad = {}, double aid_epsilon = 1e-8)
      : encoder_(std::move(encoder)),
        y_(std::move(pixels)),
        x_(std::move(abundances)),
        weights_(weights),
        aad_(aad),
        aid_epsilon_(aid_epsilon) {
    if (y_.rows() != encoder_.bands() || x_.rows() != encoder_.endmembers() || y_.cols() != x_.cols())
      throw OptionError("supervised network: pixels " + Shape(y_) + " and abundances " + Shape(x_) +
                        " do not fit a network for " + std::to_string(encoder_.bands()) + " bands, " +
                        std::to_string(encoder_.endmembers()) + " endmembers");
  }
  train::ParameterList<T> Parameters() override { return encoder_.Parameters(0); }
  Index Samples() const override { return y_.cols(); }
  // Residual resampling (off by default; the papers train on the pixels as given): every batch
  // pixel j becomes A_fit x_j + e_k, where A_fit is the least-squares fit Y ~ A X of the
  // training pairs and e_k the fit residual of a training pixel k drawn at random. The clean
  // part stays on the linear model and the noise is real noise of this scene, but never the same
  // pixel's noise twice, so the encoder cannot memorise it. Seeded: same seed, same batches.
  void EnableResidualResampling(std::uint64_t seed) {
    a_fit_ = x_.transpose().colPivHouseholderQr().solve(y_.transpose()).transpose();
    residual_ = y_ - a_fit_ * x_;
    rng_ = Rng(seed ^ 0x7265736964756c73ULL);
    resample_ = true;
  }
  bool resampling() const { return resample_; }
  T Batch(std::span<const Index> batch) override {
    GatherColumns(x_, batch, xb_);
    if (resample_) {
      yb_.noalias() = a_fit_ * xb_;
      const auto n = static_cast<std::uint64_t>(residual_.cols());
      for (Index j = 0; j < yb_.cols(); ++j) yb_.col(j) += residual_.col(static_cast<Index>(rng_.Below(n)));
    } else {
      GatherColumns(y_, batch, yb_);
    }
    const Matrix<T>& out = encoder_.Forward(yb_, ws_);
    dout_.setZero(out.rows(), out.cols());
    const T loss = CompositeLoss(xb_, out, &dout_, weights_, aad_, aid_epsilon_);
    encoder_.Backward(yb_, ws_, dout_);
    return loss;
  }
  Encoder& encoder() { return encoder_; }
  const Encoder& encoder() const { return encoder_; }

 private:
  Encoder encoder_;
  Matrix<T> y_, x_;
  CompositeLossWeights weights_;
  AadOptions aad_;
  double aid_epsilon_;
  typename Encoder::Workspace ws_;
  Matrix<T> yb_, xb_, dout_;
  bool resample_ = false;
  Matrix<T> a_fit_, residual_;
  Rng rng_{0};
};

template <typename Encoder>
class AutoencoderNet : public train::Objective<typename Encoder::Scalar> {
 public:
  using T = typename Encoder::Scalar;
  AutoencoderNet(Encoder encoder, Matrix<T> decoder, Matrix<T> pixels, double decoder_min = 0.0,
                 double decoder_max = std::numeric_limits<double>::infinity())
      : encoder_(std::move(encoder)),
        decoder_(std::move(decoder)),
        y_(std::move(pixels)),
        lo_(decoder_min),
        hi_(decoder_max) {
    if (decoder_.rows() != encoder_.bands() || decoder_.cols() != encoder_.endmembers() ||
        y_.rows() != encoder_.bands())
      throw OptionError("autoencoder: the decoder or pixels do not fit the encoder's size");
    if (std::isnan(lo_) || std::isnan(hi_) || !(lo_ <= hi_))
      throw OptionError("autoencoder: decoder_min must be <= decoder_max");
    decoder_grad_.setZero(decoder_.rows(), decoder_.cols());
    Project();
  }
  train::ParameterList<T> Parameters() override {
    auto p = encoder_.Parameters(0);
    p.push_back({"decoder.A", &decoder_, &decoder_grad_, 1});
    return p;
  }
  Index Samples() const override { return y_.cols(); }
  // Reconstruction loss: squared error (the papers') or the mean spectral angle in radians
  // between each pixel and its reconstruction (AadLoss on spectra), which ignores each pixel's
  // brightness: abundances summing to one cannot follow illumination, and a squared error pays
  // the decoder to bend its endmembers for it.
  enum class Loss { kSquaredError, kSpectralAngle };
  void SetLoss(Loss loss) { loss_ = loss; }
  Loss loss() const { return loss_; }
  // Scaled linear mixing (off: the papers' decoder). Each pixel is reconstructed as s_j A x_j
  // with its own scale s_j = max(0, <y_j, A x_j>) / |A x_j|^2, the least-squares scale, so
  // illumination and topography are fitted by s_j and not by moving the endmembers. Since s_j
  // is optimal, the gradient with respect to u_j = A x_j is 2 s_j (s_j u_j - y_j) (the s_j
  // derivative term vanishes). With the squared-error loss only.
  void SetScaledMixing(bool on) { scaled_ = on; }
  bool scaled_mixing() const { return scaled_; }
  // Stay-near-start penalty (off: weight 0). Adds weight * mean over entries of (A - A0)^2 to
  // every batch loss, in the units of the reconstruction error (both are mean squares of data
  // values), so weight 1 prices moving an endmember by d in every band like a misfit of d in
  // every pixel.
  void SetAnchor(Matrix<T> start, double weight) {
    if (start.rows() != decoder_.rows() || start.cols() != decoder_.cols())
      throw OptionError("autoencoder: the anchor endmembers do not fit the decoder's size");
    if (!(weight >= 0) || !std::isfinite(weight)) throw OptionError("autoencoder: the anchor weight must be >= 0");
    anchor_ = std::move(start);
    anchor_weight_ = weight;
  }
  double anchor_weight() const { return anchor_weight_; }

  T Batch(std::span<const Index> batch) override {
    GatherColumns(y_, batch, yb_);
    const Matrix<T>& out = encoder_.Forward(yb_, ws_);
    const T penalty = AnchorPenalty();
    if (loss_ == Loss::kSpectralAngle) return AngleBatch(out) + penalty;
    if (scaled_) return ScaledBatch(out) + penalty;
    // ReconstructionMse written out so the residual is formed in place and its gradient scale
    // 2 / (p B) rides inside the two products instead of a separate pass.
    resid_.noalias() = decoder_ * out;
    resid_ -= yb_;
    const T entries = static_cast<T>(std::max<Index>(resid_.size(), 1));
    const T loss = resid_.squaredNorm() / entries + penalty;
    const T scale = T(2) / entries;
    decoder_grad_.noalias() += scale * resid_ * out.transpose();
    // A^T R as (R^T A)^T: the GEMM blocks fit a B x r result far better than an r x B one.
    dout_t_.noalias() = scale * resid_.transpose() * decoder_;
    dout_ = dout_t_.transpose();
    encoder_.Backward(yb_, ws_, dout_);
    return loss;
  }
  // An infinite bound converts to an infinite T, so [0, inf) leaves the upper side untouched.
  void Project() override { decoder_ = decoder_.cwiseMax(static_cast<T>(lo_)).cwiseMin(static_cast<T>(hi_)); }

  Encoder& encoder() { return encoder_; }
  const Encoder& encoder() const { return encoder_; }
  const Matrix<T>& decoder() const { return decoder_; }
  Matrix<T>& decoder() { return decoder_; }

 private:
  Encoder encoder_;
  Matrix<T> decoder_, decoder_grad_;
  Matrix<T> y_;
  double lo_, hi_;
  typename Encoder::Workspace ws_;
  Matrix<T> yb_, resid_, dout_, dout_t_;
  T AngleBatch(const Matrix<T>& out) {
    angle_yhat_.noalias() = decoder_ * out;
    angle_grad_.setZero(angle_yhat_.rows(), angle_yhat_.cols());
    const T loss = AadLoss(yb_, angle_yhat_, &angle_grad_, T(1), AadOptions{AngleUnit::kRadians});
    decoder_grad_.noalias() += angle_grad_ * out.transpose();
    angle_dout_.noalias() = decoder_.transpose() * angle_grad_;
    encoder_.Backward(yb_, ws_, angle_dout_);
    return loss;
  }
  // weight * mean((A - A0)^2) and its gradient into decoder_grad_.
  T AnchorPenalty() {
    if (anchor_weight_ <= 0) return T(0);
    const T entries = static_cast<T>(std::max<Index>(decoder_.size(), 1));
    const T w = static_cast<T>(anchor_weight_);
    decoder_grad_.noalias() += (T(2) * w / entries) * (decoder_ - anchor_);
    return w * (decoder_ - anchor_).squaredNorm() / entries;
  }
  T ScaledBatch(const Matrix<T>& out) {
    resid_.noalias() = decoder_ * out;  // u = A x, then s u - y in place
    const T entries = static_cast<T>(std::max<Index>(resid_.size(), 1));
    scales_.resize(resid_.cols());
    for (Index j = 0; j < resid_.cols(); ++j) {
      const T uu = resid_.col(j).squaredNorm();
      const T s = uu > T(0) ? std::max(T(0), resid_.col(j).dot(yb_.col(j))) / uu : T(0);
      scales_[j] = s;
      resid_.col(j) = s * resid_.col(j) - yb_.col(j);
    }
    const T loss = resid_.squaredNorm() / entries;
    // dL/du_j = 2 s_j r_j / entries: the residual weighted by its pixel's scale.
    for (Index j = 0; j < resid_.cols(); ++j) resid_.col(j) *= T(2) * scales_[j] / entries;
    decoder_grad_.noalias() += resid_ * out.transpose();
    dout_t_.noalias() = resid_.transpose() * decoder_;
    dout_ = dout_t_.transpose();
    encoder_.Backward(yb_, ws_, dout_);
    return loss;
  }
  Loss loss_ = Loss::kSquaredError;
  Matrix<T> angle_yhat_, angle_grad_, angle_dout_;
  bool scaled_ = false;
  Vector<T> scales_;
  Matrix<T> anchor_;
  double anchor_weight_ = 0;
};

// Applies a trained encoder to pixels (p x N) in blocks of `block` pixels, in parallel; r x N.
// Memory beyond the pixels and the result: one block's workspace per thread. Blocks are handed
// out dynamically, so a thread on a busy core does not hold up the others; every block is
// computed the same way whichever thread takes it, so the result does not depend on the
// schedule or the thread count. 1024 pixels keep a block's intermediates in L2.
template <typename Encoder>
Matrix<typename Encoder::Scalar> ApplyEncoder(const Encoder& encoder, const Matrix<typename Encoder::Scalar>& pixels,
                                              Index block = 1024) {
  if (pixels.rows() != encoder.bands())
    throw OptionError("encoder: pixels have " + std::to_string(pixels.rows()) + " bands, the network " +
                      std::to_string(encoder.bands()));
  if (block < 1) throw OptionError("encoder: the block size must be positive");
  const Index n = pixels.cols();
  Matrix<typename Encoder::Scalar> out(encoder.endmembers(), n);
  const Index blocks = (n + block - 1) / block;
#pragma omp parallel
  {
    typename Encoder::Workspace ws;
#pragma omp for schedule(dynamic)
    for (Index b = 0; b < blocks; ++b) {
      const Index s = b * block, len = std::min(block, n - s);
      out.middleCols(s, len) = encoder.Forward(pixels.middleCols(s, len), ws);
    }
  }
  return out;
}

}  // namespace unmix::nets
