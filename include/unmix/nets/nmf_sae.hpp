#pragma once
// NMF-SAE (nmf-sae.txt section 2): L1-NMF unrolled into an abundance encoder and an endmember
// decoder, trained on the reconstruction of the training scene, as an objective for
// train::Train.
//
// Fixed inputs: A0 (p x r, e.g. VCA endmembers), S0 (r x N, e.g. FCLS abundances of the N
// training pixels for A0), X (p x N, the training pixels).
// Learned: W1 (r x p), theta (r x 1), W2 (N x r).
//   encoder (eq. (7)), K layers: S_0 = S0,
//     S_{k+1} = zeta(relu(S_k - W1 (A0 S_k - X) - theta 1^T)),
//     zeta divides every column by (its sum + norm_epsilon);
//   decoder (eq. (8)), K layers: A_0 = A0,
//     A_{k+1} = relu(A_k - (A_k S0 - X) W2);
//   loss (eq. (9)): 0.5 |A_K S_K - X|_F^2, a sum over all p N entries; with mean_loss it is
//     divided by p N (learning rates then differ from the paper's by that factor).
// Initialisation (section 3.1): W1 = t_s A0^T with t_s = 1 / |A0^T A0|_2; every entry of theta
// = lambda t_s (the paper: 0.01 t_s, i.e. lambda = 0.01); W2 = t_a S0^T with t_a = 1 / |S0 S0^T|_2.
// The untrained network is thus K proximal-gradient steps on S from S0 (each followed by the
// normalisation) and K projected-gradient steps on A from A0.
// Parameter groups: W1 and theta are group 0 (encoder), W2 is group 1 (decoder); the paper
// uses encoder / decoder learning rates 1e-4 / 5e-4 (synthetic) and 1e-6 / 1e-6 (real data),
// full batch, 1000 iterations, K = 2.
//
// Batching: W2 has one row per training pixel and every decoder layer mixes all pixels, so the
// loss does not split into per-pixel terms. The objective is therefore ONE sample, the whole
// scene: Samples() is 1, Batch() accepts only {0} (OptionError otherwise), and any batch size
// given to train::Train trains full batch, one optimiser step per epoch.
//
// After training: endmembers = A_K (Endmembers()), abundances of the training pixels = S_K
// (Abundances()). New pixels: NmfSaeEncode() runs the trained encoder from given start
// abundances, with A0 or with A_K in the residual (EncoderEndmembers).
#include <span>
#include <string>
#include <vector>

#include "unmix/core/types.hpp"
#include "unmix/train/parameters.hpp"
#include "unmix/train/trainer.hpp"

namespace unmix::nets {

struct NmfSaeOptions {
  int layers = 2;              // K, the same in encoder and decoder (paper: 2)
  double lambda = 0.01;        // initial theta = lambda t_s in every entry (paper: 0.01)
  double norm_epsilon = 1e-8;  // added to every column sum in zeta, so a column thresholded to zero stays 0
  bool mean_loss = false;      // false: eq. (9) as printed (a sum); true: divided by p N
  // Stay-near-start penalty on the decoder's output (not in the paper; 0 = off): adds
  // 0.5 c anchor (N / r) |A_K - A0|_F^2 with c the loss scale (1, or 1 / (p N) with mean_loss),
  // i.e. anchor * mean((A_K - A0)^2) against the reconstruction's mean((A_K S_K - X)^2), the same
  // units as the ADMM and MNN networks' penalty (AutoencoderNet::SetAnchor).
  double anchor = 0;
  bool IsValid(std::string* why) const;
};

// Which endmembers enter the encoder's residual A S_k - X at inference.
enum class EncoderEndmembers {
  kInitial,  // A0, as in training: for the training pixels started at S0 this reproduces S_K
  kLearned,  // the decoder's output A_K (W1 was trained with A0, so this is a substitution)
};

// State of one forward pass, kept for the backward pass. Encoder fields have B columns (the
// pixels passed), decoder fields are per scene.
template <typename T>
struct NmfSaeWorkspace {
  // encoder
  Matrix<T> w1x;                  // W1 X - theta 1^T (r x B): the same in every layer
  Matrix<T> w1a;                  // W1 A (r x r), A the encoder's endmembers
  std::vector<Matrix<T>> s;       // S_0 .. S_K (r x B)
  std::vector<Matrix<T>> pre;     // relu inputs of encoder layers 1..K
  std::vector<Matrix<T>> colsum;  // 1 x B column sums + eps of layers 1..K
  // decoder
  Matrix<T> s0w2, xw2;       // S0 W2 (r x r), X W2 (p x r)
  std::vector<Matrix<T>> a;  // A_0 .. A_K (p x r)
  std::vector<Matrix<T>> q;  // relu inputs of decoder layers 1..K
  // loss and backward
  Matrix<T> resid, ds, da, proj, dz, dpre, gs, gx, dq, ha, hx;
  Matrix<T> w1x_t, ds_t, gx_t;  // transposed products (B x r, p x r)
};

template <typename T>
class NmfSae : public train::Objective<T> {
 public:
  using Workspace = NmfSaeWorkspace<T>;

  // a0: p x r, s0: r x N, pixels: p x N. Throws OptionError for invalid options or sizes,
  // InputError when A0 or S0 is zero or not finite (no step size).
  NmfSae(Matrix<T> initial_endmembers, Matrix<T> initial_abundances, Matrix<T> pixels,
         const NmfSaeOptions& options = {});

  train::ParameterList<T> Parameters() override;
  Index Samples() const override { return 1; }
  T Batch(std::span<const Index> batch) override;

  // Forward pass over the training scene with the current weights; fills `ws` and returns
  // the loss (no gradients).
  T Forward(Workspace& ws) const;
  Matrix<T> Endmembers() const;  // A_K, p x r
  T AnchorWeight() const;        // anchor N / r (the factor of 0.5 c |A_K - A0|^2)
  Matrix<T> Abundances() const;  // S_K, r x N, for the training pixels

  const NmfSaeOptions& options() const { return options_; }
  int layers() const { return options_.layers; }
  Index bands() const { return a0_.rows(); }
  Index endmembers() const { return a0_.cols(); }
  Index pixels() const { return x_.cols(); }
  double step_s() const { return ts_; }  // t_s = 1 / |A0^T A0|_2
  double step_a() const { return ta_; }  // t_a = 1 / |S0 S0^T|_2
  const Matrix<T>& initial_endmembers() const { return a0_; }
  const Matrix<T>& initial_abundances() const { return s0_; }
  const Matrix<T>& training_pixels() const { return x_; }

  Matrix<T>& w1() { return w1_; }
  const Matrix<T>& w1() const { return w1_; }
  Matrix<T>& theta() { return theta_; }
  const Matrix<T>& theta() const { return theta_; }
  Matrix<T>& w2() { return w2_; }
  const Matrix<T>& w2() const { return w2_; }

 private:
  NmfSaeOptions options_;
  Matrix<T> a0_, s0_, x_;
  double ts_ = 0, ta_ = 0;
  Matrix<T> w1_, theta_, w2_;
  Matrix<T> w1_grad_, theta_grad_, w2_grad_;
  Workspace ws_;
};

// Abundances (r x M) of `pixels` (p x M) by the trained encoder started at `start_abundances`
// (r x M; e.g. FCLS for A0 with kInitial, FCLS for A_K with kLearned, computed by the caller).
// Runs in parallel blocks of `block` pixels.
template <typename T>
Matrix<T> NmfSaeEncode(const NmfSae<T>& net, const Matrix<T>& pixels, const Matrix<T>& start_abundances,
                       EncoderEndmembers which, Index block = 1024);

}  // namespace unmix::nets
