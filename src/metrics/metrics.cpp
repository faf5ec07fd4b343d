#include "unmix/metrics/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "unmix/core/error.hpp"

namespace unmix {

double SpectralAngle(const Eigen::Ref<const VectorD>& a, const Eigen::Ref<const VectorD>& b) {
  const double na = a.norm(), nb = b.norm();
  if (na == 0.0 || nb == 0.0 || !std::isfinite(na) || !std::isfinite(nb)) return std::numbers::pi / 2;
  const double c = std::clamp(a.dot(b) / (na * nb), -1.0, 1.0);
  return std::acos(c);
}

VectorD SpectralAngles(const MatrixD& reference, const MatrixD& estimate) {
  if (reference.rows() != estimate.rows() || reference.cols() != estimate.cols())
    throw OptionError(fmt::format("spectral angles: reference is {} x {}, estimate {} x {}", reference.rows(),
                                  reference.cols(), estimate.rows(), estimate.cols()));
  VectorD out(reference.cols());
  for (Index j = 0; j < reference.cols(); ++j) out(j) = SpectralAngle(reference.col(j), estimate.col(j));
  return out;
}

AbundanceErrors CompareAbundances(const MatrixD& ref, const MatrixD& est, double eps,
                                  const std::vector<Index>* pixels) {
  if (ref.rows() != est.rows() || ref.cols() != est.cols())
    throw OptionError(fmt::format("abundance comparison: reference is {} x {}, estimate {} x {}", ref.rows(),
                                  ref.cols(), est.rows(), est.cols()));
  const Index r = ref.rows();
  const Index n = pixels ? static_cast<Index>(pixels->size()) : ref.cols();
  AbundanceErrors e;
  e.rmse_per_endmember = VectorD::Zero(r);
  if (n == 0 || r == 0) return e;
  double sum_sq = 0;
  for (Index t = 0; t < n; ++t) {
    const Index k = pixels ? (*pixels)[static_cast<size_t>(t)] : t;
    const auto x = ref.col(k);
    const auto y = est.col(k);
    const VectorD d = x - y;
    const double sq = d.squaredNorm();
    sum_sq += sq;
    e.rmse += std::sqrt(sq / static_cast<double>(r));
    e.rmse_per_endmember += d.cwiseAbs2();
    e.mae_x100 += d.cwiseAbs().mean() * 100.0;
    e.aad_deg += RadToDeg(SpectralAngle(x, y));
    double aid = 0;
    for (Index m = 0; m < r; ++m) {
      const double a = std::max(x(m), eps), b = std::max(y(m), eps);
      aid += (a - b) * (std::log(a) - std::log(b));
    }
    e.aid += aid;
  }
  const double dn = static_cast<double>(n);
  e.rmse /= dn;
  e.rmse_global = std::sqrt(sum_sq / (dn * static_cast<double>(r)));
  e.rmse_per_endmember = (e.rmse_per_endmember / dn).cwiseSqrt();
  e.mae_x100 /= dn;
  e.aad_deg /= dn;
  e.aid /= dn;
  return e;
}

ReconstructionErrors CompareReconstruction(const MatrixF& data, const MatrixD& endmembers, const MatrixD& abundances) {
  if (endmembers.rows() != data.rows() || abundances.cols() != data.cols() || endmembers.cols() != abundances.rows())
    throw OptionError(fmt::format("reconstruction: data {} x {}, endmembers {} x {}, abundances {} x {} do not fit",
                                  data.rows(), data.cols(), endmembers.rows(), endmembers.cols(), abundances.rows(),
                                  abundances.cols()));
  ReconstructionErrors e;
  const Index n = data.cols();
  if (n == 0) return e;
  double err = 0, total = 0, angles = 0;
  constexpr Index kBlock = 1024;
  for (Index k0 = 0; k0 < n; k0 += kBlock) {
    const Index w = std::min(kBlock, n - k0);
    const MatrixD y = data.middleCols(k0, w).cast<double>();
    const MatrixD yhat = endmembers * abundances.middleCols(k0, w);
    err += (y - yhat).squaredNorm();
    total += y.squaredNorm();
    for (Index k = 0; k < w; ++k) angles += SpectralAngle(y.col(k), yhat.col(k));
  }
  e.rmse = std::sqrt(err / static_cast<double>(data.size()));
  e.relative_frobenius = total > 0 ? std::sqrt(err / total) : 0.0;
  e.mean_angle_deg = RadToDeg(angles / static_cast<double>(n));
  return e;
}

double Evaluation::sad_rad_mean() const {
  if (sad_rad.empty()) return 0;
  double s = 0;
  for (double v : sad_rad) s += v;
  return s / static_cast<double>(sad_rad.size());
}
double Evaluation::sad_deg_mean() const { return RadToDeg(sad_rad_mean()); }
std::vector<double> Evaluation::sad_deg() const {
  std::vector<double> out;
  for (double v : sad_rad) out.push_back(RadToDeg(v));
  return out;
}

Evaluation Evaluate(const EvaluationInput& in) {
  Evaluation ev;
  ev.aid_epsilon = in.aid_epsilon;
  const bool have_e = in.ref_endmembers && in.est_endmembers;
  const bool have_a = in.ref_abundances && in.est_abundances;
  if (!have_e && !have_a)
    throw OptionError(
        "evaluation: nothing to compare (need reference and estimated endmembers "
        "and/or abundances)");
  ev.matching = MatchEndmembers(in.ref_endmembers, in.est_endmembers, in.ref_abundances, in.est_abundances, in.rule);
  const auto& perm = ev.matching.estimate_for_reference;
  ev.reference_count = static_cast<Index>(perm.size());
  ev.estimated_count = in.est_endmembers ? in.est_endmembers->cols() : in.est_abundances->rows();
  {
    std::vector<char> used(static_cast<size_t>(ev.estimated_count), 0);
    for (const Index j : perm)
      if (j >= 0 && j < ev.estimated_count) used[static_cast<size_t>(j)] = 1;
    for (Index j = 0; j < ev.estimated_count; ++j)
      if (!used[static_cast<size_t>(j)]) ev.unmatched_estimates.push_back(j);
  }
  if (have_e) {
    for (size_t i = 0; i < perm.size(); ++i)
      ev.sad_rad.push_back(
          SpectralAngle(in.ref_endmembers->col(static_cast<Index>(i)), in.est_endmembers->col(perm[i])));
  }
  if (have_a) {
    if (in.ref_abundances->cols() != in.est_abundances->cols())
      throw OptionError(fmt::format("evaluation: reference abundances cover {} pixels, estimates {}",
                                    in.ref_abundances->cols(), in.est_abundances->cols()));
    MatrixD matched(in.ref_abundances->rows(), in.est_abundances->cols());
    for (size_t i = 0; i < perm.size(); ++i) matched.row(static_cast<Index>(i)) = in.est_abundances->row(perm[i]);
    ev.abundances = CompareAbundances(*in.ref_abundances, matched, in.aid_epsilon, in.test_pixels);
  }
  if (in.data && in.est_endmembers && in.est_abundances)
    ev.reconstruction = CompareReconstruction(*in.data, *in.est_endmembers, *in.est_abundances);
  return ev;
}

}  // namespace unmix
