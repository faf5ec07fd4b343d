#pragma once
// SUnSAL: sparse unmixing by variable splitting and augmented Lagrangian (ADMM). For every pixel,
//   minimise 0.5 ||y - A x||^2 + lambda ||x||_1  subject to  x >= 0  (and 1^T x = 1 if asked),
// with the splitting x = z and the scaled dual d, iterated in matrix form (X, Z, D are r x n_b
// for a block of n_b = 256 pixels, so an iteration is one r x r by r x n_b product plus
// elementwise work):
//   X <- (A^T A + mu I)^{-1} (A^T Y + mu (Z + D))        [projected onto 1^T x = 1 if sum_to_one]
//   Z <- max(X - D - lambda / mu, 0)
//   D <- D - (X - Z)
// The problem separates over pixels, so every block of 256 pixels (a partition that depends
// only on N) runs its own ADMM in parallel with the others: no synchronisation per iteration,
// and each block stops as soon as its own residuals are small.
//
// Stopping (per block): both the primal residual ||X - Z||_F and the scaled dual residual
// ||Z - Z_prev||_F, divided by sqrt(r n_b) (root-mean-square, in abundance units), are
// <= tolerance. Adaptive mu (default on): every 10 iterations mu is doubled when the primal
// residual exceeds 10x the dual residual mu ||Z - Z_prev||_F and halved in the opposite case,
// with D rescaled (mu stays within mu0 * 2^[-20, 20]).
//
// The returned abundances are the Z iterate: exactly nonnegative (exact zeros off the support);
// with sum_to_one the column sums equal 1 to within the primal residual.
// Note: with sum_to_one the l1 term is constant on the feasible set, so lambda has no effect and
// the solution is the FCLS solution.
// Singular A^T A is fine here (mu > 0 keeps the x-step well posed); lambda, mu are absolute (in
// the units of A^T y). A^T Y is formed in the precision of the data, the rest in double.
#include <string>

#include "unmix/core/types.hpp"

namespace unmix {
namespace sunsal {

struct Options {
  double lambda = 1e-3;       // l1 weight, >= 0. Default 1e-3 (reflectance-scaled data).
  double mu = 0.0;            // initial ADMM penalty, > 0; 0 = automatic: trace(A^T A) / r
  bool sum_to_one = false;    // also impose 1^T x = 1. Default off.
  bool adaptive_mu = true;    // rebalance mu every 10 iterations. Default on.
  double tolerance = 1e-4;    // RMS primal and scaled-dual residual tolerance (per block). 1e-4.
  int max_iterations = 1000;  // Default 1000.
  // Start at z = d = 0 instead of the clipped least-squares solution: with adaptive_mu off and a
  // tolerance too small to reach, K iterations are then exactly an untrained K-layer U-ADMM encoder. Default off.
  bool start_at_zero = false;
  int num_threads = 0;  // 0 = omp_get_max_threads(); results do not depend on it

  bool IsValid(std::string* why) const;
};

struct Summary {
  Index bands = 0, endmembers = 0, pixels = 0;
  int iterations = 0;            // iterations of the slowest block
  double mean_iterations = 0.0;  // mean over blocks
  bool converged = false;        // every block met the tolerance
  Index unconverged_blocks = 0;
  double primal_residual = 0.0;                   // ||X - Z||_F / sqrt(r N) over all pixels at exit
  double dual_residual = 0.0;                     // ||Z - Z_prev||_F / sqrt(r N) over all pixels at exit
  double initial_mu = 0.0;                        // mu0
  double final_mu_min = 0.0, final_mu_max = 0.0;  // range of mu over blocks at exit
  double objective = 0.0;                         // sum over pixels of 0.5 ||y - A z||^2 + lambda ||z||_1
  double rmse = 0.0;                              // sqrt(sum_n ||y_n - A z_n||^2 / (p N))
  double seconds = 0.0;

  std::string BriefReport() const;
};

template <typename Scalar>
struct Result {
  Matrix<Scalar> abundances;  // r x N (the Z iterate)
  Summary summary;
};

}  // namespace sunsal

// A: p x r, Y: p x N. Throws OptionError for invalid options or r < 1, InputError for mismatched
// sizes or non-finite values.
template <typename Scalar>
sunsal::Result<Scalar> Sunsal(const Matrix<Scalar>& endmembers, const Matrix<Scalar>& pixels,
                              const sunsal::Options& options = {});

}  // namespace unmix
