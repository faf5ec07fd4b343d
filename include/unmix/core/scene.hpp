#pragma once
// The data model: a hyperspectral scene, endmembers and abundances.
//
// Pixel order: pixel k of an image with `rows` x `cols` pixels is (row = k / cols, col = k % cols),
// i.e. row-major, the order of GDAL rasters. Readers of MATLAB files (column-major, k = row + rows*col)
// convert on load and writers convert back, so every in-memory matrix uses the one order above.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "unmix/core/types.hpp"

namespace unmix {

// Georeferencing and metadata of a raster source, carried through to the outputs untouched.
struct GeoReference {
  std::string projection_wkt;                         // empty: no spatial reference
  std::optional<std::array<double, 6>> geotransform;  // GDAL affine transform
  std::map<std::string, std::string> metadata;        // source metadata (default domain)
  bool empty() const { return projection_wkt.empty() && !geotransform && metadata.empty(); }
};

struct Scene {
  MatrixF data;                         // p x N, float32, column k = pixel k (row-major pixel order)
  Index rows = 0;                       // image height in pixels
  Index cols = 0;                       // image width in pixels
  std::vector<double> wavelengths;      // size p, or empty when unknown
  std::string wavelength_units;         // e.g. "micrometers", "nanometers"; empty when unknown
  std::vector<std::string> band_names;  // size p, or empty
  std::vector<std::uint8_t> valid;      // size N (1 = unmix this pixel), or empty = all valid
  GeoReference geo;
  std::string source;  // file the scene came from, for messages and reports

  Index bands() const { return data.rows(); }
  Index pixels() const { return data.cols(); }
  bool all_valid() const;
  Index valid_count() const;
  // Indices of valid pixels, ascending.
  std::vector<Index> valid_indices() const;
  // The p x n matrix of valid pixels only (a copy).
  MatrixF valid_data() const;

  // Throws InputError if sizes disagree (rows*cols != N, wavelengths/band names/mask size).
  void Validate() const;
};

struct Endmembers {
  MatrixF spectra;                  // p x r, one endmember per column
  std::vector<std::string> names;   // size r, or empty
  std::vector<double> wavelengths;  // size p, or empty

  Index bands() const { return spectra.rows(); }
  Index count() const { return spectra.cols(); }
  // Name of endmember j, or "E<j+1>" when unnamed.
  std::string name(Index j) const;
  void Validate() const;
};

struct Abundances {
  MatrixF values;  // r x N, column k = pixel k (same order as the scene)
  Index rows = 0;
  Index cols = 0;
  std::vector<std::string> names;  // size r, or empty

  Index count() const { return values.rows(); }
  Index pixels() const { return values.cols(); }
  void Validate() const;
};

// Ground truth of a scene: reference endmembers and/or abundances (either may be absent).
struct GroundTruth {
  std::optional<Endmembers> endmembers;
  std::optional<Abundances> abundances;
  std::string source;
};

// Reorders pixels between row-major (unmix) and column-major (MATLAB) order for a rows x cols
// image. `m` has one pixel per column.
template <typename Derived>
typename Derived::PlainObject ColumnMajorToRowMajor(const Eigen::MatrixBase<Derived>& m, Index rows, Index cols) {
  typename Derived::PlainObject out(m.rows(), m.cols());
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) out.col(r * cols + c) = m.col(r + rows * c);
  return out;
}
template <typename Derived>
typename Derived::PlainObject RowMajorToColumnMajor(const Eigen::MatrixBase<Derived>& m, Index rows, Index cols) {
  typename Derived::PlainObject out(m.rows(), m.cols());
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) out.col(r + rows * c) = m.col(r * cols + c);
  return out;
}

}  // namespace unmix
