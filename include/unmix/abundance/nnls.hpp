#pragma once
// Nonnegative least squares (NNLS): for every pixel y,
//   minimise 0.5 ||y - A x||^2  subject to  x >= 0,
// by Lawson-Hanson on the Gram form (A^T A, A^T y), all pixels in parallel.
//
// Optimality: with g = A^T (A x - y), a converged pixel has g_i = 0 (to rounding) on the support
// and g_i >= -tolerance * max(max_i (A^T A)_ii, |A^T y|_inf) off it.
// Singular A^T A: the same ridge fallback as FCLS (see fcls.hpp); an all-zero A yields x = 0.
#include "unmix/abundance/fcls.hpp"

namespace unmix {
namespace nnls {

// The options, summary and result are FCLS's (fcls.hpp): the same fields, defaults and checks,
// with `tolerance` the relative KKT tolerance of the condition above.
using fcls::Options;
using fcls::Result;
using fcls::Summary;

}  // namespace nnls

// A: p x r, Y: p x N. Errors as for Fcls().
template <typename Scalar>
nnls::Result<Scalar> Nnls(const Matrix<Scalar>& endmembers, const Matrix<Scalar>& pixels,
                          const nnls::Options& options = {});

}  // namespace unmix
