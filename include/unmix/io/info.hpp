#pragma once
// What a file holds, for `unmix info FILE [--json]`: format, shape, wavelengths, scaling,
// nodata, georeferencing, and for .mat files the variables found.
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "unmix/core/types.hpp"
#include "unmix/io/mat.hpp"

namespace unmix::io {

struct ReadOptions;

struct FileInfo {
  std::string path;
  std::string format;   // "MAT v5", "MAT v7.3", "CSV", or the GDAL driver ("ENVI", "GTiff", ...)
  std::string content;  // "scene", "ground truth", "spectral library", "endmembers", "unrecognised"
  std::string layout;   // how the content was recognised (variables, interleave, pixel order)
  Index rows = 0, cols = 0, bands = 0, pixels = 0;
  Index file_bands = 0;      // bands stored in the file (before dropping `bbl` = 0 bands)
  Index bad_bands = 0;       // bands dropped by the bad-band list
  std::string data_type;     // element type stored in the file
  double scale = 1.0;        // values were divided by this
  std::string scale_source;  // "maxValue", "reflectance scale factor", ...
  std::optional<double> wavelength_min, wavelength_max;
  std::string wavelength_units;
  std::optional<double> nodata_value;
  Index nodata_pixels = 0;  // pixels marked invalid
  std::string projection;   // CRS name and code, e.g. "WGS 84 / UTM zone 33N (EPSG:32633)"; empty when none
  std::optional<std::array<double, 6>> geotransform;
  Index endmembers = 0;                    // ground truth, endmember CSV, library: spectra count
  bool has_abundances = false;             // ground truth with abundances
  std::vector<std::string> names;          // endmember / spectrum names
  std::vector<MatVariableInfo> variables;  // .mat only
  std::vector<std::string> notes;          // anything a user should know (ignored fields, guesses)

  std::string ToText() const;  // aligned "key: value" lines
  std::string ToJson() const;  // one JSON object (the same fields)
};

// Reads the file (fully, to count nodata pixels) and describes it. Throws InputError naming
// the file when it is missing or unreadable. A .mat file with no recognised layout is not an
// error here: the result lists its variables with content "unrecognised".
FileInfo DescribeFile(const std::filesystem::path& path);
FileInfo DescribeFile(const std::filesystem::path& path, const ReadOptions& options);

}  // namespace unmix::io
