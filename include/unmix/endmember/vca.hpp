#pragma once
// VCA: vertex component analysis (Nascimento & Bioucas-Dias 2005). Extracts r endmembers as
// pixels of the scene by repeatedly projecting the data onto a random direction orthogonal to
// the endmembers found so far and taking the extreme pixel.
//
// Projection depends on the SNR (estimated from the data unless given):
//  * SNR > 15 + 10 log10(r) dB: projection onto the r leading eigenvectors of the uncentred
//    correlation Y Y^T / N, then the projective scaling y / (u^T y) with u the projected mean;
//  * otherwise: projection onto the r-1 leading principal components (centred) plus a constant
//    coordinate equal to the largest projected norm.
// Random directions are standard normal vectors from unmix::Rng(seed), drawn serially, so the
// result depends only on the seed (not on the thread count).
//
// Fallbacks: pixels whose projective scale u^T y is ~0 (e.g. zero pixels) are never selected
// unless nothing else is left. The selected indices are always distinct. When the data span
// fewer than r dimensions (r larger than the signal subspace, all-equal pixels), the extra
// endmembers are still distinct pixels (the smallest unused index when all candidates tie) and
// Summary::rank_deficient is set. An all-zero scene is an InputError.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "unmix/core/types.hpp"

namespace unmix {
namespace vca {

struct Options {
  std::uint64_t seed = 0;        // seed of the random projections. Default 0.
  std::optional<double> snr_db;  // known SNR in dB; unset = estimate from the data (default)
  // Return the endmembers as the selected pixels projected onto the estimated signal subspace
  // (denoised, as in the reference algorithm; default) instead of the raw pixels.
  bool projected_endmembers = true;
  int num_threads = 0;  // 0 = omp_get_max_threads(); results do not depend on it

  bool IsValid(std::string* why) const;
};

struct Summary {
  Index bands = 0, pixels = 0, endmembers = 0;
  double snr_db = 0.0;            // estimated (or given) SNR
  double snr_threshold_db = 0.0;  // 15 + 10 log10(r)
  bool snr_estimated = true;
  bool high_snr_projection = true;  // which projection was used (see above)
  bool rank_deficient = false;      // the data span fewer than r dimensions
  double seconds = 0.0;

  std::string BriefReport() const;
};

template <typename Scalar>
struct Result {
  Matrix<Scalar> endmembers;   // p x r
  std::vector<Index> indices;  // r distinct pixel indices, in order of selection
  Summary summary;
};

}  // namespace vca

// Y: p x N. Throws OptionError unless 1 <= r <= min(p, N); InputError for non-finite or all-zero
// data.
template <typename Scalar>
vca::Result<Scalar> Vca(const Matrix<Scalar>& pixels, Index r, const vca::Options& options = {});

}  // namespace unmix
