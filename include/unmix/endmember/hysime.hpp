#pragma once
// HySime (hyperspectral signal identification by minimum error; Bioucas-Dias & Nascimento 2008):
// estimates the number of endmembers r as the dimension of the signal subspace.
//  1. Noise: each band is regressed on all other bands (least squares over the pixels, through
//     the inverse of the band correlation matrix Y Y^T, with a small ridge); the regression
//     residual is the noise estimate and its per-band variance (residual sum of squares over
//     the N - (p - 1) degrees of freedom) the noise correlation (diagonal). With
//     Options::guard_bands = g the regression leaves out the g neighbours on each side as well.
//  2. Subspace: with R_x the correlation of the signal estimate (Y minus noise) and e_i its
//     eigenvectors, direction i is kept when its projected signal power exceeds its projected
//     noise power, i.e. the mean squared error criterion -e_i^T R_y e_i + 2 e_i^T R_n e_i < 0.
//     r is the number of kept directions.
// Correlations are uncentred (the sum-to-one data lie in an r-dimensional linear subspace).
// Computations are in double; one pass over the data forms Y Y^T, everything else is p x p.
//
// Requirements: at least 2 bands and more pixels than bands (N > p), otherwise InputError;
// an all-zero scene is an InputError. An all-equal scene gives r = 1.
#include <string>

#include "unmix/core/types.hpp"

namespace unmix {
namespace hysime {

struct Options {
  // Ridge added to Y Y^T before inversion, relative to trace(Y Y^T) / p. Keeps the regression
  // defined for rank-deficient (e.g. noise-free) data. Default 1e-9.
  double regression_ridge = 1e-9;
  // Floor added to the noise correlation, relative to trace(R_x) / p, so that noise-free data
  // do not count rounding-level directions as signal. Default 1e-10.
  double noise_floor = 1e-10;
  // Bands on each side of band i left out of its noise regression. 0 (default) is the
  // published method: band i is regressed on all other bands. Noise correlated between
  // neighbouring bands (real sensors: AR(1)-like, rho 0.3-0.9) is then partly predicted from the
  // neighbours' noise, the residual underestimates it and r is overestimated; with g > 0 band i
  // is regressed on bands |j - i| > g only, so the neighbours' noise cannot explain its own.
  // The degrees of freedom become N - (p - 2g - 1). Must leave at least one band: 2g + 1 < p.
  Index guard_bands = 0;
  // Keep the p x N noise estimate in Result::noise (one extra pass over the data). Default off.
  bool keep_noise = false;
  int num_threads = 0;  // 0 = omp_get_max_threads(); results do not depend on it

  bool IsValid(std::string* why) const;
};

struct Summary {
  Index bands = 0, pixels = 0;
  Index count = 0;            // estimated r
  double signal_power = 0.0;  // trace(R_x) / p: mean signal power per band
  double noise_power = 0.0;   // mean noise variance per band
  double snr_db = 0.0;        // 10 log10(signal_power / noise_power) (inf if noise is 0)
  double seconds = 0.0;

  std::string BriefReport() const;
};

template <typename Scalar>
struct Result {
  Index count = 0;                    // estimated number of endmembers r
  Vector<Scalar> noise_variance;      // p: estimated noise variance of each band
  Matrix<Scalar> noise;               // p x N noise estimate when Options::keep_noise, else empty
  Matrix<Scalar> subspace;            // p x r orthonormal basis of the signal subspace
  Vector<Scalar> signal_eigenvalues;  // p eigenvalues of R_x, descending
  Vector<Scalar> cost;                // p values of the criterion, same order as signal_eigenvalues
  Summary summary;
};

}  // namespace hysime

// Y: p x N scene (one pixel per column). Throws InputError / OptionError (see above).
template <typename Scalar>
hysime::Result<Scalar> EstimateEndmemberCount(const Matrix<Scalar>& pixels, const hysime::Options& options = {});

}  // namespace unmix
