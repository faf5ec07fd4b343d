// L1-NMF by alternating proximal-gradient steps (see l1_nmf.hpp).
#include "unmix/blind/l1_nmf.hpp"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>

#include "abundance/classical_internal.hpp"
#include "unmix/core/cancel.hpp"

namespace unmix {

bool l1nmf::Options::IsValid(std::string* why) const {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  if (!(lambda >= 0.0) || !std::isfinite(lambda)) return fail("lambda must be finite and >= 0");
  if (max_iterations < 0) return fail("max_iterations must be >= 0");
  if (!(tolerance >= 0.0) || !std::isfinite(tolerance)) return fail("tolerance must be finite and >= 0");
  if (num_threads < 0) return fail("num_threads must be >= 0 (0 = automatic)");
  std::string inner;
  if (!vca.IsValid(&inner)) return fail("vca: " + inner);
  if (!fcls.IsValid(&inner)) return fail("fcls: " + inner);
  return true;
}

std::string l1nmf::Summary::BriefReport() const {
  return fmt::format(
      "L1-NMF: {} pixels, p={}, r={}, {} after {} iterations, objective {:.6g} -> {:.6g}, "
      "RMSE {:.4g} -> {:.4g}, {} safeguarded pixel steps, {:.3f} s",
      pixels, bands, endmembers, converged ? "converged" : "NOT converged", iterations, initial_objective,
      final_objective, initial_rmse, final_rmse, safeguarded_steps, seconds);
}

namespace {

double LargestEigenvalue(const MatrixD& m) {
  double value = 0.0;
  detail::SerialEigen([&] {
    Eigen::SelfAdjointEigenSolver<MatrixD> eig(m, Eigen::EigenvaluesOnly);
    value = eig.eigenvalues()(m.rows() - 1);
  });
  return value;
}

// Per-pixel objective term 0.5 s^T G s - b^T s + lambda 1^T s (the constant 0.5 ||x||^2 apart).
double PixelObjective(const MatrixD& g, const double* b, const double* s, Index r, double lambda) {
  double quad = 0.0, lin = 0.0, sum = 0.0;
  for (Index j = 0; j < r; ++j) {
    double gs = 0.0;
    for (Index i = 0; i < r; ++i) gs += g(i, j) * s[i];
    quad += s[j] * gs;
    lin += b[j] * s[j];
    sum += s[j];
  }
  return 0.5 * quad - lin + lambda * sum;
}

struct PassTotals {
  double objective = 0.0;  // sum of the per-pixel terms at the start of the pass
  long long safeguarded = 0;
  MatrixD xs, ss;  // X S^T and S S^T after the S step
};

template <typename Scalar>
l1nmf::Result<Scalar> Run(const Matrix<Scalar>& x, MatrixD a, std::vector<Index> indices,
                          const l1nmf::Options& options) {
  const Stopwatch clock;
  const Index p = x.rows(), n = x.cols(), r = a.cols();
  const int threads = detail::ResolveThreads(options.num_threads);
  constexpr Index kBlock = detail::kPixelBlock;
  a = a.cwiseMax(0.0);

  fcls::Options fo = options.fcls;
  fo.num_threads = options.num_threads;
  MatrixD s = Fcls<Scalar>(a.template cast<Scalar>(), x, fo).abundances.template cast<double>();

  double x_norm2 = 0.0;
  detail::ReduceBlocks(
      n, threads, 0.0, [&] { return MatrixD(p, kBlock); },
      [&](MatrixD& buffer, double& partial, Index start, Index len) {
        partial += detail::DoubleColumns(x, start, len, buffer).squaredNorm();
      },
      [](double& t, const double& v) { t += v; }, &x_norm2);

  l1nmf::Result<Scalar> result;
  auto& sm = result.summary;
  sm.bands = p;
  sm.pixels = n;
  sm.endmembers = r;
  const double pn = static_cast<double>(p * n);
  sm.initial_rmse = std::sqrt(detail::ResidualSumOfSquares(a, x, s, threads) / pn);

  const double lambda = options.lambda;
  const bool update_s = options.update != l1nmf::Update::kEndmembersOnly;
  const bool update_a = options.update != l1nmf::Update::kAbundancesOnly;
  struct Workspace {
    MatrixD buffer, atx;
    VectorD grad, candidate, scratch;
  };
  double previous = std::numeric_limits<double>::quiet_NaN();
  for (int iteration = 0; iteration < options.max_iterations; ++iteration) {
    ThrowIfCancelled();  // SIGINT/SIGTERM (core/cancel.hpp): abandon the run between iterations
    // S step (and the objective at the current A, S, from the same pass over the data).
    MatrixD g;
    detail::SerialEigen([&] { g.noalias() = a.transpose() * a; });
    const double lg = LargestEigenvalue(g);
    const double ts = lg > 0.0 ? 1.0 / lg : 0.0;
    const PassTotals zero{0.0, 0, MatrixD::Zero(p, r), MatrixD::Zero(r, r)};
    PassTotals totals;
    detail::ReduceBlocks(
        n, threads, zero,
        [&] {
          return Workspace{MatrixD(p, kBlock), MatrixD(r, kBlock), VectorD(r), VectorD(r), VectorD(r)};
        },
        [&](Workspace& ws, PassTotals& part, Index start, Index len) {
          const auto xb = detail::DoubleColumns(x, start, len, ws.buffer);
          auto atx = ws.atx.leftCols(len);
          atx.noalias() = a.transpose() * xb;
          for (Index j = 0; j < len; ++j) {
            double* col = s.col(start + j).data();
            const double* b = atx.col(j).data();
            const double before = PixelObjective(g, b, col, r, lambda);
            part.objective += before;
            ws.grad.noalias() = g * Eigen::Map<const VectorD>(col, r);
            ws.grad -= atx.col(j);
            if (!update_s) continue;
            // Threshold-and-renormalise step.
            double sum = 0.0;
            for (Index i = 0; i < r; ++i) {
              ws.candidate(i) = std::max(col[i] - ts * ws.grad(i) - lambda * ts, 0.0);
              sum += ws.candidate(i);
            }
            bool fallback = !(sum > 0.0);
            if (!fallback) {
              ws.candidate /= sum;
              fallback = options.monotone && PixelObjective(g, b, ws.candidate.data(), r, lambda) > before;
            }
            if (fallback) {
              // Projected-gradient step onto the simplex: never increases the pixel's term.
              for (Index i = 0; i < r; ++i) ws.candidate(i) = col[i] - ts * ws.grad(i);
              detail::ProjectOntoSimplex(ws.candidate.data(), r, ws.scratch.data());
              ++part.safeguarded;
            }
            for (Index i = 0; i < r; ++i) col[i] = ws.candidate(i);
          }
          const auto sb = s.middleCols(start, len);
          part.xs.noalias() += xb * sb.transpose();
          part.ss.noalias() += sb * sb.transpose();
        },
        [](PassTotals& t, const PassTotals& v) {
          t.objective += v.objective;
          t.safeguarded += v.safeguarded;
          t.xs += v.xs;
          t.ss += v.ss;
        },
        &totals);
    const double objective = 0.5 * x_norm2 + totals.objective;
    sm.objective_history.push_back(objective);
    sm.safeguarded_steps += totals.safeguarded;
    sm.iterations = iteration + 1;
    if (iteration == 0) sm.initial_objective = objective;
    if (iteration > 0 && std::abs(previous - objective) <= options.tolerance * std::max(std::abs(previous), 1e-300)) {
      sm.converged = true;
      break;  // S has taken its step; the A step is skipped, f only went down
    }
    previous = objective;

    // A step: projected gradient with step 1 / ||S S^T||_2.
    const double ls = update_a ? LargestEigenvalue(totals.ss) : 0.0;
    if (ls > 0.0) {
      detail::SerialEigen([&] {
        MatrixD grad = a * totals.ss;
        grad -= totals.xs;
        a = (a - grad / ls).cwiseMax(0.0);
      });
    }
  }

  const double rss = detail::ResidualSumOfSquares(a, x, s, threads);
  sm.final_objective = 0.5 * rss + lambda * s.sum();
  if (sm.objective_history.empty()) sm.initial_objective = sm.final_objective;
  sm.objective_history.push_back(sm.final_objective);
  sm.final_rmse = std::sqrt(rss / pn);
  sm.seconds = clock.seconds();
  result.endmembers = a.template cast<Scalar>();
  result.abundances = s.template cast<Scalar>();
  result.initial_indices = std::move(indices);
  return result;
}

void Require(const l1nmf::Options& options) {
  std::string why;
  if (!options.IsValid(&why)) throw OptionError("L1-NMF: " + why);
}

}  // namespace

template <typename Scalar>
l1nmf::Result<Scalar> L1Nmf(const Matrix<Scalar>& x, Index r, const l1nmf::Options& options) {
  Require(options);
  detail::ValidateExtractorInputs(x, r, "L1-NMF");
  vca::Options vo = options.vca;
  vo.num_threads = options.num_threads;
  auto start = Vca(x, r, vo);
  return Run(x, start.endmembers.template cast<double>(), std::move(start.indices), options);
}

template <typename Scalar>
l1nmf::Result<Scalar> L1Nmf(const Matrix<Scalar>& x, const Matrix<Scalar>& initial, const l1nmf::Options& options) {
  Require(options);
  detail::ValidateUnmixingInputs(initial, x, "L1-NMF");
  return Run(x, initial.template cast<double>(), {}, options);
}

#define UNMIX_INSTANTIATE(S)                                                          \
  template l1nmf::Result<S> L1Nmf<S>(const Matrix<S>&, Index, const l1nmf::Options&); \
  template l1nmf::Result<S> L1Nmf<S>(const Matrix<S>&, const Matrix<S>&, const l1nmf::Options&);
UNMIX_INSTANTIATE(float)
UNMIX_INSTANTIATE(double)
#undef UNMIX_INSTANTIATE

}  // namespace unmix
