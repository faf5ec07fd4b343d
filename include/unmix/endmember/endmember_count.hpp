#pragma once
// Several estimates of the number of endmembers r, and a default that combines them.
//
//  hysime       HySime (hysime.hpp) with the published noise regression (band i on all others).
//  hysime-guard HySime whose noise regression leaves out Options::guard_bands neighbours on each
//               side of band i, so noise correlated between neighbouring bands is not taken for
//               signal (hysime::Options::guard_bands).
//  hfc          Harsanyi-Farrand-Chang virtual dimensionality (Chang & Du 2004): with lambda_l
//               the eigenvalues of the uncentred correlation R = Y Y^T / N and mu_l those of the
//               covariance K (both descending), a component is signal when
//               lambda_l - mu_l > z_{1-P_F} sqrt(2 (lambda_l^2 + mu_l^2) / N), the Neyman-Pearson
//               test at false-alarm rate P_F = Options::false_alarm (z: standard normal quantile).
//  nwhfc        Noise-whitened HFC: the same test on the data divided, band by band, by the noise
//               standard deviation of the hysime-guard regression.
//  reconstruction  For r = 1 .. Options::max_count: VCA endmembers (seed Options::seed), NNLS
//               abundances on at most Options::max_pixels evenly strided pixels, and the
//               reconstruction RMSE e_r over all entries; m_r is its running minimum (VCA is not
//               nested, e_r can rise). The estimate is the smallest r from which the rest of the
//               sweep gains less than g = Options::min_relative_gain: (m_r - m_max) / m_r < g.
//               Looking at the rest of the sweep, not only at r + 1, keeps one unlucky VCA draw
//               (a step that gains nothing before a large one) from stopping the count early.
//               NNLS (no sum-to-one) so that per-pixel brightness scaling is not fitted with
//               extra endmembers.
//  default      The median of hysime-guard, nwhfc and reconstruction (three numbers, no ties).
//
// Requirements as for HySime: at least 2 bands, more pixels than bands, not all zero.
#include <cstdint>
#include <string>
#include <vector>

#include "unmix/core/types.hpp"

namespace unmix {
namespace rcount {

struct Options {
  double false_alarm = 1e-3;        // P_F of HFC and NWHFC; in (0, 0.5). Default 1e-3.
  Index guard_bands = 3;            // hysime-guard and NWHFC noise regression. Default 3.
  Index max_count = 20;             // largest r the reconstruction sweep tries (capped at p - 1)
  double min_relative_gain = 0.15;  // reconstruction elbow threshold g. Default 0.15.
  Index max_pixels = 4000;          // pixels used by the reconstruction sweep (strided)
  std::uint64_t seed = 0;           // VCA seed in the reconstruction sweep
  int num_threads = 0;              // 0 = omp_get_max_threads()

  bool IsValid(std::string* why) const;
};

struct Estimates {
  Index hysime = 0, hysime_guard = 0, hfc = 0, nwhfc = 0, reconstruction = 0;
  Index combined = 0;  // the default: median of hysime_guard, nwhfc, reconstruction
};

struct Result {
  Estimates estimates;
  Index count = 0;                          // == estimates.combined
  std::vector<double> reconstruction_rmse;  // e_r for r = 1 .. max_count (index r - 1)
  double noise_rms = 0.0;                   // sqrt of the mean hysime-guard noise variance
  Index bands = 0, pixels = 0;
  double seconds = 0.0;

  std::string BriefReport() const;
};

// Names accepted by EstimateCount: "default", "hysime", "hysime-guard", "hfc", "nwhfc",
// "reconstruction".
const std::vector<std::string>& EstimatorNames();
// Value of one named estimate; throws OptionError for an unknown name.
Index Pick(const Estimates& e, const std::string& name);

// Standard normal upper quantile: z with P(Z > z) = tail, tail in (0, 1).
double NormalUpperQuantile(double tail);

// HFC count from the eigenvalues of R and K (descending), N pixels, false-alarm rate P_F.
Index HfcCountFromEigenvalues(const VectorD& correlation_eigenvalues, const VectorD& covariance_eigenvalues,
                              Index pixels, double false_alarm);

// The elbow rule on a reconstruction-error curve e_1, e_2, ... (see above).
Index ElbowCount(const std::vector<double>& rmse, double min_relative_gain);

}  // namespace rcount

// HFC on Y (p x N); with noise_variance (p, > 0) the bands are whitened first (NWHFC).
template <typename Scalar>
Index HfcCount(const Matrix<Scalar>& pixels, double false_alarm, const VectorD* noise_variance = nullptr,
               int num_threads = 0);

// All estimates and the default. Throws InputError / OptionError as HySime does.
template <typename Scalar>
rcount::Result EstimateCount(const Matrix<Scalar>& pixels, const rcount::Options& options = {});

}  // namespace unmix
