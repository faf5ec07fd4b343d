#pragma once
// Unconstrained least squares abundances, x = argmin ||y - A x||^2, optionally with the
// sum-to-one constraint 1^T x = 1 (closed form through the Lagrange multiplier). Abundances may
// be negative. All pixels at once: X = M (A^T Y) + w 1^T with a precomputed r x r matrix M.
//
// Singular A^T A (reciprocal condition number <= gram_regularization: duplicate, zero or
// dependent endmembers, r > p): the minimum-norm solution, through a pseudo-inverse of the
// normal equations (bordered by the constraint row with sum_to_one) that drops eigenvalues below
// gram_regularization times the largest. An all-zero A gives x = 0 (x = 1/r with sum_to_one).
// Summary::regularized reports it.
#include <string>

#include "unmix/abundance/abundance_summary.hpp"
#include "unmix/core/types.hpp"

namespace unmix {
namespace least_squares {

using Summary = AbundanceSummary;

template <typename Scalar>
using Result = AbundanceResult<Scalar>;  // abundances (r x N) and summary

struct Options {
  bool sum_to_one = false;             // impose 1^T x = 1. Default off.
  double gram_regularization = 1e-10;  // ridge threshold, as in fcls::Options
  int num_threads = 0;                 // 0 = omp_get_max_threads(); results do not depend on it

  bool IsValid(std::string* why) const;
};

}  // namespace least_squares

// A: p x r, Y: p x N. Errors as for Fcls().
template <typename Scalar>
least_squares::Result<Scalar> LeastSquares(const Matrix<Scalar>& endmembers, const Matrix<Scalar>& pixels,
                                           const least_squares::Options& options = {});

}  // namespace unmix
