#include "unmix/io/read.hpp"

#include <fmt/format.h>

#include <cstring>
#include <fstream>

#include "io/common.hpp"
#include "io/mat_internal.hpp"
#include "io/raster_internal.hpp"
#include "io/read_internal.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/csv.hpp"
#include "unmix/io/raster.hpp"

namespace fs = std::filesystem;

namespace unmix::io {

FileKind DetectFileKind(const fs::path& path) {
  detail::RequireReadableFile(path);
  std::ifstream in(path, std::ios::binary);
  char magic[6] = {};
  in.read(magic, 6);
  if (in.gcount() == 6 && std::memcmp(magic, "MATLAB", 6) == 0) return FileKind::kMat;
  const std::string ext = detail::ToLower(path.extension().string());
  if (ext == ".mat") return FileKind::kMat;
  if (ext == ".csv" || ext == ".txt" || ext == ".tsv") return FileKind::kCsv;
  return FileKind::kRaster;
}

namespace detail {

MatSceneOptions MatOptionsFrom(const ReadOptions& o) {
  MatSceneOptions m;
  m.var = o.var;
  m.pixel_order = o.pixel_order;
  m.apply_max_value = o.apply_scale;
  m.drop_empty_bands = o.drop_bad_bands;
  return m;
}

RasterReadOptions RasterOptionsFrom(const ReadOptions& o) {
  RasterReadOptions r;
  r.drop_bad_bands = o.drop_bad_bands;
  r.apply_scale = o.apply_scale;
  r.nodata = o.nodata;
  return r;
}

void ApplyBandOptions(Scene& scene, const ReadOptions& o) {
  if (!o.bands.empty()) SelectBands(scene, o.bands);
  if (o.remove_water_vapor) RemoveWaterVaporBands(scene, o.water_vapor);
}

Scene ReadSceneDetailed(const fs::path& path, const ReadOptions& options, ReadDetails* details, RasterDetails* raster) {
  const FileKind kind = DetectFileKind(path);
  Scene scene;
  switch (kind) {
    case FileKind::kCsv:
      throw InputError(path.string(), "",
                       "a CSV file holds spectra, not an image (use it as ground truth or a "
                       "spectral library)");
    case FileKind::kMat:
      scene = ReadMatSceneDetailed(path, MatOptionsFrom(options), details);
      break;
    case FileKind::kRaster:
      if (!options.var.empty()) throw OptionError(fmt::format("{}: --var applies to .mat files only", path.string()));
      scene = ReadRasterDetailed(path, RasterOptionsFrom(options), details, raster);
      break;
  }
  ApplyBandOptions(scene, options);
  return scene;
}

}  // namespace detail

Scene ReadScene(const fs::path& path, const ReadOptions& options) {
  return detail::ReadSceneDetailed(path, options, nullptr, nullptr);
}

GroundTruth ReadGroundTruth(const fs::path& path, const Scene& scene, const ReadOptions& options) {
  const std::string file = path.string();
  switch (DetectFileKind(path)) {
    case FileKind::kMat:
      return detail::ReadMatGroundTruthImpl(path, &scene, options.pixel_order, options.bands);
    case FileKind::kCsv: {
      GroundTruth gt;
      gt.source = file;
      Endmembers e = ReadEndmembersCsv(path);
      detail::AlignEndmembersToScene(e, scene, file, "endmembers", {}, options.bands);
      gt.endmembers = std::move(e);
      return gt;
    }
    case FileKind::kRaster: {
      RasterReadOptions ro;
      ro.drop_bad_bands = false;
      ro.apply_scale = options.apply_scale;
      Scene maps = ReadRaster(path, ro);
      if (maps.rows != scene.rows || maps.cols != scene.cols)
        throw InputError(file, "shape",
                         fmt::format("abundance maps are {} x {} pixels, the scene is {} x {}", maps.rows, maps.cols,
                                     scene.rows, scene.cols));
      for (Index k = 0; k < maps.pixels(); ++k) {
        const bool gt_ok = maps.valid.empty() || maps.valid[static_cast<size_t>(k)];
        const bool scene_ok = scene.valid.empty() || scene.valid[static_cast<size_t>(k)];
        if (!gt_ok && scene_ok)
          throw InputError(file, fmt::format("pixel (row {}, col {})", k / maps.cols + 1, k % maps.cols + 1),
                           "no abundance (nodata) where the scene has a valid pixel");
      }
      Abundances a;
      a.values = std::move(maps.data);
      a.rows = maps.rows;
      a.cols = maps.cols;
      for (auto& n : maps.band_names) a.names.push_back(detail::CleanEndmemberName(n));
      detail::CheckAbundancesAgainstScene(a, scene, file, "abundances");
      GroundTruth gt;
      gt.source = file;
      gt.abundances = std::move(a);
      return gt;
    }
  }
  return {};
}

}  // namespace unmix::io
