#pragma once
// Synthetic linear-mixture scenes for the classical-chain tests and benchmarks (no gtest here).
//  * endmembers: smooth positive spectra, a baseline plus a few Gaussian bumps, with a minimum
//    pairwise spectral angle;
//  * abundances: Dirichlet, with one pure pixel per endmember at random positions;
//  * noise: white Gaussian at SNR = 10 log10(mean ||A x||^2 / mean ||n||^2).
// All randomness comes from unmix::Rng, so scenes are identical on every platform.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "unmix/core/rng.hpp"
#include "unmix/core/types.hpp"

namespace unmix::testing {

inline double SpectralAngleDeg(const VectorD& a, const VectorD& b) {
  const double c = a.dot(b) / (a.norm() * b.norm());
  return std::acos(std::clamp(c, -1.0, 1.0)) * 180.0 / std::numbers::pi;
}

inline MatrixD SmoothSpectra(Index p, Index r, double min_angle_deg, Rng& rng) {
  MatrixD a(p, r);
  Index k = 0;
  for (int attempt = 0; k < r; ++attempt) {
    if (attempt > 100000) throw std::runtime_error("SmoothSpectra: angle constraint too tight");
    VectorD s = VectorD::Constant(p, rng.Uniform(0.05, 0.3));
    const int bumps = 2 + static_cast<int>(rng.Below(5));
    for (int b = 0; b < bumps; ++b) {
      const double centre = rng.Uniform(-0.1, 1.1) * static_cast<double>(p - 1);
      const double width = rng.Uniform(0.03, 0.25) * static_cast<double>(p);
      const double height = rng.Uniform(0.05, 0.6);
      for (Index i = 0; i < p; ++i) {
        const double t = (static_cast<double>(i) - centre) / width;
        s(i) += height * std::exp(-0.5 * t * t);
      }
    }
    bool ok = true;
    for (Index j = 0; j < k && ok; ++j) ok = SpectralAngleDeg(a.col(j), s) >= min_angle_deg;
    if (ok) a.col(k++) = s;
  }
  return a;
}

// Gamma(shape, 1) by Marsaglia-Tsang (shape < 1 through the boost Gamma(shape + 1) U^(1/shape)).
inline double GammaDraw(double shape, Rng& rng) {
  if (shape < 1.0) {
    double u;
    do u = rng.Uniform();
    while (u <= 0.0);
    return GammaDraw(shape + 1.0, rng) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = rng.Normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.Uniform();
    if (u > 0.0 && std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

inline MatrixD DirichletAbundances(Index r, Index n, double alpha, Rng& rng) {
  MatrixD x(r, n);
  for (Index j = 0; j < n; ++j) {
    for (Index i = 0; i < r; ++i) x(i, j) = GammaDraw(alpha, rng);
    x.col(j) /= x.col(j).sum();
  }
  return x;
}

inline MatrixD AddNoise(const MatrixD& clean, double snr_db, Rng& rng, double* sigma_out = nullptr) {
  if (!std::isfinite(snr_db)) {
    if (sigma_out) *sigma_out = 0.0;
    return clean;
  }
  const double signal = clean.squaredNorm() / static_cast<double>(clean.cols());
  const double sigma = std::sqrt(signal / (static_cast<double>(clean.rows()) * std::pow(10.0, snr_db / 10.0)));
  MatrixD y = clean;
  for (Index j = 0; j < y.cols(); ++j)
    for (Index i = 0; i < y.rows(); ++i) y(i, j) += sigma * rng.Normal();
  if (sigma_out) *sigma_out = sigma;
  return y;
}

struct SyntheticScene {
  MatrixD endmembers;       // p x r
  MatrixD abundances;       // r x N
  MatrixD clean;            // A X
  MatrixD pixels;           // A X + noise
  double sigma = 0.0;       // noise standard deviation per band
  std::vector<Index> pure;  // pure[k] = pixel index of the pure pixel of endmember k
};

inline constexpr double kNoiseFree = std::numeric_limits<double>::infinity();
inline constexpr Index kJasperBands = 198;  // Jasper Ridge's band count, the benchmarks' scene size

inline SyntheticScene MakeScene(Index p, Index r, Index n, double snr_db, std::uint64_t seed, double alpha = 1.0,
                                double min_angle_deg = 5.0) {
  Rng rng(seed);
  SyntheticScene s;
  s.endmembers = SmoothSpectra(p, r, min_angle_deg, rng);
  s.abundances = DirichletAbundances(r, n, alpha, rng);
  std::vector<Index> order(static_cast<std::size_t>(n));
  for (Index j = 0; j < n; ++j) order[static_cast<std::size_t>(j)] = j;
  rng.Shuffle(order.begin(), order.end());
  for (Index k = 0; k < r; ++k) {
    const Index j = order[static_cast<std::size_t>(k)];
    s.abundances.col(j).setZero();
    s.abundances(k, j) = 1.0;
    s.pure.push_back(j);
  }
  s.clean = s.endmembers * s.abundances;
  s.pixels = AddNoise(s.clean, snr_db, rng, &s.sigma);
  return s;
}

// Matches estimated endmembers to true ones (best permutation by total angle, r <= 8) and returns
// the angle of each true endmember to its match, in degrees.
inline std::vector<double> MatchedAnglesDeg(const MatrixD& truth, const MatrixD& estimate) {
  const Index r = truth.cols();
  MatrixD angle(r, r);
  for (Index i = 0; i < r; ++i)
    for (Index j = 0; j < r; ++j) angle(i, j) = SpectralAngleDeg(truth.col(i), estimate.col(j));
  std::vector<Index> perm(static_cast<std::size_t>(r)), best;
  for (Index i = 0; i < r; ++i) perm[static_cast<std::size_t>(i)] = i;
  double best_total = std::numeric_limits<double>::infinity();
  do {
    double total = 0.0;
    for (Index i = 0; i < r; ++i) total += angle(i, perm[static_cast<std::size_t>(i)]);
    if (total < best_total) best_total = total, best = perm;
  } while (std::next_permutation(perm.begin(), perm.end()));
  std::vector<double> out;
  for (Index i = 0; i < r; ++i) out.push_back(angle(i, best[static_cast<std::size_t>(i)]));
  return out;
}

}  // namespace unmix::testing
