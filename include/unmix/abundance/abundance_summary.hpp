#pragma once
// The report and the result shared by the Gram-form abundance solvers (FCLS, NNLS, least squares).
#include <string>

#include "unmix/core/types.hpp"

namespace unmix {

struct AbundanceSummary {
  std::string method;              // "FCLS", "NNLS", "LS" or "LS+ASC"
  Index bands = 0;                 // p
  Index endmembers = 0;            // r
  Index pixels = 0;                // N
  long long total_iterations = 0;  // active-set steps summed over pixels (0 for LS)
  int max_pixel_iterations = 0;    // active-set steps of the worst pixel
  Index unconverged_pixels = 0;    // pixels that hit max_iterations or stalled numerically
  bool converged = true;           // unconverged_pixels == 0
  // A^T A is regularised (ridge added to its diagonal) when its reciprocal condition number
  // lambda_min / lambda_max is at or below Options::gram_regularization.
  bool regularized = false;
  double gram_rcond = 0.0;  // lambda_min / lambda_max of A^T A before any ridge
  double ridge = 0.0;       // value added to the diagonal of A^T A (0 if none)
  // Largest violation of the sign condition on the multipliers off the support, relative to
  // max(max_i (A^T A)_ii, |A^T y|_inf) of each pixel (0 for LS).
  double max_kkt_violation = 0.0;
  double rmse = 0.0;     // sqrt(sum_n ||y_n - A x_n||^2 / (p N))
  double seconds = 0.0;  // wall time

  // One line, e.g. "FCLS: 10000 pixels, r=4, p=198, converged, 2.1 steps/pixel (max 4), ...".
  std::string BriefReport() const;
};

// What each of them returns (as fcls::Result, nnls::Result, least_squares::Result).
template <typename Scalar>
struct AbundanceResult {
  Matrix<Scalar> abundances;  // r x N
  AbundanceSummary summary;
};

}  // namespace unmix
