#pragma once
// Nonnegative least squares (NNLS): for every pixel y,
//   minimise 0.5 ||y - A x||^2  subject to  x >= 0,
// by Lawson-Hanson on the Gram form (A^T A, A^T y), all pixels in parallel.
//
// Optimality: with g = A^T (A x - y), a converged pixel has g_i = 0 (to rounding) on the support
// and g_i >= -tolerance * max(max_i (A^T A)_ii, |A^T y|_inf) off it.
// Singular A^T A: the same ridge fallback as FCLS (see fcls.hpp); an all-zero A yields x = 0.
#include <string>

#include "unmix/abundance/abundance_summary.hpp"
#include "unmix/core/types.hpp"

namespace unmix {
namespace nnls {

struct Options {
  double tolerance = 1e-10;            // relative KKT tolerance, as in fcls::Options
  int max_iterations = 500;            // active-set steps per pixel
  double gram_regularization = 1e-10;  // ridge threshold, as in fcls::Options
  int num_threads = 0;                 // 0 = omp_get_max_threads(); results do not depend on it

  bool IsValid(std::string* why) const;
};

using Summary = AbundanceSummary;

template <typename Scalar>
struct Result {
  Matrix<Scalar> abundances;  // r x N
  Summary summary;
};

}  // namespace nnls

// A: p x r, Y: p x N. Errors as for Fcls().
template <typename Scalar>
nnls::Result<Scalar> Nnls(const Matrix<Scalar>& endmembers, const Matrix<Scalar>& pixels,
                          const nnls::Options& options = {});

}  // namespace unmix
