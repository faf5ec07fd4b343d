#pragma once
// One entry point for every input: scenes and ground truth from .mat, CSV or any GDAL raster.
#include <filesystem>
#include <optional>
#include <string>

#include "unmix/core/scene.hpp"
#include "unmix/io/bands.hpp"
#include "unmix/io/info.hpp"
#include "unmix/io/mat.hpp"

namespace unmix::io {

struct ReadOptions {
  std::string var;                                   // .mat: the data variable (--var)
  MatPixelOrder pixel_order = MatPixelOrder::kAuto;  // .mat: pixel order of 2-D matrices
  bool apply_scale = true;                           // maxValue, ENVI reflectance scale factor, band scale/offset
  bool drop_bad_bands = true;                        // ENVI bbl, and bands with no value in any pixel (all NaN/nodata)
  std::optional<double> nodata;                      // rasters: overrides the file's nodata value
  std::string bands;                                 // "1-3,10,20-30": 1-based bands of the loaded scene to keep
  bool remove_water_vapor = false;                   // applied after `bands`
  WaterVaporOptions water_vapor;
};

enum class FileKind { kMat, kCsv, kRaster };

// .mat by content ("MATLAB" header) or extension; .csv/.txt; anything else goes to GDAL.
// Throws InputError when the file is missing, a directory, or unreadable.
FileKind DetectFileKind(const std::filesystem::path& path);

// Reads a scene from a .mat file or any GDAL raster, then applies the band options.
Scene ReadScene(const std::filesystem::path& path, const ReadOptions& options = {});

// Reads ground truth for `scene`: a .mat (ReadMatGroundTruth), a CSV of endmembers, or a
// raster of abundances (one band per endmember, same rows x cols as the scene). Endmembers
// with more bands than the scene are reduced by wavelength, by the file's band index, or by
// `options.bands`; abundances must cover the scene's pixels. Throws InputError naming the
// file, field, and expected vs found.
GroundTruth ReadGroundTruth(const std::filesystem::path& path, const Scene& scene, const ReadOptions& options = {});

}  // namespace unmix::io
