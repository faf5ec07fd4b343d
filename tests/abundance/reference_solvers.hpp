#pragma once
// Independent reference solvers for the abundance tests: exhaustive search over supports and
// direct KKT checks. Slow (2^r subproblems per pixel) and deliberately simple.
#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <limits>

#include "unmix/core/rng.hpp"
#include "unmix/core/types.hpp"

namespace unmix::testing {

// argmin 0.5 x^T G x - b^T x  s.t. x >= 0 (and 1^T x = 1): every support S is tried, the
// equality-constrained problem on S is solved by a full-pivoting LU of its KKT matrix, and the
// feasible candidate of least objective is kept. Exact for positive definite G.
inline VectorD BruteForceQp(const MatrixD& g, const VectorD& b, bool sum_to_one) {
  const Index r = g.rows();
  VectorD best = VectorD::Zero(r);
  double best_value = sum_to_one ? std::numeric_limits<double>::infinity() : 0.0;  // x = 0
  for (unsigned mask = 1; mask < (1u << r); ++mask) {
    std::vector<Index> s;
    for (Index i = 0; i < r; ++i)
      if (mask & (1u << i)) s.push_back(i);
    const Index k = static_cast<Index>(s.size()), m = sum_to_one ? k + 1 : k;
    MatrixD kkt = MatrixD::Zero(m, m);
    VectorD rhs(m);
    for (Index i = 0; i < k; ++i) {
      for (Index j = 0; j < k; ++j) kkt(i, j) = g(s[i], s[j]);
      rhs(i) = b(s[i]);
    }
    if (sum_to_one) {
      kkt.block(0, k, k, 1).setOnes();
      kkt.block(k, 0, 1, k).setOnes();
      rhs(k) = 1.0;
    }
    const Eigen::FullPivLU<MatrixD> lu(kkt);
    if (!lu.isInvertible()) continue;
    const VectorD sol = lu.solve(rhs);
    VectorD x = VectorD::Zero(r);
    bool feasible = true;
    for (Index i = 0; i < k; ++i) {
      feasible &= sol(i) >= -1e-14;
      x(s[i]) = std::max(sol(i), 0.0);
    }
    if (!feasible) continue;
    const double value = 0.5 * x.dot(g * x) - b.dot(x);
    if (value < best_value) best_value = value, best = x;
  }
  return best;
}

struct KktReport {
  double min_x = 0.0;         // most negative entry
  double sum_error = 0.0;     // |1^T x - 1| (sum-to-one problems)
  double stationarity = 0.0;  // max |g_i + nu| on the support, relative
  double sign = 0.0;          // max (-(g_i + nu))_+ off the support, relative
  double worst() const { return std::max({-min_x, sum_error, stationarity, sign}); }
};

// KKT residuals of min 0.5 ||y - A x||^2 + lambda 1^T x  s.t. x >= 0 (and 1^T x = 1), with
// g = A^T (A x - y) + lambda, relative to max(max_i (A^T A)_ii, |A^T y|_inf).
inline KktReport CheckKkt(const MatrixD& a, const VectorD& y, const VectorD& x, bool sum_to_one, double lambda = 0.0) {
  const MatrixD g_mat = a.transpose() * a;
  const VectorD aty = a.transpose() * y;
  const VectorD g = g_mat * x - aty + VectorD::Constant(x.size(), lambda);
  const double scale = std::max(g_mat.diagonal().maxCoeff(), aty.cwiseAbs().maxCoeff());
  KktReport k;
  k.min_x = std::min(0.0, x.minCoeff());
  double nu = 0.0;
  Index support = 0;
  if (sum_to_one) {
    k.sum_error = std::abs(x.sum() - 1.0);
    for (Index i = 0; i < x.size(); ++i)
      if (x(i) > 0.0) nu -= g(i), ++support;
    if (support > 0) nu /= static_cast<double>(support);
  }
  for (Index i = 0; i < x.size(); ++i) {
    const double m = g(i) + nu;
    if (x(i) > 0.0)
      k.stationarity = std::max(k.stationarity, std::abs(m) / scale);
    else
      k.sign = std::max(k.sign, -m / scale);
  }
  return k;
}

// Random test problems: nonnegative, correlated endmembers (like spectra) and pixels that lie
// inside, near and well outside the simplex they span.
inline MatrixD RandomEndmembers(Index p, Index r, Rng& rng) {
  MatrixD a(p, r);
  for (Index j = 0; j < r; ++j)
    for (Index i = 0; i < p; ++i) a(i, j) = rng.Uniform(0.0, 1.0);
  return a;
}

inline MatrixD RandomPixels(const MatrixD& a, Index n, Rng& rng) {
  const Index p = a.rows(), r = a.cols();
  MatrixD y(p, n);
  for (Index j = 0; j < n; ++j) {
    VectorD w(r);
    const int kind = static_cast<int>(j % 3);
    for (Index i = 0; i < r; ++i) w(i) = kind == 0 ? rng.Uniform() : rng.Normal();
    if (kind == 0) w /= w.sum();
    y.col(j) = a * w;
    for (Index i = 0; i < p; ++i) y(i, j) += (kind == 2 ? 0.5 : 0.02) * rng.Normal();
  }
  return y;
}

}  // namespace unmix::testing
