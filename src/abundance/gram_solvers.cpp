// FCLS, NNLS and least squares on the Gram form, and their shared active-set kernel.
#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>

#include "abundance/classical_internal.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/abundance/least_squares.hpp"
#include "unmix/abundance/nnls.hpp"

namespace unmix {
namespace detail {

GramMatrix MakeGram(const MatrixD& a, double relative_threshold) {
  GramMatrix gram;
  const Index r = a.cols();
  SerialEigen([&] {
    gram.g.noalias() = a.transpose() * a;
    Eigen::SelfAdjointEigenSolver<MatrixD> eig(gram.g, Eigen::EigenvaluesOnly);
    gram.lambda_min = std::max(0.0, eig.eigenvalues()(0));
    gram.lambda_max = std::max(0.0, eig.eigenvalues()(r - 1));
  });
  if (gram.lambda_max <= 0.0) {
    gram.ridge = 1.0;  // A == 0: any positive ridge; the data term is constant anyway
  } else if (gram.lambda_min <= relative_threshold * gram.lambda_max) {
    gram.ridge = relative_threshold * gram.lambda_max;
  }
  gram.g.diagonal().array() += gram.ridge;
  gram.scale = std::max(gram.g.diagonal().maxCoeff(), std::numeric_limits<double>::min());
  SerialEigen([&] {
    const Eigen::LLT<MatrixD> llt(gram.g);
    gram.inverse = llt.solve(MatrixD::Identity(r, r));
  });
  gram.inverse_ones = gram.inverse.rowwise().sum();
  gram.ones_inverse_ones = gram.inverse_ones.sum();
  return gram;
}

namespace {

// Solves the equality-constrained subproblem on the free set P (size np):
//   G_PP z = b_P - nu 1, with 1^T z = 1 when sum_to_one (else nu = 0).
// Returns false if G_PP is not numerically positive definite.
bool SolveFreeSet(const GramMatrix& gram, const double* b, bool sum_to_one, Index np, ActiveSetWorkspace& ws) {
  const Index r = gram.g.rows();
  const double* g = gram.g.data();
  double* f = ws.factor.data();
  const Index* p = ws.passive.data();
  for (Index j = 0; j < np; ++j)
    for (Index i = j; i < np; ++i) f[i + j * r] = g[p[i] + p[j] * r];
  if (!Cholesky(f, np, r)) return false;
  for (Index i = 0; i < np; ++i) ws.z[i] = b[p[i]];
  CholeskySolve(f, np, r, ws.z.data());
  if (sum_to_one) {
    for (Index i = 0; i < np; ++i) ws.w[i] = 1.0;
    CholeskySolve(f, np, r, ws.w.data());
    double sz = 0.0, sw = 0.0;
    for (Index i = 0; i < np; ++i) {
      sz += ws.z[i];
      sw += ws.w[i];
    }
    if (!(sw > 0.0)) return false;
    const double nu = (sz - 1.0) / sw;
    for (Index i = 0; i < np; ++i) ws.z[i] -= nu * ws.w[i];
  }
  for (Index i = 0; i < np; ++i)
    if (!std::isfinite(ws.z[i])) return false;
  return true;
}

}  // namespace

ActiveSetOutcome SolveActiveSet(const GramMatrix& gram, const double* b, bool sum_to_one, double tolerance,
                                int max_iterations, ActiveSetWorkspace& ws, double* x) {
  const Index r = gram.g.rows();
  const double* g = gram.g.data();
  double bmax = 0.0;
  for (Index i = 0; i < r; ++i) bmax = std::max(bmax, std::abs(b[i]));
  const double scale = std::max(gram.scale, bmax);
  const double threshold = -tolerance * scale;

  Index* p = ws.passive.data();
  Index np = 0;
  ActiveSetOutcome out;

  // Shortcut: if the solution with every index free is strictly positive, no bound is active and
  // it satisfies the KKT conditions as it stands (one r x r product with the stored inverse).
  {
    double* z = ws.z.data();
    const double* inv = gram.inverse.data();
    bool positive = true;
    for (Index i = 0; i < r; ++i) z[i] = 0.0;
    for (Index j = 0; j < r; ++j)
      for (Index i = 0; i < r; ++i) z[i] += inv[i + j * r] * b[j];
    if (sum_to_one) {
      double sz = 0.0;
      for (Index i = 0; i < r; ++i) sz += z[i];
      const double nu = (sz - 1.0) / gram.ones_inverse_ones;
      for (Index i = 0; i < r; ++i) z[i] -= nu * gram.inverse_ones(i);
    }
    for (Index i = 0; i < r; ++i) positive &= z[i] > 0.0 && std::isfinite(z[i]);
    if (positive) {
      std::copy(z, z + r, x);
      out.iterations = 1;
      out.converged = true;
      return out;
    }
  }

  std::fill(x, x + r, 0.0);
  if (sum_to_one) {
    // Feasible start: the best vertex of the simplex.
    Index best = 0;
    double best_value = std::numeric_limits<double>::infinity();
    for (Index k = 0; k < r; ++k) {
      const double value = 0.5 * g[k + k * r] - b[k];
      if (value < best_value) best_value = value, best = k;
    }
    x[best] = 1.0;
    p[np++] = best;
  }

  bool stop = false;
  for (;;) {
    // Gradient g = G x - b (x is zero off the free set) and the equality multiplier nu, which
    // makes g_i + nu = 0 on the free set.
    double* grad = ws.grad.data();
    for (Index i = 0; i < r; ++i) grad[i] = -b[i];
    for (Index k = 0; k < np; ++k) {
      const Index j = p[k];
      const double xj = x[j];
      for (Index i = 0; i < r; ++i) grad[i] += g[i + j * r] * xj;
    }
    double nu = 0.0;
    if (sum_to_one && np > 0) {
      for (Index k = 0; k < np; ++k) nu -= grad[p[k]];
      nu /= static_cast<double>(np);
    }
    // The most negative multiplier off the free set (x_i == 0 exactly off the free set).
    Index enter = -1;
    double most_negative = 0.0;
    for (Index i = 0; i < r; ++i) {
      if (x[i] != 0.0) continue;  // invariant: x > 0 exactly on the free set
      const double multiplier = grad[i] + nu;
      if (multiplier < most_negative) most_negative = multiplier, enter = i;
    }
    out.kkt_violation = -most_negative / scale;
    if (most_negative >= threshold) {
      out.converged = true;
      break;
    }
    if (stop || out.iterations >= max_iterations) break;

    p[np++] = enter;
    // Inner loop: move towards the subproblem solution on the free set, dropping indices that hit
    // zero, until that solution is strictly positive.
    for (;;) {
      ++out.iterations;
      if (!SolveFreeSet(gram, b, sum_to_one, np, ws)) {
        // Only possible for a nearly singular G that escaped the ridge: keep the last iterate.
        if (p[np - 1] == enter && x[enter] == 0.0) --np;
        stop = true;
        break;
      }
      bool positive = true;
      for (Index k = 0; k < np; ++k) positive &= ws.z[k] > 0.0;
      if (positive) {
        for (Index k = 0; k < np; ++k) x[p[k]] = ws.z[k];
        break;
      }
      double alpha = 1.0;
      Index blocking = -1;
      for (Index k = 0; k < np; ++k) {
        if (ws.z[k] > 0.0) continue;
        const double xk = x[p[k]];
        const double denominator = xk - ws.z[k];
        const double step = denominator > 0.0 ? xk / denominator : 0.0;
        if (blocking < 0 || step < alpha) alpha = step, blocking = k;
      }
      if (alpha <= 0.0 && p[blocking] == enter) {
        // The entering index cannot move: its multiplier was only rounding noise. Stop here
        // rather than cycle; the iterate is feasible and the outer check reports the violation.
        --np;
        stop = true;
        break;
      }
      for (Index k = 0; k < np; ++k) x[p[k]] += alpha * (ws.z[k] - x[p[k]]);
      x[p[blocking]] = 0.0;
      Index kept = 0;
      for (Index k = 0; k < np; ++k) {
        if (x[p[k]] > 0.0) {
          p[kept++] = p[k];
        } else {
          x[p[k]] = 0.0;
        }
      }
      np = kept;
      if (out.iterations >= max_iterations) break;
    }
  }
  if (!out.converged) out.kkt_violation = std::max(out.kkt_violation, 0.0);
  return out;
}

void SummarizeGramSolve(const GramMatrix& gram, Index p, Index n, double rss, const Stopwatch& clock,
                        AbundanceSummary* summary) {
  AbundanceSummary& sm = *summary;
  sm.bands = p;
  sm.endmembers = gram.g.rows();
  sm.pixels = n;
  sm.regularized = gram.ridge > 0.0;
  sm.ridge = gram.ridge;
  sm.gram_rcond = gram.lambda_max > 0.0 ? gram.lambda_min / gram.lambda_max : 0.0;
  sm.rmse = Rmse(rss, p, n);
  sm.seconds = clock.seconds();
}

template <typename Scalar>
void ValidateUnmixingInputs(const Matrix<Scalar>& a, const Matrix<Scalar>& y, const std::string& method) {
  if (a.cols() < 1) throw OptionError(method + ": need at least one endmember (r >= 1)");
  if (a.rows() < 1) throw InputError(method + ": endmember matrix has no bands");
  if (a.rows() != y.rows())
    throw InputError(fmt::format("{}: endmembers have {} bands but pixels have {}", method, a.rows(), y.rows()));
  CheckFinite(a, method + ": endmember matrix");
  CheckFinite(y, method + ": pixel matrix");
}

template <typename Scalar>
double ResidualSumOfSquares(const MatrixD& a, const Matrix<Scalar>& y, const MatrixD& x, int num_threads) {
  struct Workspace {
    MatrixD buffer, residual;
  };
  const Index p = a.rows();
  double total = 0.0;
  ReduceBlocks(
      y.cols(), num_threads, 0.0,
      [&] {
        return Workspace{MatrixD(p, kPixelBlock), MatrixD(p, kPixelBlock)};
      },
      [&](Workspace& ws, double& partial, Index start, Index len) {
        const auto yb = DoubleColumns(y, start, len, ws.buffer);
        auto res = ws.residual.leftCols(len);
        res.noalias() = yb;
        res.noalias() -= a * x.middleCols(start, len);
        partial += res.squaredNorm();
      },
      [](double& t, const double& v) { t += v; }, &total);
  return total;
}

template <typename Scalar>
Matrix<Scalar> SolveAllActiveSet(const Matrix<Scalar>& a_in, const Matrix<Scalar>& y, bool sum_to_one, double tolerance,
                                 int max_iterations, double gram_regularization, int num_threads,
                                 AbundanceSummary* summary) {
  const Stopwatch clock;
  const Index p = a_in.rows(), r = a_in.cols(), n = y.cols();
  const int threads = ResolveThreads(num_threads);
  const GramMatrix gram = MakeGram(a_in.template cast<double>(), gram_regularization);

  Matrix<Scalar> x(r, n);
  const Index blocks = (n + kPixelBlock - 1) / kPixelBlock;
  struct BlockStats {
    long long iterations = 0;
    int max_iterations = 0;
    Index unconverged = 0;
    double max_violation = 0.0;
    double rss = 0.0;
  };
  std::vector<BlockStats> stats(static_cast<std::size_t>(blocks));
  ForEachBlock(
      n, kPixelBlock, threads, [&] { return BlockWorkspace<Scalar>(p, r); },
      [&](BlockWorkspace<Scalar>& ws, Index start, Index len) {
        const auto yb = y.middleCols(start, len);
        auto atb = ws.AtY(a_in, yb);
        auto xb = ws.x.leftCols(len);
        BlockStats& s = stats[static_cast<std::size_t>(start / kPixelBlock)];
        for (Index j = 0; j < len; ++j) {
          const ActiveSetOutcome o = SolveActiveSet(gram, atb.col(j).data(), sum_to_one, tolerance, max_iterations,
                                                    ws.active, xb.col(j).data());
          s.iterations += o.iterations;
          s.max_iterations = std::max(s.max_iterations, o.iterations);
          s.unconverged += o.converged ? 0 : 1;
          s.max_violation = std::max(s.max_violation, o.kkt_violation);
        }
        x.middleCols(start, len) = xb.template cast<Scalar>();
        s.rss = ws.ResidualSquares(a_in, yb, x.middleCols(start, len));
      });

  AbundanceSummary& sm = *summary;
  double rss = 0.0;
  for (const auto& s : stats) {
    sm.total_iterations += s.iterations;
    sm.max_pixel_iterations = std::max(sm.max_pixel_iterations, s.max_iterations);
    sm.unconverged_pixels += s.unconverged;
    sm.max_kkt_violation = std::max(sm.max_kkt_violation, s.max_violation);
    rss += s.rss;
  }
  sm.converged = sm.unconverged_pixels == 0;
  SummarizeGramSolve(gram, p, n, rss, clock, &sm);
  return x;
}

#define UNMIX_INSTANTIATE(S)                                                                                  \
  template void ValidateUnmixingInputs<S>(const Matrix<S>&, const Matrix<S>&, const std::string&);            \
  template double ResidualSumOfSquares<S>(const MatrixD&, const Matrix<S>&, const MatrixD&, int);             \
  template Matrix<S> SolveAllActiveSet<S>(const Matrix<S>&, const Matrix<S>&, bool, double, int, double, int, \
                                          AbundanceSummary*);
UNMIX_INSTANTIATE(float)
UNMIX_INSTANTIATE(double)
#undef UNMIX_INSTANTIATE

}  // namespace detail

// ---- public entry points ----

std::string AbundanceSummary::BriefReport() const {
  std::string s = fmt::format("{}: {} pixels, r={}, p={}", method, pixels, endmembers, bands);
  if (method == "FCLS" || method == "NNLS") {
    s += converged ? ", converged" : fmt::format(", {} pixels NOT converged", unconverged_pixels);
    s += fmt::format(", {:.2f} steps/pixel (max {}), KKT violation {:.2e}",
                     pixels > 0 ? static_cast<double>(total_iterations) / static_cast<double>(pixels) : 0.0,
                     max_pixel_iterations, max_kkt_violation);
  }
  s += fmt::format(", RMSE {:.4g}", rmse);
  if (regularized) s += fmt::format(", A^T A regularised (rcond {:.2e}, ridge {:.2e})", gram_rcond, ridge);
  s += fmt::format(", {:.3f} s", seconds);
  return s;
}

namespace {

bool CheckCommon(double tolerance, int max_iterations, double gram_regularization, int num_threads, std::string* why) {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  if (!(tolerance >= 0.0) || !std::isfinite(tolerance)) return fail("tolerance must be finite and >= 0");
  if (max_iterations < 1) return fail("max_iterations must be >= 1");
  if (!(gram_regularization >= 0.0) || !(gram_regularization < 1.0))
    return fail("gram_regularization must be in [0, 1)");
  if (num_threads < 0) return fail("num_threads must be >= 0 (0 = automatic)");
  return true;
}

template <typename O>
void Require(const O& options, const std::string& method) {
  std::string why;
  if (!options.IsValid(&why)) throw OptionError(method + ": " + why);
}

// FCLS (sum_to_one) or NNLS, named `method` in messages and in the summary.
template <typename Scalar>
AbundanceResult<Scalar> ActiveSetAbundances(const Matrix<Scalar>& a, const Matrix<Scalar>& y,
                                            const fcls::Options& options, bool sum_to_one, const std::string& method) {
  Require(options, method);
  detail::ValidateUnmixingInputs(a, y, method);
  AbundanceResult<Scalar> result;
  result.summary.method = method;
  result.abundances = detail::SolveAllActiveSet(a, y, sum_to_one, options.tolerance, options.max_iterations,
                                                options.gram_regularization, options.num_threads, &result.summary);
  return result;
}

}  // namespace

// Also nnls::Options, the same type.
bool fcls::Options::IsValid(std::string* why) const {
  return CheckCommon(tolerance, max_iterations, gram_regularization, num_threads, why);
}
bool least_squares::Options::IsValid(std::string* why) const {
  return CheckCommon(0.0, 1, gram_regularization, num_threads, why);
}

template <typename Scalar>
fcls::Result<Scalar> Fcls(const Matrix<Scalar>& a, const Matrix<Scalar>& y, const fcls::Options& options) {
  return ActiveSetAbundances(a, y, options, true, "FCLS");
}

template <typename Scalar>
nnls::Result<Scalar> Nnls(const Matrix<Scalar>& a, const Matrix<Scalar>& y, const nnls::Options& options) {
  return ActiveSetAbundances(a, y, options, false, "NNLS");
}

template <typename Scalar>
least_squares::Result<Scalar> LeastSquares(const Matrix<Scalar>& a_in, const Matrix<Scalar>& y,
                                           const least_squares::Options& options) {
  const std::string method = options.sum_to_one ? "LS+ASC" : "LS";
  Require(options, method);
  detail::ValidateUnmixingInputs(a_in, y, method);
  const Stopwatch clock;
  const Index p = a_in.rows(), r = a_in.cols(), n = y.cols();
  const int threads = detail::ResolveThreads(options.num_threads);
  const detail::GramMatrix gram = detail::MakeGram(a_in.template cast<double>(), options.gram_regularization);

  // X = M (A^T Y) + w 1^T. Regular case: M = G^{-1} and w = 0, or, with the sum-to-one
  // constraint, M = (I - w 1^T) G^{-1} and w = G^{-1} 1 / (1^T G^{-1} 1).
  // Singular case: the minimum-norm solution of the normal equations (bordered by the
  // constraint row when sum_to_one), through a truncated eigen-decomposition pseudo-inverse.
  MatrixD m;
  VectorD w = VectorD::Zero(r);
  detail::SerialEigen([&] {
    if (gram.ridge == 0.0) {
      const Eigen::LLT<MatrixD> llt(gram.g);
      m = llt.solve(MatrixD::Identity(r, r));
      if (options.sum_to_one) {
        const VectorD g1 = m * VectorD::Ones(r);
        w = g1 / g1.sum();
        m -= w * (VectorD::Ones(r).transpose() * m);
      }
      return;
    }
    // Scale G to unit norm so that the constraint border and the threshold are comparable.
    const double s = gram.lambda_max > 0.0 ? gram.lambda_max : 1.0;
    const Index k = options.sum_to_one ? r + 1 : r;
    MatrixD kkt = MatrixD::Zero(k, k);
    kkt.topLeftCorner(r, r) = gram.g / s;
    kkt.topLeftCorner(r, r).diagonal().array() -= gram.ridge / s;  // the raw A^T A
    if (options.sum_to_one) {
      kkt.block(0, r, r, 1).setOnes();
      kkt.block(r, 0, 1, r).setOnes();
    }
    const Eigen::SelfAdjointEigenSolver<MatrixD> eig(kkt);
    const VectorD& values = eig.eigenvalues();
    const double cut = options.gram_regularization * values.cwiseAbs().maxCoeff();
    VectorD inverse = VectorD::Zero(k);
    for (Index i = 0; i < k; ++i)
      if (std::abs(values(i)) > cut) inverse(i) = 1.0 / values(i);
    const MatrixD pinv = eig.eigenvectors() * inverse.asDiagonal() * eig.eigenvectors().transpose();
    m = pinv.topLeftCorner(r, r) / s;
    if (options.sum_to_one) w = pinv.block(0, r, r, 1);
  });
  Matrix<Scalar> x(r, n);
  const Index blocks = (n + detail::kPixelBlock - 1) / detail::kPixelBlock;
  std::vector<double> rss_of(static_cast<std::size_t>(blocks));
  detail::ForEachBlock(
      n, detail::kPixelBlock, threads, [&] { return detail::BlockWorkspace<Scalar>(p, r); },
      [&](detail::BlockWorkspace<Scalar>& ws, Index start, Index len) {
        const auto yb = y.middleCols(start, len);
        auto atb = ws.AtY(a_in, yb);
        auto xb = ws.x.leftCols(len);
        xb.noalias() = m * atb;
        xb.colwise() += w;
        x.middleCols(start, len) = xb.template cast<Scalar>();
        rss_of[static_cast<std::size_t>(start / detail::kPixelBlock)] =
            ws.ResidualSquares(a_in, yb, x.middleCols(start, len));
      });
  double rss = 0.0;
  for (double v : rss_of) rss += v;

  least_squares::Result<Scalar> result;
  result.summary.method = method;
  detail::SummarizeGramSolve(gram, p, n, rss, clock, &result.summary);
  result.abundances = std::move(x);
  return result;
}

#define UNMIX_INSTANTIATE(S)                                                                  \
  template fcls::Result<S> Fcls<S>(const Matrix<S>&, const Matrix<S>&, const fcls::Options&); \
  template nnls::Result<S> Nnls<S>(const Matrix<S>&, const Matrix<S>&, const nnls::Options&); \
  template least_squares::Result<S> LeastSquares<S>(const Matrix<S>&, const Matrix<S>&, const least_squares::Options&);
UNMIX_INSTANTIATE(float)
UNMIX_INSTANTIATE(double)
#undef UNMIX_INSTANTIATE

}  // namespace unmix
