#pragma once
// Spatially averaged pixels for the endmember search. Real scenes vary from pixel to pixel
// within one material (noise, texture, illumination); the mean over a window that lies inside a
// pure region keeps the material's spectrum and removes most of that variation, so an
// extreme-point search (N-FINDR) on the averaged image finds purer, steadier vertices than on
// the raw pixels. Pixels near boundaries average several materials and fall inside the simplex,
// where they cannot become vertices.
#include "unmix/core/scene.hpp"

namespace unmix {

// The mean of the valid pixels in the window x window square centred on each valid pixel (the
// window clipped at the image border), as a p x n matrix over the valid pixels in their order.
// `window` must be odd and >= 1 (1 returns the valid pixels). Computed with running sums along
// rows and columns: O(p N) whatever the window.
MatrixF SpatialMean(const Scene& scene, Index window);

}  // namespace unmix
