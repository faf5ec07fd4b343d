#include <cpl_string.h>
#include <fmt/format.h>
#include <gdal_priv.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "io/common.hpp"
#include "io/gdal_util.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/raster.hpp"

namespace fs = std::filesystem;

namespace unmix::io {

namespace {

// Removes files GDAL may create beside a temporary dataset (its own header name, PAM .aux.xml)
// unless they were moved into place.
class SidecarCleanup {
 public:
  void Add(fs::path p) { paths_.push_back(std::move(p)); }
  ~SidecarCleanup() {
    std::error_code ec;
    for (const auto& p : paths_) fs::remove(p, ec);
  }

 private:
  std::vector<fs::path> paths_;
};

fs::path EnviHeaderPathFor(const fs::path& data) {
  if (!data.has_extension()) return fs::path(data.string() + ".hdr");
  fs::path h = data;
  h.replace_extension(".hdr");
  return h;
}

// GDAL writes the temporary file name as the ENVI description; name the final file instead.
void RewriteEnviDescription(const fs::path& header, const std::string& description) {
  std::ifstream in(header, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  in.close();
  std::string text = ss.str();
  const size_t start = text.find("description = {");
  if (start == std::string::npos) return;
  const size_t close = text.find('}', start);
  if (close == std::string::npos) return;
  text.replace(start, close + 1 - start, "description = {\n" + description + "}");
  std::ofstream out(header, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw Error(fmt::format("{}: cannot rewrite the ENVI header", header.string()));
}

// A layout on the pixel grid of `scene` (size, valid pixels, georeferencing) for bands named
// `band_names`, at `wavelengths` (empty: unknown) in `wavelength_units`.
RasterLayout LayoutOnGridOf(const Scene& scene, std::vector<std::string> band_names,
                            std::vector<double> wavelengths = {}, std::string wavelength_units = {}) {
  return {.rows = scene.rows,
          .cols = scene.cols,
          .band_names = std::move(band_names),
          .wavelengths = std::move(wavelengths),
          .wavelength_units = std::move(wavelength_units),
          .valid = scene.valid,
          .geo = scene.geo};
}

std::string Join(const std::vector<double>& values) {
  std::string s;
  for (double v : values) {
    if (!s.empty()) s += ", ";
    s += fmt::format("{}", v);
  }
  return s;
}

}  // namespace

RasterFormat ResolveRasterFormat(const fs::path& path, RasterFormat requested) {
  if (requested != RasterFormat::kAuto) return requested;
  const std::string ext = detail::ToLower(path.extension().string());
  if (ext == ".tif" || ext == ".tiff" || ext == ".gtiff") return RasterFormat::kGTiff;
  if (ext.empty() || ext == ".img" || ext == ".dat" || ext == ".bsq" || ext == ".bil" || ext == ".bip" ||
      ext == ".raw" || ext == ".envi" || ext == ".hdr")
    return RasterFormat::kEnvi;
  throw OptionError(
      fmt::format("{}: cannot tell the raster format from the extension '{}' (use "
                  ".tif for GeoTIFF, .img for ENVI)",
                  path.string(), ext));
}

void WriteRaster(const fs::path& path, const Eigen::Ref<const MatrixF>& values, const RasterLayout& layout,
                 const RasterWriteOptions& options) {
  detail::EnsureGdal();
  const RasterFormat format = ResolveRasterFormat(path, options.format);
  const std::string file = path.string();
  const Index p = values.rows(), n = values.cols();
  if (p < 1 || layout.rows < 1 || layout.cols < 1)
    throw Error(fmt::format("{}: nothing to write ({} bands, {} x {} pixels)", file, p, layout.rows, layout.cols));
  if (layout.rows * layout.cols != n)
    throw Error(fmt::format("{}: {} x {} pixels need {} columns, the matrix has {}", file, layout.rows, layout.cols,
                            layout.rows * layout.cols, n));
  if (!layout.band_names.empty() && static_cast<Index>(layout.band_names.size()) != p)
    throw Error(fmt::format("{}: {} band names for {} bands", file, layout.band_names.size(), p));
  if (!layout.wavelengths.empty() && static_cast<Index>(layout.wavelengths.size()) != p)
    throw Error(fmt::format("{}: {} wavelengths for {} bands", file, layout.wavelengths.size(), p));
  if (!layout.valid.empty() && static_cast<Index>(layout.valid.size()) != n)
    throw Error(fmt::format("{}: validity mask has {} entries for {} pixels", file, layout.valid.size(), n));
  constexpr Index kIntMax = std::numeric_limits<int>::max();
  if (layout.rows > kIntMax || layout.cols > kIntMax || p > 65535)
    throw Error(fmt::format("{}: {} x {} x {} is too large for a raster", file, layout.rows, layout.cols, p));

  fs::path data_path = path;
  if (format == RasterFormat::kEnvi && detail::IEquals(path.extension().string(), ".hdr"))
    data_path.replace_extension();
  const fs::path header_path = EnviHeaderPathFor(data_path);
  detail::RequireWritableTarget(data_path);
  if (format == RasterFormat::kEnvi) detail::RequireWritableTarget(header_path);

  AtomicOutput out;
  const fs::path temp = out.Add(data_path);
  const fs::path temp_header = format == RasterFormat::kEnvi ? out.Add(header_path) : fs::path();
  SidecarCleanup sidecars;
  sidecars.Add(temp.string() + ".hdr");
  sidecars.Add(temp.string() + ".aux.xml");

  detail::ScopedGdalConfig no_pam("GDAL_PAM_ENABLED", "NO");
  detail::GdalErrorCapture errors;
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(format == RasterFormat::kEnvi ? "ENVI" : "GTiff");
  if (!driver) throw Error(fmt::format("{}: GDAL lacks the driver for this format", file));

  CPLStringList create;
  if (format == RasterFormat::kEnvi) {
    create.SetNameValue("INTERLEAVE", options.interleave == Interleave::kBsq   ? "BSQ"
                                      : options.interleave == Interleave::kBil ? "BIL"
                                                                               : "BIP");
    create.SetNameValue("SUFFIX", "ADD");
  } else {
    create.SetNameValue("INTERLEAVE", options.interleave == Interleave::kBip ? "PIXEL" : "BAND");
    create.SetNameValue("BIGTIFF", "IF_SAFER");
    if (options.compress) {
      create.SetNameValue("COMPRESS", "DEFLATE");
      create.SetNameValue("PREDICTOR", "3");
    }
  }
  detail::DatasetPtr ds(driver->Create(temp.c_str(), static_cast<int>(layout.cols), static_cast<int>(layout.rows),
                                       static_cast<int>(p), GDT_Float32, create.List()));
  if (!ds) throw Error(fmt::format("{}: cannot create the raster: {}", file, errors.message()));

  if (layout.geo.geotransform) {
    auto gt = *layout.geo.geotransform;
    if (ds->SetGeoTransform(gt.data()) != CE_None)
      throw Error(fmt::format("{}: cannot set the geotransform: {}", file, errors.message()));
  }
  if (!layout.geo.projection_wkt.empty() && ds->SetProjection(layout.geo.projection_wkt.c_str()) != CE_None)
    throw Error(fmt::format("{}: cannot set the projection: {}", file, errors.message()));
  const std::string units = layout.wavelength_units;
  if (format == RasterFormat::kGTiff) {
    for (const auto& [k, v] : layout.geo.metadata) ds->SetMetadataItem(k.c_str(), v.c_str());
  } else if (!layout.wavelengths.empty()) {
    const std::string list = fmt::format("{{{}}}", Join(layout.wavelengths));
    ds->SetMetadataItem("wavelength", list.c_str(), "ENVI");
    if (!units.empty()) ds->SetMetadataItem("wavelength_units", units.c_str(), "ENVI");
  }
  for (Index b = 0; b < p; ++b) {
    GDALRasterBand* band = ds->GetRasterBand(static_cast<int>(b) + 1);
    if (!layout.band_names.empty()) band->SetDescription(layout.band_names[static_cast<size_t>(b)].c_str());
    band->SetNoDataValue(std::numeric_limits<double>::quiet_NaN());
    if (format == RasterFormat::kGTiff && !layout.wavelengths.empty()) {
      band->SetMetadataItem("wavelength", fmt::format("{}", layout.wavelengths[static_cast<size_t>(b)]).c_str());
      if (!units.empty()) band->SetMetadataItem("wavelength_units", units.c_str());
    }
  }

  // Pixels: column k of `values` holds pixel k's bands (a BIP line layout for GDAL).
  const GSpacing fsize = sizeof(float);
  const GSpacing pixel_space = fsize * values.outerStride();
  bool all_valid = true;
  for (auto v : layout.valid) all_valid = all_valid && v;
  CPLErr rc = CE_None;
  if (all_valid) {
    rc =
        ds->RasterIO(GF_Write, 0, 0, static_cast<int>(layout.cols), static_cast<int>(layout.rows),
                     const_cast<float*>(values.data()), static_cast<int>(layout.cols), static_cast<int>(layout.rows),
                     GDT_Float32, static_cast<int>(p), nullptr, pixel_space, pixel_space * layout.cols, fsize, nullptr);
  } else {
    std::vector<float> line(static_cast<size_t>(p * layout.cols));
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (Index r = 0; r < layout.rows && rc == CE_None; ++r) {
      for (Index c = 0; c < layout.cols; ++c) {
        const Index k = r * layout.cols + c;
        float* dst = line.data() + p * c;
        if (layout.valid[static_cast<size_t>(k)]) {
          const float* src = values.data() + values.outerStride() * k;
          std::copy(src, src + p, dst);
        } else {
          std::fill(dst, dst + p, nan);
        }
      }
      rc = ds->RasterIO(GF_Write, 0, static_cast<int>(r), static_cast<int>(layout.cols), 1, line.data(),
                        static_cast<int>(layout.cols), 1, GDT_Float32, static_cast<int>(p), nullptr, fsize * p,
                        fsize * p * layout.cols, fsize, nullptr);
    }
  }
  if (rc != CE_None) throw Error(fmt::format("{}: writing the pixels failed: {}", file, errors.message()));
  ds->FlushCache(true);
  ds.reset();
  if (errors.failed()) throw Error(fmt::format("{}: writing the raster failed: {}", file, errors.message()));

  if (format == RasterFormat::kEnvi) {
    const fs::path gdal_header = temp.string() + ".hdr";
    std::error_code ec;
    fs::rename(gdal_header, temp_header, ec);
    if (ec) throw Error(fmt::format("{}: GDAL did not write the ENVI header ({})", file, ec.message()));
    RewriteEnviDescription(temp_header, data_path.filename().string());
  }
  out.Commit();
}

void WriteRaster(const fs::path& path, const Scene& scene, const RasterWriteOptions& options) {
  scene.Validate();
  WriteRaster(path, scene.data, LayoutOnGridOf(scene, scene.band_names, scene.wavelengths, scene.wavelength_units),
              options);
}

void WriteAbundanceRaster(const fs::path& path, const Abundances& abundances, const Scene& like, RasterFormat format) {
  abundances.Validate();
  if (abundances.pixels() != like.pixels() || abundances.rows != like.rows || abundances.cols != like.cols)
    throw Error(fmt::format("{}: abundances are {} x {} ({} pixels), the scene is {} x {} ({})", path.string(),
                            abundances.rows, abundances.cols, abundances.pixels(), like.rows, like.cols,
                            like.pixels()));
  std::vector<std::string> names;
  for (Index j = 0; j < abundances.count(); ++j)
    names.push_back(j < static_cast<Index>(abundances.names.size()) && !abundances.names[static_cast<size_t>(j)].empty()
                        ? abundances.names[static_cast<size_t>(j)]
                        : fmt::format("E{}", j + 1));
  RasterWriteOptions options;
  options.format = format;
  WriteRaster(path, abundances.values, LayoutOnGridOf(like, std::move(names)), options);
}

}  // namespace unmix::io
