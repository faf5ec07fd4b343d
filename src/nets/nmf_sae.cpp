#include "unmix/nets/nmf_sae.hpp"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "unmix/core/error.hpp"

namespace unmix::nets {

namespace {

// Largest eigenvalue of the r x r Gram matrix g (= its spectral norm), in double.
double SpectralNorm(const MatrixD& g) {
  const Eigen::SelfAdjointEigenSolver<MatrixD> es(g, Eigen::EigenvaluesOnly);
  return es.eigenvalues().maxCoeff();
}

// Encoder layers from s_0 = s0 with endmembers `a` in the residual. The layer is rewritten as
//   pre = S_k - (W1 A) S_k + (W1 X - theta 1^T),
// so X and A enter through one product each per pass instead of one per layer.
template <typename T>
void EncoderForward(const Matrix<T>& w1, const Matrix<T>& theta, const Eigen::Ref<const Matrix<T>>& a,
                    const Eigen::Ref<const Matrix<T>>& x, const Eigen::Ref<const Matrix<T>>& s0, int layers, double eps,
                    NmfSaeWorkspace<T>& ws) {
  const auto K = static_cast<size_t>(layers);
  ws.s.resize(K + 1);
  ws.pre.resize(K);
  ws.colsum.resize(K);
  // W1 X as (X^T W1^T)^T: the GEMM blocks fit a B x r result far better than an r x B one.
  ws.w1x_t.noalias() = x.transpose() * w1.transpose();
  ws.w1x = ws.w1x_t.transpose();
  ws.w1x.colwise() -= theta.col(0);
  ws.w1a.noalias() = w1 * a;
  ws.s[0] = s0;
  for (size_t k = 0; k < K; ++k) {
    auto& pre = ws.pre[k];
    pre = ws.w1x + ws.s[k];
    pre.noalias() -= ws.w1a * ws.s[k];
    auto& next = ws.s[k + 1];
    next = pre.cwiseMax(T(0));
    ws.colsum[k] = next.colwise().sum().array() + static_cast<T>(eps);
    next.array().rowwise() /= ws.colsum[k].row(0).array();
  }
}

// Decoder layers from A0. Rewritten as A_{k+1} = relu(A_k - A_k (S0 W2) + X W2), so the N-sized
// products are done once per pass.
template <typename T>
void DecoderForward(const Matrix<T>& w2, const Matrix<T>& a0, const Matrix<T>& s0, const Matrix<T>& x, int layers,
                    NmfSaeWorkspace<T>& ws) {
  const auto K = static_cast<size_t>(layers);
  ws.a.resize(K + 1);
  ws.q.resize(K);
  ws.s0w2.noalias() = s0 * w2;
  ws.xw2.noalias() = x * w2;
  ws.a[0] = a0;
  for (size_t k = 0; k < K; ++k) {
    auto& q = ws.q[k];
    q = ws.xw2 + ws.a[k];
    q.noalias() -= ws.a[k] * ws.s0w2;
    ws.a[k + 1] = q.cwiseMax(T(0));
  }
}

}  // namespace

bool NmfSaeOptions::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (layers < 1) return fail(fmt::format("layers must be >= 1 (got {})", layers));
  if (!(lambda >= 0) || !std::isfinite(lambda)) return fail("lambda must be finite and >= 0");
  if (!(norm_epsilon >= 0) || !std::isfinite(norm_epsilon)) return fail("the normalisation epsilon must be >= 0");
  if (!(anchor >= 0) || !std::isfinite(anchor)) return fail("the anchor weight must be finite and >= 0");
  return true;
}

template <typename T>
NmfSae<T>::NmfSae(Matrix<T> a0, Matrix<T> s0, Matrix<T> pixels, const NmfSaeOptions& options)
    : options_(options), a0_(std::move(a0)), s0_(std::move(s0)), x_(std::move(pixels)) {
  std::string why;
  if (!options_.IsValid(&why)) throw OptionError("NMF-SAE: " + why);
  const Index p = a0_.rows(), r = a0_.cols(), n = x_.cols();
  if (p < 1 || r < 1 || n < 1) throw OptionError("NMF-SAE: bands, endmembers and pixels must be positive");
  if (x_.rows() != p || s0_.rows() != r || s0_.cols() != n)
    throw OptionError(
        fmt::format("NMF-SAE: endmembers {} x {}, abundances {} x {} and pixels {} x {} do not fit "
                    "(expected p x r, r x N, p x N)",
                    p, r, s0_.rows(), s0_.cols(), x_.rows(), n));
  if (!a0_.allFinite() || !s0_.allFinite() || !x_.allFinite())
    throw InputError("NMF-SAE: the initial endmembers, abundances or pixels are not finite");
  const MatrixD a0d = a0_.template cast<double>(), s0d = s0_.template cast<double>();
  const double ga = SpectralNorm(a0d.transpose() * a0d), gs = SpectralNorm(s0d * s0d.transpose());
  if (!(ga > 0)) throw InputError("NMF-SAE: the initial endmembers are all zero");
  if (!(gs > 0)) throw InputError("NMF-SAE: the initial abundances are all zero");
  ts_ = 1.0 / ga;
  ta_ = 1.0 / gs;
  w1_ = (ts_ * a0d.transpose()).template cast<T>();
  theta_ = Matrix<T>::Constant(r, 1, static_cast<T>(options_.lambda * ts_));
  w2_ = (ta_ * s0d.transpose()).template cast<T>();
  w1_grad_.setZero(r, p);
  theta_grad_.setZero(r, 1);
  w2_grad_.setZero(n, r);
}

template <typename T>
train::ParameterList<T> NmfSae<T>::Parameters() {
  return {{"encoder.W1", &w1_, &w1_grad_, 0},
          {"encoder.theta", &theta_, &theta_grad_, 0},
          {"decoder.W2", &w2_, &w2_grad_, 1}};
}

template <typename T>
T NmfSae<T>::Forward(Workspace& ws) const {
  const int K = options_.layers;
  EncoderForward<T>(w1_, theta_, a0_, x_, s0_, K, options_.norm_epsilon, ws);
  DecoderForward(w2_, a0_, s0_, x_, K, ws);
  ws.resid.noalias() = ws.a.back() * ws.s.back();
  ws.resid -= x_;
  const T scale = options_.mean_loss ? static_cast<T>(1.0 / (static_cast<double>(x_.size()))) : T(1);
  T loss = T(0.5) * scale * ws.resid.squaredNorm();
  if (options_.anchor > 0) loss += T(0.5) * scale * AnchorWeight() * (ws.a.back() - a0_).squaredNorm();
  return loss;
}

template <typename T>
T NmfSae<T>::AnchorWeight() const {
  return static_cast<T>(options_.anchor * static_cast<double>(x_.cols()) / static_cast<double>(a0_.cols()));
}

template <typename T>
T NmfSae<T>::Batch(std::span<const Index> batch) {
  if (batch.size() != 1 || batch[0] != 0)
    throw OptionError("NMF-SAE trains on the whole scene as one sample: Batch() takes only {0} (full batch)");
  Workspace& ws = ws_;
  const T loss = Forward(ws);
  const auto K = static_cast<size_t>(options_.layers);
  const T scale = options_.mean_loss ? static_cast<T>(1.0 / (static_cast<double>(x_.size()))) : T(1);
  // L = 0.5 c |A_K S_K - X|^2: dL/dS_K = c A_K^T R, dL/dA_K = c R S_K^T.
  ws.resid *= scale;
  ws.ds_t.noalias() = ws.resid.transpose() * ws.a.back();  // tall side first, as in EncoderForward
  ws.ds = ws.ds_t.transpose();
  ws.da.noalias() = ws.resid * ws.s.back().transpose();
  if (options_.anchor > 0) ws.da += (scale * AnchorWeight()) * (ws.a.back() - a0_);

  // Encoder. Per layer, with pre = S_k - M S_k + W1 X - theta 1^T (M = W1 A0):
  // d pre feeds theta (-row sums), W1 via -dpre (A0 S_k - X)^T, and S_k via (I - M)^T dpre.
  // The W1 terms are summed over layers first: sum_k dpre_k S_k^T (gs) and sum_k dpre_k (gx).
  const Index r = endmembers();
  ws.gs.setZero(r, r);
  ws.gx.setZero(r, x_.cols());
  for (size_t k = K; k-- > 0;) {
    // zeta: out = z / c, c = 1^T z + eps: dz = (g - <g, out>) / c per column.
    ws.proj = ws.ds.cwiseProduct(ws.s[k + 1]).colwise().sum();
    ws.dz = (ws.ds.rowwise() - ws.proj.row(0)).array().rowwise() / ws.colsum[k].row(0).array();
    ws.dpre = (ws.pre[k].array() > T(0)).select(ws.dz, T(0));
    ws.gx += ws.dpre;
    ws.gs.noalias() += ws.dpre * ws.s[k].transpose();
    if (k > 0) {
      ws.ds = ws.dpre;
      ws.ds.noalias() -= ws.w1a.transpose() * ws.dpre;
    }
  }
  theta_grad_ -= ws.gx.rowwise().sum();
  ws.gx_t.noalias() = x_ * ws.gx.transpose();  // (gx X^T)^T, tall side first
  w1_grad_ += ws.gx_t.transpose();
  w1_grad_.noalias() -= ws.gs * a0_.transpose();

  // Decoder. Per layer, with q = A_k - A_k (S0 W2) + X W2: dq feeds W2 via
  // -(A_k S0 - X)^T dq = X^T dq - S0^T A_k^T dq, and A_k via dq (I - S0 W2)^T.
  // Summed over layers first: sum_k dq_k (hx) and sum_k A_k^T dq_k (ha).
  ws.ha.setZero(r, r);
  ws.hx.setZero(bands(), r);
  for (size_t k = K; k-- > 0;) {
    ws.dq = (ws.q[k].array() > T(0)).select(ws.da, T(0));
    ws.hx += ws.dq;
    ws.ha.noalias() += ws.a[k].transpose() * ws.dq;
    if (k > 0) {
      ws.da = ws.dq;
      ws.da.noalias() -= ws.dq * ws.s0w2.transpose();
    }
  }
  w2_grad_.noalias() += x_.transpose() * ws.hx;
  w2_grad_.noalias() -= s0_.transpose() * ws.ha;
  return loss;
}

template <typename T>
Matrix<T> NmfSae<T>::Endmembers() const {
  Workspace ws;
  DecoderForward(w2_, a0_, s0_, x_, options_.layers, ws);
  return ws.a.back();
}

template <typename T>
Matrix<T> NmfSae<T>::Abundances() const {
  Workspace ws;
  EncoderForward<T>(w1_, theta_, a0_, x_, s0_, options_.layers, options_.norm_epsilon, ws);
  return ws.s.back();
}

template <typename T>
Matrix<T> NmfSaeEncode(const NmfSae<T>& net, const Matrix<T>& pixels, const Matrix<T>& start, EncoderEndmembers which,
                       Index block) {
  if (pixels.rows() != net.bands())
    throw OptionError(fmt::format("NMF-SAE encoder: pixels have {} bands, the network {}", pixels.rows(), net.bands()));
  if (start.rows() != net.endmembers() || start.cols() != pixels.cols())
    throw OptionError(fmt::format("NMF-SAE encoder: start abundances are {} x {}, expected {} x {}", start.rows(),
                                  start.cols(), net.endmembers(), pixels.cols()));
  if (block < 1) throw OptionError("NMF-SAE encoder: the block size must be positive");
  const Matrix<T> a = which == EncoderEndmembers::kInitial ? net.initial_endmembers() : net.Endmembers();
  const Index n = pixels.cols();
  Matrix<T> out(net.endmembers(), n);
  const Index blocks = (n + block - 1) / block;
#pragma omp parallel
  {
    NmfSaeWorkspace<T> ws;
#pragma omp for schedule(dynamic)  // blocks are independent: any schedule, same result
    for (Index b = 0; b < blocks; ++b) {
      const Index s = b * block, len = std::min(block, n - s);
      EncoderForward<T>(net.w1(), net.theta(), a, pixels.middleCols(s, len), start.middleCols(s, len), net.layers(),
                        net.options().norm_epsilon, ws);
      out.middleCols(s, len) = ws.s.back();
    }
  }
  return out;
}

template class NmfSae<float>;
template class NmfSae<double>;
template Matrix<float> NmfSaeEncode<float>(const NmfSae<float>&, const Matrix<float>&, const Matrix<float>&,
                                           EncoderEndmembers, Index);
template Matrix<double> NmfSaeEncode<double>(const NmfSae<double>&, const Matrix<double>&, const Matrix<double>&,
                                             EncoderEndmembers, Index);

}  // namespace unmix::nets
