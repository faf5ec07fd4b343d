#pragma once
// N-FINDR (Winter 1999): the r pixels spanning the simplex of largest volume, found by vertex
// swaps in the (r-1)-dimensional principal subspace. Deterministic (no random start):
//  * start: the pixel farthest from the mean, then repeatedly the pixel farthest from the affine
//    hull of those chosen (ties: smallest index);
//  * swaps: for every pixel the barycentric coordinates c = M^{-1} [1; z] with respect to the
//    current simplex give the volume ratio |c_j| of replacing vertex j by that pixel; the best
//    swap over all pixels and vertices is applied while it grows the volume by more than
//    `tolerance` (relative). Each pass is parallel over pixels.
// Endmembers are the selected raw pixels.
//
// Fallbacks: r = 1 returns the pixel nearest the mean. If the data span fewer than r - 1 affine
// dimensions (r larger than the signal subspace, all-equal pixels), the start is completed with
// distinct pixels, no swaps are made, and Summary::rank_deficient is set.
#include <string>
#include <vector>

#include "unmix/core/types.hpp"

namespace unmix {
namespace nfindr {

struct Options {
  double tolerance = 1e-9;  // minimum relative volume gain for a swap. Default 1e-9.
  // Optional start: r distinct pixel indices (e.g. from VCA). Empty = the deterministic greedy
  // start above (default). A start whose simplex is degenerate is replaced by the greedy start
  // (Summary::used_initial_indices tells which was used).
  std::vector<Index> initial_indices;
  int max_iterations = 1000;  // maximum number of swaps. Default 1000.
  int num_threads = 0;        // 0 = omp_get_max_threads(); results do not depend on it

  bool IsValid(std::string* why) const;
};

struct Summary {
  Index bands = 0, pixels = 0, endmembers = 0;
  int iterations = 0;      // swaps made
  bool converged = false;  // no swap improves the volume (false if max_iterations was hit)
  bool rank_deficient = false;
  bool used_initial_indices = false;  // Options::initial_indices was the start
  double log_volume = 0.0;            // natural log of |det [1; Z_E]| (proportional to the volume)
  double seconds = 0.0;

  std::string BriefReport() const;
};

template <typename Scalar>
struct Result {
  Matrix<Scalar> endmembers;   // p x r (pixels of Y)
  std::vector<Index> indices;  // r distinct pixel indices
  Summary summary;
};

}  // namespace nfindr

// Y: p x N. Throws OptionError unless 1 <= r <= min(p, N), or for initial_indices that are not r
// distinct indices in [0, N); InputError for non-finite data.
template <typename Scalar>
nfindr::Result<Scalar> NFindr(const Matrix<Scalar>& pixels, Index r, const nfindr::Options& options = {});

}  // namespace unmix
