#pragma once
// Endmember sources for synthetic scenes: a built-in generator of smooth reflectance spectra
// (so demos and tests need no external files) and picking from a spectral library.
#include <cstdint>
#include <string>
#include <vector>

#include "unmix/core/rng.hpp"
#include "unmix/core/spectral_library.hpp"
#include "unmix/core/types.hpp"

namespace unmix {

struct SpectraOptions {
  Index bands = 224;  // samples between the wavelength limits, evenly spaced
  double wavelength_min_um = 0.4;
  double wavelength_max_um = 2.5;
  double min_angle_deg = 5.0;  // minimum spectral angle between any two chosen spectra
  // Dark spectra make blind methods fail for reasons unrelated to them: reject those whose
  // mean reflectance is below this.
  double min_mean_reflectance = 0.1;
  int max_attempts = 10000;  // draws before giving up on the angle constraint

  bool IsValid(std::string* why) const;
};

// `count` smooth, positive reflectance spectra (values in [0.02, 0.95]) as a bands x count matrix.
// Each is a smooth continuum (a few broad Gaussian bumps) times 1-4 absorption features.
// Deterministic in `rng`. Throws OptionError if the angle constraint cannot be met.
MatrixD GenerateSpectra(Index count, const SpectraOptions& options, Rng& rng);
// The wavelengths (micrometres) GenerateSpectra samples at.
std::vector<double> GeneratedWavelengths(const SpectraOptions& options);

// Columns of `library` chosen by name (case-insensitive prefix), in the order given.
// Throws OptionError naming any name that matches nothing.
std::vector<Index> PickByName(const SpectralLibrary& library, const std::vector<std::string>& names);
// `count` random columns of `library` with pairwise angle >= options.min_angle_deg and mean
// reflectance >= options.min_mean_reflectance. Throws OptionError if too few qualify.
std::vector<Index> PickRandom(const SpectralLibrary& library, Index count, const SpectraOptions& options, Rng& rng);

}  // namespace unmix
