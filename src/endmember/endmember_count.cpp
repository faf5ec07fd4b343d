// Estimates of the number of endmembers (HySime, HySime with guard bands, HFC, NWHFC, the
// reconstruction-error elbow) and their median.
#include "unmix/endmember/endmember_count.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "abundance/classical_internal.hpp"
#include "unmix/abundance/nnls.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/stopwatch.hpp"
#include "unmix/endmember/hysime.hpp"
#include "unmix/endmember/vca.hpp"

namespace unmix {

bool rcount::Options::IsValid(std::string* why) const {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  if (!(false_alarm > 0.0 && false_alarm < 0.5)) return fail("false_alarm must be in (0, 0.5)");
  if (guard_bands < 0) return fail("guard_bands must be >= 0");
  if (max_count < 2) return fail("max_count must be >= 2");
  if (!(min_relative_gain > 0.0 && min_relative_gain < 1.0)) return fail("min_relative_gain must be in (0, 1)");
  if (max_pixels < 1) return fail("max_pixels must be >= 1");
  if (num_threads < 0) return fail("num_threads must be >= 0 (0 = automatic)");
  return true;
}

std::string rcount::Result::BriefReport() const {
  const auto& e = estimates;
  return fmt::format(
      "r estimates ({} pixels, p={}): hysime {}, hysime-guard {}, hfc {}, nwhfc {}, "
      "reconstruction {}; default (median of hysime-guard, nwhfc, reconstruction) {}; {:.3f} s",
      pixels, bands, e.hysime, e.hysime_guard, e.hfc, e.nwhfc, e.reconstruction, e.combined, seconds);
}

const std::vector<std::string>& rcount::EstimatorNames() {
  static const std::vector<std::string> names = {"default", "hysime", "hysime-guard", "hfc", "nwhfc", "reconstruction"};
  return names;
}

Index rcount::Pick(const Estimates& e, const std::string& name) {
  if (name == "default") return e.combined;
  if (name == "hysime") return e.hysime;
  if (name == "hysime-guard") return e.hysime_guard;
  if (name == "hfc") return e.hfc;
  if (name == "nwhfc") return e.nwhfc;
  if (name == "reconstruction") return e.reconstruction;
  throw OptionError(
      fmt::format("unknown r estimator '{}': expected default, hysime, hysime-guard, hfc, nwhfc or "
                  "reconstruction",
                  name));
}

double rcount::NormalUpperQuantile(double tail) {
  if (!(tail > 0.0 && tail < 1.0)) throw OptionError("NormalUpperQuantile: tail must be in (0, 1)");
  // Bisection on 0.5 erfc(z / sqrt 2) = tail, which is decreasing in z.
  double lo = -40.0, hi = 40.0;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (0.5 * std::erfc(mid / std::sqrt(2.0)) > tail)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

Index rcount::HfcCountFromEigenvalues(const VectorD& corr, const VectorD& cov, Index pixels, double false_alarm) {
  if (corr.size() != cov.size()) throw InputError("HFC: eigenvalue vectors differ in length");
  const double z = NormalUpperQuantile(false_alarm);
  const double n = static_cast<double>(pixels);
  Index count = 0;
  for (Index l = 0; l < corr.size(); ++l) {
    const double a = std::max(corr(l), 0.0), b = std::max(cov(l), 0.0);
    const double sigma = std::sqrt(2.0 * (a * a + b * b) / n);
    if (a - b > z * sigma) ++count;
  }
  return count;
}

Index rcount::ElbowCount(const std::vector<double>& rmse, double min_relative_gain) {
  if (rmse.empty()) return 0;
  // m_r: running minimum (VCA's endmembers for r + 1 need not contain those for r, so e_r can
  // rise); the estimate is the smallest r from which the rest of the sweep gains less than g.
  std::vector<double> m(rmse.size());
  m[0] = rmse[0];
  for (size_t r = 1; r < rmse.size(); ++r) m[r] = std::min(m[r - 1], rmse[r]);
  const double last = m.back();
  for (size_t r = 0; r < m.size(); ++r)
    if (!(m[r] > 0.0) || (m[r] - last) / m[r] < min_relative_gain) return static_cast<Index>(r + 1);
  return static_cast<Index>(m.size());
}

namespace {

// HFC from the uncentred Gram matrix G = Y Y^T and the column mean m: R = G / N,
// K = R - m m^T, optionally both scaled by D^{-1/2} on each side (whitening by variances d).
Index HfcFromGram(const MatrixD& gram, const VectorD& mean, Index n, double false_alarm,
                  const VectorD* noise_variance) {
  MatrixD r = gram / static_cast<double>(n);
  MatrixD k = r - mean * mean.transpose();
  if (noise_variance) {
    const VectorD s = noise_variance->cwiseMax(std::numeric_limits<double>::min()).cwiseSqrt().cwiseInverse();
    r = s.asDiagonal() * r * s.asDiagonal();
    k = s.asDiagonal() * k * s.asDiagonal();
  }
  VectorD lr, lk;
  MatrixD vecs;
  detail::SymmetricEigenDescending(0.5 * (r + r.transpose()), &lr, &vecs);
  detail::SymmetricEigenDescending(0.5 * (k + k.transpose()), &lk, &vecs);
  return rcount::HfcCountFromEigenvalues(lr, lk, n, false_alarm);
}

}  // namespace

template <typename Scalar>
Index HfcCount(const Matrix<Scalar>& y, double false_alarm, const VectorD* noise_variance, int num_threads) {
  if (!(false_alarm > 0.0 && false_alarm < 0.5)) throw OptionError("HFC: false_alarm must be in (0, 0.5)");
  if (noise_variance && noise_variance->size() != y.rows())
    throw InputError("NWHFC: noise variance length differs from the band count");
  detail::CheckFinite(y, "HFC: scene");
  const int threads = detail::ResolveThreads(num_threads);
  const Index p = y.rows();
  const MatrixD gram = detail::CenteredGram(y, VectorD::Zero(p), threads);
  const VectorD mean = detail::ColumnMean(y, threads);
  Index out = 0;
  detail::SerialEigen([&] { out = HfcFromGram(gram, mean, y.cols(), false_alarm, noise_variance); });
  return out;
}

template <typename Scalar>
rcount::Result EstimateCount(const Matrix<Scalar>& y, const rcount::Options& options) {
  {
    std::string why;
    if (!options.IsValid(&why)) throw OptionError("r estimate: " + why);
  }
  const Stopwatch clock;
  const Index p = y.rows(), n = y.cols();
  rcount::Result result;
  result.bands = p;
  result.pixels = n;
  auto& e = result.estimates;

  hysime::Options ho;
  ho.num_threads = options.num_threads;
  const auto plain = EstimateEndmemberCount<Scalar>(y, ho);  // validates the scene
  e.hysime = plain.count;
  ho.guard_bands = std::min<Index>(options.guard_bands, std::max<Index>(0, (p - 2) / 2));
  const auto guarded = EstimateEndmemberCount<Scalar>(y, ho);
  e.hysime_guard = guarded.count;
  const VectorD noise_var = guarded.noise_variance.template cast<double>();
  result.noise_rms = std::sqrt(std::max(noise_var.mean(), 0.0));

  const int threads = detail::ResolveThreads(options.num_threads);
  const MatrixD gram = detail::CenteredGram(y, VectorD::Zero(p), threads);
  const VectorD mean = detail::ColumnMean(y, threads);
  detail::SerialEigen([&] {
    e.hfc = HfcFromGram(gram, mean, n, options.false_alarm, nullptr);
    e.nwhfc = HfcFromGram(gram, mean, n, options.false_alarm, &noise_var);
  });

  // Reconstruction sweep on strided pixels; VCA sees the whole scene.
  const Index used = std::min(n, options.max_pixels);
  Matrix<Scalar> sample(p, used);
  for (Index j = 0; j < used; ++j) sample.col(j) = y.col(j * n / used);
  const Index rmax = std::min({options.max_count, p - 1, n - 1});
  vca::Options vo;
  vo.seed = options.seed;
  vo.num_threads = options.num_threads;
  nnls::Options no;
  no.num_threads = options.num_threads;
  for (Index r = 1; r <= rmax; ++r) {
    const auto v = Vca<Scalar>(y, r, vo);
    const auto a = Nnls<Scalar>(v.endmembers, sample, no);
    const MatrixD resid =
        sample.template cast<double>() - v.endmembers.template cast<double>() * a.abundances.template cast<double>();
    result.reconstruction_rmse.push_back(std::sqrt(resid.squaredNorm() / static_cast<double>(resid.size())));
  }
  e.reconstruction = rcount::ElbowCount(result.reconstruction_rmse, options.min_relative_gain);

  Index three[3] = {e.hysime_guard, e.nwhfc, e.reconstruction};
  std::sort(three, three + 3);
  e.combined = three[1];
  result.count = e.combined;
  result.seconds = clock.seconds();
  return result;
}

template Index HfcCount<float>(const MatrixF&, double, const VectorD*, int);
template Index HfcCount<double>(const MatrixD&, double, const VectorD*, int);
template rcount::Result EstimateCount<float>(const MatrixF&, const rcount::Options&);
template rcount::Result EstimateCount<double>(const MatrixD&, const rcount::Options&);

}  // namespace unmix
