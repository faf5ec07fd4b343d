#pragma once
// Synthetic scenes by the procedure both papers use: an a^2 x a^2 image cut into a x a patches,
// each patch a two-endmember mixture with fractions gamma and 1 - gamma, then a Gaussian blur,
// rescaling to sum one, and white Gaussian noise at a given SNR.
//
// Blur: a k x k kernel (k = a + 1 by default) with w(dx, dy) ~ exp(-(dx^2 + dy^2) / (2 var)),
// offsets centred on the kernel (half-integers when k is even, anchored like MATLAB imfilter),
// normalised to sum one. Pixels outside the image count as zero; since the abundance maps sum to
// one everywhere, the rescaling step makes this identical to a normalised convolution at the border.
//
// SNR (`u-admm-nets.txt` eq. (30)): SNR = 10 log10(E[|A x|^2] / E[|n|^2]), expectations over
// pixels, so the noise standard deviation per band is sqrt(mean_k |A x_k|^2 / (p 10^(SNR/10))).
// SNR = +inf means no noise.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "unmix/core/scene.hpp"
#include "unmix/core/spectral_library.hpp"
#include "unmix/synth/spectra.hpp"

namespace unmix {

struct SyntheticOptions {
  Index patch = 10;            // a: patches are a x a pixels, the image a^2 x a^2
  double gamma = 0.8;          // fraction of the first endmember in each patch
  Index endmembers = 6;        // r
  double blur_variance = 2.0;  // Gaussian variance in pixels^2
  Index kernel_size = 0;       // 0 means patch + 1
  double snr_db = std::numeric_limits<double>::infinity();
  std::uint64_t seed = 0;
  // Not in the papers; both default to their procedure. Layout kRegions replaces the patches by
  // `regions` Voronoi cells (seeds uniform over the image), each pure in one endmember (cell i
  // takes endmember i mod r), blurred like the patches: pure regions with mixed borders, as real
  // scenes have. `brightness` b > 0 scales each pixel's clean spectrum by a factor uniform in
  // [1 - b, 1 + b] (illumination and topography), drawn after the abundances and before the
  // noise; the reference abundances stay on the simplex.
  enum class Layout { kPatches, kRegions };
  Layout layout = Layout::kPatches;
  Index regions = 40;
  double brightness = 0;
  // Real-scene failure modes, all off by default (the scenes above stay bit for bit):
  //  * max_purity c < 1: every pixel whose largest abundance exceeds c is moved towards the
  //    simplex centre, x <- t x + (1 - t) 1/r with t such that its largest abundance is c, so no
  //    pixel is purer than c (the papers' scenes are capped at gamma = 0.8 by construction).
  //  * dark > 0: the last endmember is scaled to mean reflectance `dark` (water, shade).
  //  * variability v > 0: endmember variability between pixels; pixel k mixes the spectra
  //    e_i * (1 + v (a_ik + b_ik t)), t in [-1, 1] running over the bands, a_ik and b_ik uniform
  //    in [-1, 1]: a brightness and a slope of its own for every material in every pixel. The
  //    reference endmembers are the unperturbed e_i.
  //  * noise_correlation rho in [0, 1): the noise of each pixel is an AR(1) series over the
  //    bands, n_b = rho n_{b-1} + sqrt(1 - rho^2) w_b, with the same per-band variance (and SNR)
  //    as white noise.
  double max_purity = 1;
  double dark = 0;
  double variability = 0;
  double noise_correlation = 0;
  // Endmember source. With a library: `library_names` picks by name, else random picks that
  // satisfy spectra.min_angle_deg. Without a library: the built-in generator.
  std::vector<std::string> library_names;
  SpectraOptions spectra;

  Index image_side() const { return patch * patch; }
  Index kernel() const { return kernel_size > 0 ? kernel_size : patch + 1; }
  bool IsValid(std::string* why) const;

  // `u-admm-nets.txt` section VI-B: a = 10, gamma = 0.8, six random endmembers, 224 bands.
  static SyntheticOptions UAdmmNets();
  // `nmf-sae.txt` section 3.2: z = 8, beta = 0.8, kernel (z+1) x (z+1), and its six named
  // minerals when drawn from a library (Carnallite, Ammonio-jarosite, Almandine, Brucite,
  // Axinite, Chlorite).
  static SyntheticOptions NmfSae();
};

struct SyntheticScene {
  Scene scene;                                                       // p x N noisy data, rows = cols = a^2
  Endmembers endmembers;                                             // p x r
  Abundances abundances;                                             // r x N, columns sum to one
  MatrixF clean;                                                     // p x N noise-free data (A X)
  double noise_sigma = 0;                                            // per-band standard deviation of the added noise
  double realized_snr_db = std::numeric_limits<double>::infinity();  // from the noise drawn
};

// Builds the scene. Same options (and library), same scene, bit for bit.
// Throws OptionError when the options are invalid or the library cannot supply the endmembers.
SyntheticScene MakeSyntheticScene(const SyntheticOptions& options, const SpectralLibrary* library = nullptr);

// The normalised k x k Gaussian kernel used by the blur step.
MatrixD GaussianKernel(Index k, double variance);

// The steps on their own, for tests and reuse: patch abundances (r x N, row-major pixels),
// the blur with zero padding, and rescaling each pixel to sum one.
MatrixD PatchAbundances(Index patch, Index endmembers, double gamma, Rng& rng);
MatrixD RegionAbundances(Index side, Index endmembers, Index regions, Rng& rng);
MatrixD BlurAbundances(const MatrixD& abundances, Index side, const MatrixD& kernel);
void RescaleToSumOne(MatrixD& abundances);
// Moves every pixel (column) whose largest abundance exceeds `cap` towards the simplex centre
// 1/r until its largest abundance is `cap` (SyntheticOptions::max_purity).
void CapPurity(MatrixD& abundances, double cap);

}  // namespace unmix
