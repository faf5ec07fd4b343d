#pragma once
// A spectral library: reference spectra sampled on common wavelengths (e.g. the USGS library
// convolved to AVIRIS channels). Used as an endmember source for synthetic scenes.
#include <string>
#include <vector>

#include "unmix/core/types.hpp"

namespace unmix {

struct SpectralLibrary {
  MatrixD spectra;                  // p x m, one spectrum per column, rows sorted by wavelength
  std::vector<std::string> names;   // size m
  std::vector<double> wavelengths;  // size p, ascending
  std::string wavelength_units;     // e.g. "micrometers"
  std::string source;

  Index bands() const { return spectra.rows(); }
  Index count() const { return spectra.cols(); }
  // Index of the first spectrum whose name starts with `prefix` (case-insensitive), or -1.
  Index Find(const std::string& prefix) const;
};

}  // namespace unmix
