// SUnSAL: ADMM for the nonnegative (optionally sum-to-one) l1-regularised least squares problem,
// iterated on all pixels at once.
#include "unmix/abundance/sunsal.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>

#include "abundance/classical_internal.hpp"

namespace unmix {

bool sunsal::Options::IsValid(std::string* why) const {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  if (!(lambda >= 0.0) || !std::isfinite(lambda)) return fail("lambda must be finite and >= 0");
  if (!(mu >= 0.0) || !std::isfinite(mu)) return fail("mu must be finite and >= 0 (0 = automatic)");
  if (!(tolerance > 0.0) || !std::isfinite(tolerance)) return fail("tolerance must be finite and > 0");
  if (max_iterations < 1) return fail("max_iterations must be >= 1");
  if (num_threads < 0) return fail("num_threads must be >= 0 (0 = automatic)");
  return true;
}

std::string sunsal::Summary::BriefReport() const {
  return fmt::format(
      "SUnSAL: {} pixels, r={}, p={}, {} after {} iterations (mean {:.1f} per block; primal "
      "{:.2e}, dual {:.2e}), mu {:.3g} -> [{:.3g}, {:.3g}], objective {:.6g}, RMSE {:.4g}, "
      "{:.3f} s",
      pixels, endmembers, bands,
      converged ? std::string("converged") : fmt::format("{} blocks NOT converged", unconverged_blocks), iterations,
      mean_iterations, primal_residual, dual_residual, initial_mu, final_mu_min, final_mu_max, objective, rmse,
      seconds);
}

// A named namespace, not an anonymous one: the lambdas of the Sunsal template capture these
// types, which GCC flags (-Wsubobject-linkage) when a unity build includes this file.
namespace sunsal_admm {

// x-step operator for one value of mu: X = M Q + w 1^T with Q = A^T Y + mu (Z + D).
struct XStep {
  double mu = 0.0;
  MatrixD m;
  VectorD w;
};

XStep MakeXStep(const MatrixD& gram, double mu, bool sum_to_one) {
  const Index r = gram.rows();
  XStep step;
  step.mu = mu;
  step.w = VectorD::Zero(r);
  detail::SerialEigen([&] {
    const MatrixD shifted = gram + mu * MatrixD::Identity(r, r);
    const Eigen::LLT<MatrixD> llt(shifted);
    step.m = llt.solve(MatrixD::Identity(r, r));
    if (sum_to_one) {
      const VectorD f1 = step.m * VectorD::Ones(r);
      step.w = f1 / f1.sum();
      step.m -= step.w * (VectorD::Ones(r).transpose() * step.m);
    }
  });
  return step;
}

// mu only moves by factors of 2, so the operators for mu0 * 2^k are prepared once.
constexpr int kMuSteps = 20;

struct BlockOutcome {
  int iterations = 0;
  bool converged = false;
  double primal_sq = 0.0, change_sq = 0.0, rss = 0.0, l1 = 0.0;
  int mu_exponent = 0;
};

}  // namespace sunsal_admm

template <typename Scalar>
sunsal::Result<Scalar> Sunsal(const Matrix<Scalar>& a_in, const Matrix<Scalar>& y, const sunsal::Options& options) {
  using sunsal_admm::BlockOutcome, sunsal_admm::kMuSteps, sunsal_admm::MakeXStep, sunsal_admm::XStep;
  {
    std::string why;
    if (!options.IsValid(&why)) throw OptionError("SUnSAL: " + why);
  }
  detail::ValidateUnmixingInputs(a_in, y, "SUnSAL");
  const Stopwatch clock;
  const Index p = a_in.rows(), r = a_in.cols(), n = y.cols();
  const int threads = detail::ResolveThreads(options.num_threads);
  constexpr Index kBlock = detail::kPixelBlock;

  MatrixD gram;
  detail::SerialEigen([&] {
    const MatrixD a = a_in.template cast<double>();
    gram.noalias() = a.transpose() * a;
  });
  double mu0 = options.mu > 0.0 ? options.mu : gram.trace() / static_cast<double>(r);
  if (!(mu0 > 0.0)) mu0 = 1.0;  // A == 0
  std::vector<XStep> steps;
  const int lowest = options.adaptive_mu ? -kMuSteps : 0;
  for (int k = lowest; k <= (options.adaptive_mu ? kMuSteps : 0); ++k)
    steps.push_back(MakeXStep(gram, std::ldexp(mu0, k), options.sum_to_one));
  auto step_for = [&](int exponent) -> const XStep& { return steps[static_cast<std::size_t>(exponent - lowest)]; };

  // ADMM runs on each block of pixels independently (the problem separates over pixels): one
  // parallel region, no synchronisation per iteration, blocks stay in cache, and each block
  // stops as soon as its own residuals are small.
  Matrix<Scalar> out(r, n);
  const Index blocks = (n + kBlock - 1) / kBlock;
  std::vector<BlockOutcome> outcomes(static_cast<std::size_t>(blocks));
  struct Workspace {
    detail::BlockWorkspace<Scalar> base;
    MatrixD z, d, q;
  };
  detail::ForEachBlock(
      n, kBlock, threads,
      [&] {
        return Workspace{detail::BlockWorkspace<Scalar>(p, r), MatrixD(r, kBlock), MatrixD(r, kBlock),
                         MatrixD(r, kBlock)};
      },
      [&](Workspace& ws, Index start, Index len) {
        const auto yb = y.middleCols(start, len);
        const auto atb = ws.base.AtY(a_in, yb);
        auto x = ws.base.x.leftCols(len);
        auto z = ws.z.leftCols(len);
        auto d = ws.d.leftCols(len);
        auto q = ws.q.leftCols(len);
        BlockOutcome& o = outcomes[static_cast<std::size_t>(start / kBlock)];
        const double count = static_cast<double>(r * len);
        // Start from the (ridge-regularised) least-squares solution, clipped, or from z = 0
        // (the unrolled networks' start); d = 0.
        int exponent = 0;
        const XStep* step = &step_for(0);
        if (options.start_at_zero) {
          z.setZero();
        } else {
          x.noalias() = step->m * atb;
          x.colwise() += step->w;
          z = x.cwiseMax(0.0);
        }
        d.setZero();
        for (int iteration = 1; iteration <= options.max_iterations; ++iteration) {
          const double mu = step->mu, threshold = options.lambda / mu;
          q = atb + mu * (z + d);
          x.noalias() = step->m * q;
          x.colwise() += step->w;
          double ps = 0.0, cs = 0.0;
          for (Index j = 0; j < len; ++j) {
            for (Index i = 0; i < r; ++i) {
              const double xv = x(i, j), dv = d(i, j), old = z(i, j);
              const double zv = std::max(xv - dv - threshold, 0.0);
              z(i, j) = zv;
              d(i, j) = dv - (xv - zv);
              ps += (xv - zv) * (xv - zv);
              cs += (zv - old) * (zv - old);
            }
          }
          o.iterations = iteration;
          o.primal_sq = ps;
          o.change_sq = cs;
          if (std::sqrt(ps / count) <= options.tolerance && std::sqrt(cs / count) <= options.tolerance) {
            o.converged = true;
            break;
          }
          if (options.adaptive_mu && iteration % 10 == 0) {
            // Balance the primal residual against the (unscaled) dual residual mu ||dZ||.
            const double primal = std::sqrt(ps), dual = mu * std::sqrt(cs);
            int move = 0;
            if (primal > 10.0 * dual && exponent < kMuSteps)
              move = 1;
            else if (dual > 10.0 * primal && exponent > -kMuSteps)
              move = -1;
            if (move != 0) {
              exponent += move;
              step = &step_for(exponent);
              d *= mu / step->mu;  // the scaled dual is (multiplier / mu)
            }
          }
        }
        o.mu_exponent = exponent;
        auto zs = out.middleCols(start, len);
        zs = z.template cast<Scalar>();
        o.rss = ws.base.ResidualSquares(a_in, yb, zs);
        o.l1 = z.sum();
      });

  sunsal::Result<Scalar> result;
  auto& sm = result.summary;
  sm.bands = p;
  sm.endmembers = r;
  sm.pixels = n;
  sm.initial_mu = mu0;
  sm.converged = true;
  double ps = 0.0, cs = 0.0, rss = 0.0, l1 = 0.0, iterations = 0.0;
  int lo = 0, hi = 0;
  for (std::size_t b = 0; b < outcomes.size(); ++b) {
    const auto& o = outcomes[b];
    sm.iterations = std::max(sm.iterations, o.iterations);
    sm.converged = sm.converged && o.converged;
    ps += o.primal_sq;
    cs += o.change_sq;
    rss += o.rss;
    l1 += o.l1;
    iterations += o.iterations;
    lo = b == 0 ? o.mu_exponent : std::min(lo, o.mu_exponent);
    hi = b == 0 ? o.mu_exponent : std::max(hi, o.mu_exponent);
  }
  sm.unconverged_blocks = 0;
  for (const auto& o : outcomes) sm.unconverged_blocks += o.converged ? 0 : 1;
  const double rn = static_cast<double>(std::max<Index>(1, r * n));
  sm.mean_iterations = blocks > 0 ? iterations / static_cast<double>(blocks) : 0.0;
  sm.primal_residual = std::sqrt(ps / rn);
  sm.dual_residual = std::sqrt(cs / rn);
  sm.final_mu_min = std::ldexp(mu0, lo);
  sm.final_mu_max = std::ldexp(mu0, hi);
  sm.objective = 0.5 * rss + options.lambda * l1;
  sm.rmse = detail::Rmse(rss, p, n);
  sm.seconds = clock.seconds();
  result.abundances = std::move(out);
  return result;
}

template sunsal::Result<float> Sunsal<float>(const MatrixF&, const MatrixF&, const sunsal::Options&);
template sunsal::Result<double> Sunsal<double>(const MatrixD&, const MatrixD&, const sunsal::Options&);

}  // namespace unmix
