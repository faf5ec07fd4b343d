#pragma once
// Unmixing metrics with explicit conventions.
//
// Endmembers are p x r (one per column); abundances are r x N (one pixel per column).
// - SAD(a, b) = arccos(<a, b> / (|a| |b|)), cosine clipped to [-1, 1]; a zero vector against anything
//   is 90 degrees (no direction), never NaN.
// - Abundance RMSE (papers' convention, `u-admm-nets.txt` eq. (28)): per pixel sqrt(mean_m (x - x~)^2),
//   then the mean over pixels. Also reported: global RMSE sqrt(mean over all entries) and
//   per-endmember RMSE sqrt(mean over pixels (x_m - x~_m)^2).
// - MAE x 100: per pixel mean_m |x - x~|, times 100, mean over pixels (eq. (29)).
// - AAD: per pixel SAD between the true and estimated abundance vectors, in degrees, mean over pixels.
// - AID: per pixel symmetric KL divergence KL(x|x~) + KL(x~|x) = sum_m (x_m - x~_m)(ln x_m - ln x~_m),
//   with both vectors clamped below at `aid_epsilon` (default 1e-8) and not renormalised; mean over pixels.
// - Reconstruction: RMSE over all entries of Y - A X, and relative Frobenius error |Y - AX|_F / |Y|_F.
#include <optional>
#include <string>
#include <vector>

#include "unmix/core/types.hpp"
#include "unmix/metrics/matching.hpp"

namespace unmix {

inline constexpr double kDefaultAidEpsilon = 1e-8;

// Spectral angle between two vectors, in radians.
double SpectralAngle(const Eigen::Ref<const VectorD>& a, const Eigen::Ref<const VectorD>& b);
// Column-wise spectral angles between matched columns of two p x r matrices, in radians.
VectorD SpectralAngles(const MatrixD& reference, const MatrixD& estimate);

struct AbundanceErrors {
  double rmse = 0;         // mean over pixels of per-pixel RMSE
  double rmse_global = 0;  // sqrt of mean over all entries
  VectorD rmse_per_endmember;
  double mae_x100 = 0;  // mean over pixels of per-pixel mean absolute error, x 100
  double aad_deg = 0;   // mean over pixels of abundance angle, degrees
  double aid = 0;       // mean over pixels of symmetric KL divergence
};

// Compares r x N abundance matrices column by column (same pixel order, already matched).
// `pixels`, when given, restricts the comparison to those columns (e.g. the test set).
AbundanceErrors CompareAbundances(const MatrixD& reference, const MatrixD& estimate,
                                  double aid_epsilon = kDefaultAidEpsilon, const std::vector<Index>* pixels = nullptr);

struct ReconstructionErrors {
  double rmse = 0;                // sqrt(mean over all entries of (Y - AX)^2)
  double relative_frobenius = 0;  // |Y - AX|_F / |Y|_F
  double mean_angle_deg = 0;      // mean over pixels of the angle between y and Ax, degrees
};
ReconstructionErrors CompareReconstruction(const MatrixF& data, const MatrixD& endmembers, const MatrixD& abundances);

// Everything an evaluation needs; pointers may be null for what is not available.
struct EvaluationInput {
  const MatrixD* ref_endmembers = nullptr;          // p x r_ref
  const MatrixD* est_endmembers = nullptr;          // p x r_est
  const MatrixD* ref_abundances = nullptr;          // r_ref x N
  const MatrixD* est_abundances = nullptr;          // r_est x N
  const MatrixF* data = nullptr;                    // p x N, for the reconstruction error
  const std::vector<Index>* test_pixels = nullptr;  // restrict abundance metrics to these pixels
  MatchRule rule = MatchRule::kHungarianSad;
  double aid_epsilon = kDefaultAidEpsilon;
};

struct Evaluation {
  Matching matching;
  std::vector<double> sad_rad;  // per reference endmember, reference order (empty if no endmembers)
  std::optional<AbundanceErrors> abundances;
  std::optional<ReconstructionErrors> reconstruction;
  double aid_epsilon = kDefaultAidEpsilon;
  // Estimated endmembers (columns of the estimate, else rows of the estimated abundances) and
  // those the matching paired with no reference, ascending. The scores above cover the matched
  // ones only, so a surplus (r_est > r_ref) is reported beside them, never averaged away.
  Index estimated_count = 0;
  Index reference_count = 0;
  std::vector<Index> unmatched_estimates;

  Index unmatched_count() const { return static_cast<Index>(unmatched_estimates.size()); }
  bool has_sad() const { return !sad_rad.empty(); }
  double sad_rad_mean() const;
  double sad_deg_mean() const;
  std::vector<double> sad_deg() const;
};

// Matches, permutes, and scores. Throws OptionError when inputs disagree in size.
Evaluation Evaluate(const EvaluationInput& in);

inline double RadToDeg(double r) { return r * 57.29577951308232; }

}  // namespace unmix
