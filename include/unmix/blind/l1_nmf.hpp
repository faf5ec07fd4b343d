#pragma once
// L1-NMF blind unmixing: with X the p x N scene, find endmembers A (p x r) and abundances S
// (r x N) minimising
//   f(A, S) = 0.5 ||X - A S||_F^2 + lambda ||S||_1   s.t.  A >= 0, S >= 0, 1^T S = 1^T,
// by alternating proximal-gradient steps, one S step then one A step per iteration:
//   S <- max(S - t_s A^T (A S - X) - lambda t_s, 0), then each column divided by its sum,
//        t_s = 1 / ||A^T A||_2;
//   A <- max(A - t_a (A S - X) S^T, 0),  t_a = 1 / ||S S^T||_2.
// Start: VCA endmembers clipped to A >= 0, then FCLS abundances for them (or a given A).
//
// Monotone safeguard (default on): thresholding then renormalising a column is not a descent
// step in general, so a pixel whose objective term would rise takes the projected-gradient
// step onto the simplex instead, max(S - t_s grad, .) projected onto {s >= 0, 1^T s = 1};
// both steps (step 1/L) then never increase f. A column thresholded to all zeros also takes the
// projected step. Summary::safeguarded_steps counts these fallbacks.
// On the feasible set ||S||_1 = N, so lambda only shapes the iterates (sparser S), not f's
// minimisers.
// Stopping: |f_k - f_{k-1}| <= tolerance * |f_{k-1}|, or max_iterations.
#include <string>
#include <vector>

#include "unmix/abundance/fcls.hpp"
#include "unmix/core/types.hpp"
#include "unmix/endmember/vca.hpp"

namespace unmix {
namespace l1nmf {

// Which blocks an iteration updates. The one-block modes keep the other factor at its start
// (A at the given/VCA endmembers, or S at their FCLS abundances): K iterations of them are the
// K encoder or decoder layers of an untrained NMF-SAE (nmf-sae.txt eqs. (5)-(8)).
enum class Update { kAlternating, kAbundancesOnly, kEndmembersOnly };

struct Options {
  double lambda = 0.01;                  // l1 weight (threshold lambda * t_s), >= 0. Default 0.01.
  int max_iterations = 500;              // Default 500.
  double tolerance = 1e-6;               // relative objective change. Default 1e-6.
  bool monotone = true;                  // safeguard described above. Default on.
  Update update = Update::kAlternating;  // Default: both blocks, S then A.
  vca::Options vca;                      // for the start (seed etc.)
  fcls::Options fcls;                    // for the start
  int num_threads = 0;                   // 0 = omp_get_max_threads(); results do not depend on it

  bool IsValid(std::string* why) const;
};

struct Summary {
  Index bands = 0, pixels = 0, endmembers = 0;
  int iterations = 0;
  bool converged = false;          // relative objective change <= tolerance
  double initial_objective = 0.0;  // f at the start (VCA + FCLS)
  double final_objective = 0.0;
  double initial_rmse = 0.0;  // sqrt(||X - A S||_F^2 / (p N)) at the start
  double final_rmse = 0.0;
  long long safeguarded_steps = 0;        // pixel steps that took the projected step (see above)
  std::vector<double> objective_history;  // f before each iteration, then the final value
  double seconds = 0.0;

  std::string BriefReport() const;
};

template <typename Scalar>
struct Result {
  Matrix<Scalar> endmembers;           // p x r, >= 0
  Matrix<Scalar> abundances;           // r x N, >= 0, columns sum to 1
  std::vector<Index> initial_indices;  // VCA pixel indices of the start (empty if A was given)
  Summary summary;
};

}  // namespace l1nmf

// X: p x N. Starts from VCA (r endmembers) + FCLS. Throws OptionError unless
// 1 <= r <= min(p, N) or for invalid options; InputError for non-finite or all-zero data.
template <typename Scalar>
l1nmf::Result<Scalar> L1Nmf(const Matrix<Scalar>& pixels, Index r, const l1nmf::Options& options = {});

// As above, starting from the given endmembers (p x r; negative entries are clipped to 0).
template <typename Scalar>
l1nmf::Result<Scalar> L1Nmf(const Matrix<Scalar>& pixels, const Matrix<Scalar>& initial_endmembers,
                            const l1nmf::Options& options = {});

}  // namespace unmix
