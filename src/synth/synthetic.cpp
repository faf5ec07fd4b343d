#include "unmix/synth/synthetic.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <vector>

#include "unmix/core/error.hpp"

namespace unmix {

bool SyntheticOptions::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (patch < 1) return fail(fmt::format("patch size a must be at least 1 (got {})", patch));
  if (patch > 64)
    return fail(fmt::format("patch size a must be at most 64 (got {}: the image would be {} x {})", patch,
                            patch * patch, patch * patch));
  if (!(gamma >= 0 && gamma <= 1)) return fail(fmt::format("gamma must be in [0, 1] (got {})", gamma));
  if (layout == Layout::kRegions && (regions < endmembers || regions > image_side() * image_side()))
    return fail(
        fmt::format("regions must be between the number of endmembers ({}) and the number of pixels ({}) "
                    "(got {})",
                    endmembers, image_side() * image_side(), regions));
  if (!(brightness >= 0 && brightness < 1))
    return fail(fmt::format("brightness variation must be in [0, 1) (got {})", brightness));
  if (!(max_purity > 0 && max_purity <= 1))
    return fail(fmt::format("max purity must be in (0, 1] (got {})", max_purity));
  if (max_purity < 1 && max_purity * static_cast<double>(endmembers) <= 1)
    return fail(fmt::format("max purity {} is not above 1/r = {} for {} endmembers", max_purity,
                            1.0 / static_cast<double>(endmembers), endmembers));
  if (!(dark >= 0 && dark < 1)) return fail(fmt::format("dark mean reflectance must be in [0, 1) (got {})", dark));
  if (!(variability >= 0 && variability < 0.5))
    return fail(fmt::format("endmember variability must be in [0, 0.5) (got {})", variability));
  if (!(noise_correlation >= 0 && noise_correlation < 1))
    return fail(fmt::format("noise correlation must be in [0, 1) (got {})", noise_correlation));
  if (endmembers < 2) return fail(fmt::format("need at least 2 endmembers (got {})", endmembers));
  if (!(blur_variance > 0) || !std::isfinite(blur_variance))
    return fail(fmt::format("blur variance must be positive (got {})", blur_variance));
  if (kernel_size < 0) return fail(fmt::format("kernel size must be positive (got {})", kernel_size));
  if (std::isnan(snr_db) || snr_db < 0)
    return fail(
        fmt::format("SNR must be at least 0 dB, or inf for no noise (got {}); below 0 dB the "
                    "noise is stronger than the signal",
                    snr_db));
  if (!library_names.empty() && static_cast<Index>(library_names.size()) != endmembers)
    return fail(fmt::format("{} library names given for {} endmembers", library_names.size(), endmembers));
  std::string s;
  if (!spectra.IsValid(&s)) return fail(s);
  if (endmembers > spectra.bands) return fail(fmt::format("{} endmembers exceed {} bands", endmembers, spectra.bands));
  return true;
}

SyntheticOptions SyntheticOptions::UAdmmNets() { return SyntheticOptions{}; }

SyntheticOptions SyntheticOptions::NmfSae() {
  SyntheticOptions o;
  o.patch = 8;
  o.gamma = 0.8;
  o.endmembers = 6;
  o.library_names = {"Carnallite", "Ammonio-jarosite", "Almandine", "Brucite", "Axinite", "Chlorite"};
  return o;
}

MatrixD GaussianKernel(Index k, double variance) {
  MatrixD w(k, k);
  const double c = 0.5 * static_cast<double>(k - 1);
  for (Index i = 0; i < k; ++i)
    for (Index j = 0; j < k; ++j) {
      const double dy = static_cast<double>(i) - c, dx = static_cast<double>(j) - c;
      w(i, j) = std::exp(-(dx * dx + dy * dy) / (2.0 * variance));
    }
  return w / w.sum();
}

MatrixD PatchAbundances(Index a, Index r, double gamma, Rng& rng) {
  const Index side = a * a;
  MatrixD x = MatrixD::Zero(r, side * side);
  for (Index pi = 0; pi < a; ++pi)
    for (Index pj = 0; pj < a; ++pj) {
      const Index e1 = static_cast<Index>(rng.Below(static_cast<std::uint64_t>(r)));
      Index e2 = static_cast<Index>(rng.Below(static_cast<std::uint64_t>(r - 1)));
      if (e2 >= e1) ++e2;  // a distinct second endmember, uniform over the others
      for (Index i = pi * a; i < (pi + 1) * a; ++i)
        for (Index j = pj * a; j < (pj + 1) * a; ++j) {
          x(e1, i * side + j) = gamma;
          x(e2, i * side + j) += 1.0 - gamma;
        }
    }
  return x;
}

MatrixD RegionAbundances(Index side, Index r, Index regions, Rng& rng) {
  std::vector<double> cy(static_cast<size_t>(regions)), cx(static_cast<size_t>(regions));
  for (Index c = 0; c < regions; ++c) {
    cy[static_cast<size_t>(c)] = rng.Uniform(0.0, static_cast<double>(side));
    cx[static_cast<size_t>(c)] = rng.Uniform(0.0, static_cast<double>(side));
  }
  MatrixD x = MatrixD::Zero(r, side * side);
  for (Index i = 0; i < side; ++i)
    for (Index j = 0; j < side; ++j) {
      const double py = static_cast<double>(i) + 0.5, px = static_cast<double>(j) + 0.5;
      Index best = 0;
      double best_d = std::numeric_limits<double>::infinity();
      for (Index c = 0; c < regions; ++c) {
        const double dy = py - cy[static_cast<size_t>(c)], dx = px - cx[static_cast<size_t>(c)];
        const double d = dy * dy + dx * dx;
        if (d < best_d) best_d = d, best = c;
      }
      x(best % r, i * side + j) = 1.0;
    }
  return x;
}

MatrixD BlurAbundances(const MatrixD& x, Index side, const MatrixD& kernel) {
  const Index k = kernel.rows();
  const Index anchor = (k - 1) / 2;  // MATLAB imfilter's centre for odd and even sizes
  MatrixD out = MatrixD::Zero(x.rows(), x.cols());
  for (Index i = 0; i < side; ++i)
    for (Index j = 0; j < side; ++j) {
      auto o = out.col(i * side + j);
      for (Index u = 0; u < k; ++u) {
        const Index si = i + u - anchor;
        if (si < 0 || si >= side) continue;
        for (Index v = 0; v < k; ++v) {
          const Index sj = j + v - anchor;
          if (sj < 0 || sj >= side) continue;
          o += kernel(u, v) * x.col(si * side + sj);
        }
      }
    }
  return out;
}

void RescaleToSumOne(MatrixD& x) {
  for (Index k = 0; k < x.cols(); ++k) {
    const double s = x.col(k).sum();
    if (s > 0) x.col(k) /= s;
  }
}

void CapPurity(MatrixD& x, double cap) {
  const double centre = 1.0 / static_cast<double>(x.rows());
  for (Index k = 0; k < x.cols(); ++k) {
    const double top = x.col(k).maxCoeff();
    if (top <= cap) continue;
    const double t = (cap - centre) / (top - centre);
    x.col(k) = (t * x.col(k)).array() + (1.0 - t) * centre;
  }
}

SyntheticScene MakeSyntheticScene(const SyntheticOptions& o, const SpectralLibrary* library) {
  std::string why;
  if (!o.IsValid(&why)) throw OptionError("synthetic scene: " + why);
  Rng rng(o.seed);

  SyntheticScene out;
  MatrixD e;
  std::vector<std::string> names;
  std::vector<double> wavelengths;
  std::string units = "micrometers";
  if (library) {
    if (library->count() == 0) throw OptionError("synthetic scene: the spectral library is empty");
    const auto idx = o.library_names.empty() ? PickRandom(*library, o.endmembers, o.spectra, rng)
                                             : PickByName(*library, o.library_names);
    e.resize(library->bands(), o.endmembers);
    for (Index j = 0; j < o.endmembers; ++j) {
      e.col(j) = library->spectra.col(idx[static_cast<size_t>(j)]);
      names.push_back(library->names.empty() ? fmt::format("E{}", j + 1)
                                             : library->names[static_cast<size_t>(idx[static_cast<size_t>(j)])]);
    }
    wavelengths = library->wavelengths;
    if (!library->wavelength_units.empty()) units = library->wavelength_units;
  } else {
    e = GenerateSpectra(o.endmembers, o.spectra, rng);
    for (Index j = 0; j < o.endmembers; ++j) names.push_back(fmt::format("synthetic-{}", j + 1));
    wavelengths = GeneratedWavelengths(o.spectra);
  }

  if (o.dark > 0) {
    const Index last = o.endmembers - 1;
    const double mean = e.col(last).mean();
    if (!(mean > 0)) throw OptionError("synthetic scene: the endmember to darken has no reflectance");
    e.col(last) *= o.dark / mean;
  }

  const Index side = o.image_side();
  MatrixD x = o.layout == SyntheticOptions::Layout::kRegions ? RegionAbundances(side, o.endmembers, o.regions, rng)
                                                             : PatchAbundances(o.patch, o.endmembers, o.gamma, rng);
  x = BlurAbundances(x, side, GaussianKernel(o.kernel(), o.blur_variance));
  RescaleToSumOne(x);
  if (o.max_purity < 1) CapPurity(x, o.max_purity);

  MatrixD clean = e * x;
  if (o.variability > 0) {
    const Index p = e.rows();
    VectorD t(p);
    for (Index b = 0; b < p; ++b) t(b) = p > 1 ? 2.0 * static_cast<double>(b) / static_cast<double>(p - 1) - 1.0 : 0.0;
    for (Index k = 0; k < clean.cols(); ++k) {
      clean.col(k).setZero();
      for (Index i = 0; i < e.cols(); ++i) {
        const double a = rng.Uniform(-1.0, 1.0), b = rng.Uniform(-1.0, 1.0);
        clean.col(k).array() += x(i, k) * e.col(i).array() * (1.0 + o.variability * (a + b * t.array()));
      }
    }
  }
  if (o.brightness > 0)
    for (Index k = 0; k < clean.cols(); ++k) clean.col(k) *= rng.Uniform(1.0 - o.brightness, 1.0 + o.brightness);
  MatrixD noisy = clean;
  if (std::isfinite(o.snr_db)) {
    const double signal = clean.colwise().squaredNorm().mean();
    const double sigma2 = signal / (static_cast<double>(clean.rows()) * std::pow(10.0, o.snr_db / 10.0));
    out.noise_sigma = std::sqrt(sigma2);
    double noise = 0;
    const double rho = o.noise_correlation, innovation = std::sqrt(1.0 - rho * rho);
    for (Index k = 0; k < noisy.cols(); ++k) {
      double previous = 0;
      for (Index i = 0; i < noisy.rows(); ++i) {
        const double w = out.noise_sigma * rng.Normal();
        const double n = rho > 0 ? (i == 0 ? w : rho * previous + innovation * w) : w;
        previous = n;
        noisy(i, k) += n;
        noise += n * n;
      }
    }
    noise /= static_cast<double>(noisy.cols());
    out.realized_snr_db = 10.0 * std::log10(signal / noise);
  }

  Scene& s = out.scene;
  s.data = noisy.cast<float>();
  s.rows = side;
  s.cols = side;
  s.wavelengths = wavelengths;
  s.wavelength_units = units;
  s.source = o.layout == SyntheticOptions::Layout::kRegions
                 ? fmt::format("synthetic(regions={}, side={}, r={}, brightness={}, snr={} dB, seed={})", o.regions,
                               side, o.endmembers, o.brightness, o.snr_db, o.seed)
                 : fmt::format("synthetic(a={}, gamma={}, r={}, snr={} dB, seed={})", o.patch, o.gamma, o.endmembers,
                               o.snr_db, o.seed);
  if (o.layout == SyntheticOptions::Layout::kPatches && o.brightness > 0)
    s.source.insert(s.source.size() - 1, fmt::format(", brightness={}", o.brightness));
  if (o.max_purity < 1) s.source.insert(s.source.size() - 1, fmt::format(", max purity={}", o.max_purity));
  if (o.dark > 0) s.source.insert(s.source.size() - 1, fmt::format(", dark={}", o.dark));
  if (o.variability > 0) s.source.insert(s.source.size() - 1, fmt::format(", variability={}", o.variability));
  if (o.noise_correlation > 0)
    s.source.insert(s.source.size() - 1, fmt::format(", noise correlation={}", o.noise_correlation));
  out.endmembers.spectra = e.cast<float>();
  out.endmembers.names = names;
  out.endmembers.wavelengths = wavelengths;
  out.abundances.values = x.cast<float>();
  out.abundances.rows = side;
  out.abundances.cols = side;
  out.abundances.names = names;
  out.clean = clean.cast<float>();
  return out;
}

}  // namespace unmix
