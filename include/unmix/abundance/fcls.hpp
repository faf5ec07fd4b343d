#pragma once
// Fully constrained least squares (FCLS): for every pixel y (column of Y),
//   minimise 0.5 ||y - A x||^2  subject to  x >= 0  and  1^T x = 1,
// solved exactly by a primal active-set method on the r x r Gram matrix A^T A and the vector
// A^T y (Lawson-Hanson extended with the sum-to-one equality), all pixels in parallel.
// Per pixel the cost is a few r x r Cholesky factorisations, so the total is dominated by the
// product A^T Y.
//
// Optimality: on return each converged pixel satisfies x >= 0, sum(x) = 1 (to rounding) and the
// KKT conditions with g = A^T (A x - y): there is nu with g_i + nu = 0 on the support and
// g_i + nu >= -tolerance * max(max_i (A^T A)_ii, |A^T y|_inf) off it.
//
// Singular A^T A (duplicate, zero or linearly dependent endmembers, or r > p): when the
// reciprocal condition number of A^T A is <= gram_regularization, the ridge
// gram_regularization * lambda_max(A^T A) is added to its diagonal (1 if A is all zero), which
// makes every subproblem well posed. The residual stays optimal to O(ridge); how the weight is
// shared among identical endmembers is not specified (any split is optimal; the result is still
// deterministic). An all-zero A yields uniform abundances 1/r. Summary::regularized reports it.
// The output never contains NaN.
#include <string>

#include "unmix/abundance/abundance_summary.hpp"
#include "unmix/core/types.hpp"

namespace unmix {
namespace fcls {

struct Options {
  // Relative tolerance on the KKT multipliers (see above). Default 1e-10.
  double tolerance = 1e-10;
  // Maximum active-set steps per pixel; a pixel that reaches it keeps its last feasible iterate
  // and is counted in Summary::unconverged_pixels. Default 500 (typical use: <= 2r).
  int max_iterations = 500;
  // Threshold on lambda_min / lambda_max of A^T A below which a ridge is added. Default 1e-10.
  double gram_regularization = 1e-10;
  // OpenMP threads; 0 = omp_get_max_threads(). Results do not depend on it.
  int num_threads = 0;

  bool IsValid(std::string* why) const;
};

using Summary = AbundanceSummary;

template <typename Scalar>
using Result = AbundanceResult<Scalar>;  // abundances (r x N) and summary

}  // namespace fcls

// A: p x r endmembers, Y: p x N pixels. Throws OptionError for invalid options or r < 1,
// InputError for mismatched sizes or non-finite values. N = 0 gives an r x 0 result.
template <typename Scalar>
fcls::Result<Scalar> Fcls(const Matrix<Scalar>& endmembers, const Matrix<Scalar>& pixels,
                          const fcls::Options& options = {});

}  // namespace unmix
