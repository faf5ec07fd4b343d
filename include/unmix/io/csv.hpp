#pragma once
// Endmember spectra as CSV: one row per band, an optional leading wavelength column, one
// column per endmember, and a header row of names. Readable by spreadsheets, numpy, pandas.
#include <filesystem>

#include "unmix/core/scene.hpp"

namespace unmix::io {

// Header "wavelength,<name1>,<name2>,..." (no wavelength column when unknown). Values are
// written with enough digits to read back the same float. Atomic.
void WriteEndmembersCsv(const std::filesystem::path& path, const Endmembers& endmembers);

// Reads the layout above. The first column is taken as wavelengths when its header starts
// with "wavelength" (or is "wl"/"lambda"/"nm"/"um"). A file without a header row (all
// numbers) gives unnamed endmembers and no wavelengths. Lines starting with '#' and blank
// lines are skipped. Errors name the file, line and column.
Endmembers ReadEndmembersCsv(const std::filesystem::path& path);

}  // namespace unmix::io
