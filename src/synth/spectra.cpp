#include "unmix/synth/spectra.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "unmix/core/error.hpp"
#include "unmix/metrics/metrics.hpp"

namespace unmix {

bool SpectraOptions::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (bands < 2) return fail(fmt::format("bands must be at least 2 (got {})", bands));
  if (!(wavelength_min_um > 0 && wavelength_max_um > wavelength_min_um))
    return fail("wavelength range must be positive and increasing");
  if (!(min_angle_deg >= 0 && min_angle_deg < 90))
    return fail(fmt::format("minimum angle must be in [0, 90) degrees (got {})", min_angle_deg));
  if (!(min_mean_reflectance >= 0 && min_mean_reflectance < 0.9))
    return fail(fmt::format("minimum mean reflectance must be in [0, 0.9) (got {})", min_mean_reflectance));
  if (max_attempts < 1) return fail("max_attempts must be positive");
  return true;
}

std::vector<double> GeneratedWavelengths(const SpectraOptions& o) {
  std::vector<double> wl(static_cast<size_t>(o.bands));
  for (Index i = 0; i < o.bands; ++i)
    wl[static_cast<size_t>(i)] = o.wavelength_min_um + (o.wavelength_max_um - o.wavelength_min_um) *
                                                           static_cast<double>(i) / static_cast<double>(o.bands - 1);
  return wl;
}

namespace {

double MinAngleToChosen(const MatrixD& chosen, Index used, const Eigen::Ref<const VectorD>& s) {
  double best = 1e9;
  for (Index j = 0; j < used; ++j) best = std::min(best, SpectralAngle(chosen.col(j), s));
  return RadToDeg(best);
}

VectorD DrawSpectrum(const std::vector<double>& wl, Rng& rng) {
  const Index p = static_cast<Index>(wl.size());
  const double lo = wl.front(), hi = wl.back();
  VectorD s = VectorD::Zero(p);
  // Continuum: a baseline plus a few broad bumps, so the curve is smooth over the whole range.
  const double base = rng.Uniform(0.05, 0.3);
  const int bumps = 2 + static_cast<int>(rng.Below(3));
  std::vector<double> c(static_cast<size_t>(bumps)), w(static_cast<size_t>(bumps)), h(static_cast<size_t>(bumps));
  for (int b = 0; b < bumps; ++b) {
    c[static_cast<size_t>(b)] = rng.Uniform(lo - 0.2, hi + 0.2);
    w[static_cast<size_t>(b)] = rng.Uniform(0.25, 0.8);
    h[static_cast<size_t>(b)] = rng.Uniform(0.1, 0.6);
  }
  // Absorption features: narrower multiplicative dips.
  const int dips = 1 + static_cast<int>(rng.Below(4));
  std::vector<double> dc(static_cast<size_t>(dips)), dw(static_cast<size_t>(dips)), dd(static_cast<size_t>(dips));
  for (int d = 0; d < dips; ++d) {
    dc[static_cast<size_t>(d)] = rng.Uniform(lo + 0.05, hi - 0.05);
    dw[static_cast<size_t>(d)] = rng.Uniform(0.015, 0.12);
    dd[static_cast<size_t>(d)] = rng.Uniform(0.1, 0.6);
  }
  for (Index i = 0; i < p; ++i) {
    const double x = wl[static_cast<size_t>(i)];
    double v = base;
    for (int b = 0; b < bumps; ++b) {
      const double z = (x - c[static_cast<size_t>(b)]) / w[static_cast<size_t>(b)];
      v += h[static_cast<size_t>(b)] * std::exp(-0.5 * z * z);
    }
    for (int d = 0; d < dips; ++d) {
      const double z = (x - dc[static_cast<size_t>(d)]) / dw[static_cast<size_t>(d)];
      v *= 1.0 - dd[static_cast<size_t>(d)] * std::exp(-0.5 * z * z);
    }
    s(i) = v;
  }
  // Keep reflectance physical: peak at most 0.95, floor 0.02.
  const double peak = s.maxCoeff();
  if (peak > 0.95) s *= 0.95 / peak;
  return s.cwiseMax(0.02);
}

}  // namespace

MatrixD GenerateSpectra(Index count, const SpectraOptions& o, Rng& rng) {
  std::string why;
  if (!o.IsValid(&why)) throw OptionError("spectra: " + why);
  if (count < 1) throw OptionError("spectra: need at least one endmember");
  const auto wl = GeneratedWavelengths(o);
  MatrixD out(o.bands, count);
  Index used = 0;
  for (int attempt = 0; attempt < o.max_attempts && used < count; ++attempt) {
    const VectorD s = DrawSpectrum(wl, rng);
    if (s.mean() < o.min_mean_reflectance) continue;
    if (used > 0 && MinAngleToChosen(out, used, s) < o.min_angle_deg) continue;
    out.col(used++) = s;
  }
  if (used < count)
    throw OptionError(
        fmt::format("spectra: could draw only {} of {} spectra at least {} degrees apart in {} attempts; lower "
                    "the minimum angle",
                    used, count, o.min_angle_deg, o.max_attempts));
  return out;
}

std::vector<Index> PickByName(const SpectralLibrary& lib, const std::vector<std::string>& names) {
  std::vector<Index> idx;
  for (const auto& n : names) {
    const Index i = lib.Find(n);
    if (i < 0)
      throw OptionError(
          fmt::format("{}: no spectrum named '{}' (names are matched as "
                      "case-insensitive prefixes)",
                      lib.source.empty() ? "spectral library" : lib.source, n));
    idx.push_back(i);
  }
  return idx;
}

std::vector<Index> PickRandom(const SpectralLibrary& lib, Index count, const SpectraOptions& o, Rng& rng) {
  std::vector<Index> order(static_cast<size_t>(lib.count()));
  std::iota(order.begin(), order.end(), 0);
  rng.Shuffle(order.begin(), order.end());
  MatrixD chosen(lib.bands(), count);
  std::vector<Index> idx;
  for (Index i : order) {
    if (static_cast<Index>(idx.size()) == count) break;
    const auto s = lib.spectra.col(i);
    if (s.mean() < o.min_mean_reflectance) continue;
    if (!idx.empty() && MinAngleToChosen(chosen, static_cast<Index>(idx.size()), s) < o.min_angle_deg) continue;
    chosen.col(static_cast<Index>(idx.size())) = s;
    idx.push_back(i);
  }
  if (static_cast<Index>(idx.size()) < count)
    throw OptionError(
        fmt::format("{}: only {} spectra are at least {} degrees apart with mean reflectance >= {}; {} needed",
                    lib.source.empty() ? "spectral library" : lib.source, idx.size(), o.min_angle_deg,
                    o.min_mean_reflectance, count));
  return idx;
}

}  // namespace unmix
