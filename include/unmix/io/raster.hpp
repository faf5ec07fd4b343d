#pragma once
// Rasters through GDAL: ENVI (.hdr + raw BSQ/BIL/BIP), GeoTIFF, and whatever else GDAL reads.
//
// Reading: one pixel's bands become one column of Scene::data, pixels in row-major order.
// Pixels where any band equals the nodata value (ENVI `data ignore value`) or is NaN are
// marked invalid (Scene::valid = 0) and their values set to 0. ENVI `bbl` = 0 bands are
// dropped; `reflectance scale factor` divides the values. Writing is atomic: temporary
// sibling files are renamed over the final names only once complete.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "unmix/core/scene.hpp"

namespace unmix::io {

struct RasterReadOptions {
  bool drop_bad_bands = true;    // honour the ENVI `bbl` list; drop bands with no value in any pixel
  bool apply_scale = true;       // ENVI `reflectance scale factor`, GDAL band scale/offset
  std::optional<double> nodata;  // overrides the file's nodata value
};

Scene ReadRaster(const std::filesystem::path& path, const RasterReadOptions& options = {});

enum class RasterFormat {
  kAuto,  // from the extension: .tif/.tiff -> GeoTIFF; .img/.dat/.bsq/.bil/.bip/.raw/.hdr/none -> ENVI
  kGTiff,
  kEnvi,
};

enum class Interleave { kBsq, kBil, kBip };  // GeoTIFF: kBip = PIXEL, otherwise BAND

struct RasterWriteOptions {
  RasterFormat format = RasterFormat::kAuto;
  Interleave interleave = Interleave::kBsq;
  bool compress = true;  // GeoTIFF only (DEFLATE, lossless)
};

// Everything about a raster to write except its pixel values.
struct RasterLayout {
  Index rows = 0;
  Index cols = 0;
  std::vector<std::string> band_names;  // empty or one per band
  std::vector<double> wavelengths;      // empty or one per band
  std::string wavelength_units;
  std::vector<std::uint8_t> valid;  // empty (all valid) or one per pixel; 0 -> NaN nodata
  GeoReference geo;
};

// The format WriteRaster would use for `path` under `requested` (resolves kAuto).
// Throws OptionError when kAuto cannot tell from the extension.
RasterFormat ResolveRasterFormat(const std::filesystem::path& path, RasterFormat requested);

// Writes `values` (bands x pixels, row-major pixels) as Float32. Band names become band
// descriptions (ENVI `band names`), wavelengths become band metadata (ENVI `wavelength`).
// Invalid pixels are written as NaN and NaN is declared as nodata. ENVI writes `path` and its
// header (`path` with .hdr replacing the extension, or appended when there is none).
void WriteRaster(const std::filesystem::path& path, const Eigen::Ref<const MatrixF>& values, const RasterLayout& layout,
                 const RasterWriteOptions& options = {});
void WriteRaster(const std::filesystem::path& path, const Scene& scene, const RasterWriteOptions& options = {});

// One band per endmember named after it, with the georeferencing and invalid pixels of `like`.
void WriteAbundanceRaster(const std::filesystem::path& path, const Abundances& abundances, const Scene& like,
                          RasterFormat format = RasterFormat::kGTiff);

// The ENVI header that belongs to a data file, and the data file that belongs to a header.
// Empty when none exists.
std::filesystem::path FindEnviHeader(const std::filesystem::path& data_file);
std::filesystem::path FindEnviDataFile(const std::filesystem::path& header);

}  // namespace unmix::io
