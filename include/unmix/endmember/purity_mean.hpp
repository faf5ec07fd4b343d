#pragma once
// Endmembers re-estimated as purity-weighted means of the pixels. An extreme-point search returns
// the most extreme (spatially averaged) pixel of each material, and where a material is dark or
// noisy that extreme is the darkest, noisiest corner of its pure region rather than its typical
// spectrum. Given such endmembers E0, each pixel's scaled-simplex abundances x (NNLS of the pixel
// on E0, divided by their sum: the mixture with a free brightness) say how pure it is, and
//   e_k = sum_j w_kj y_j / sum_j w_kj,   w_kj = x_kj^q,
// is the mean of the pixels that are nearly pure in k. The weights are fractions, so they do not
// change with the data's scale or with a pixel's brightness; q sets how fast a pixel's weight
// falls with its mixture (at q = 32 a pixel 2 % mixed weighs half as much as a pure one). Where
// a material has no nearly pure pixels the weighted mean is pulled inwards, so the step is for
// scenes with pure regions.
#include <string>

#include "unmix/core/types.hpp"

namespace unmix {
namespace purity {

struct Options {
  double exponent = 32;  // q
  int num_threads = 0;   // for the NNLS; 0 = omp_get_max_threads(); results do not depend on it

  bool IsValid(std::string* why) const;
};

struct Result {
  MatrixF endmembers;    // p x r
  VectorD total_weight;  // r: sum_j w_kj, the effective count of pure pixels behind each endmember
};

}  // namespace purity

// endmembers: p x r, pixels: p x N (N >= 1). An endmember whose weights are all zero (no pixel
// uses it) is returned unchanged. Throws OptionError on invalid options or mismatched shapes.
purity::Result PurityWeightedEndmembers(const MatrixF& endmembers, const MatrixF& pixels,
                                        const purity::Options& options = {});

}  // namespace unmix
