#pragma once
// Spectral libraries: the USGS library as prepared for sparse unmixing (.mat with `datalib`
// and `names`), or a CSV with a wavelength column and a header row of names.
#include <filesystem>

#include "unmix/core/spectral_library.hpp"

namespace unmix::io {

// .mat: `datalib` p x (3 + m): column 1 wavelength (micrometres), 2 FWHM, 3 channel number,
// then the m spectra; `names` (3 + m) rows of space-padded ASCII naming the columns. The
// header columns are dropped and the rows sorted by wavelength.
// Anything else is read as CSV: first column wavelength, one column per spectrum, a header
// row of names; rows sorted by wavelength.
SpectralLibrary ReadSpectralLibrary(const std::filesystem::path& path);

}  // namespace unmix::io
