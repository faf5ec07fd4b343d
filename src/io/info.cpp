#include "unmix/io/info.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "io/common.hpp"
#include "io/mat_internal.hpp"
#include "io/raster_internal.hpp"
#include "io/read_internal.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/csv.hpp"
#include "unmix/io/georeference.hpp"
#include "unmix/io/library.hpp"
#include "unmix/io/read.hpp"

namespace fs = std::filesystem;

namespace unmix::io {

namespace {

void SetWavelengths(FileInfo& fi, const std::vector<double>& wl, const std::string& units) {
  if (wl.empty()) return;
  fi.wavelength_min = *std::min_element(wl.begin(), wl.end());
  fi.wavelength_max = *std::max_element(wl.begin(), wl.end());
  fi.wavelength_units = units;
}

void FillFromScene(FileInfo& fi, const Scene& s, const detail::ReadDetails& d) {
  fi.content = "scene";
  fi.rows = s.rows;
  fi.cols = s.cols;
  fi.bands = s.bands();
  fi.pixels = s.pixels();
  fi.file_bands = d.file_bands;
  fi.bad_bands = d.bad_bands;
  fi.format = d.format;
  fi.layout = d.layout;
  fi.data_type = d.data_type;
  fi.scale = d.scale;
  fi.scale_source = d.scale_source;
  fi.nodata_value = d.nodata;
  fi.nodata_pixels = s.pixels() - s.valid_count();
  fi.geotransform = s.geo.geotransform;
  fi.notes.insert(fi.notes.end(), d.notes.begin(), d.notes.end());
  SetWavelengths(fi, s.wavelengths, s.wavelength_units);
}

// `*v` as JSON, or null when `v` is empty.
template <typename T>
nlohmann::ordered_json ValueOrNull(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

bool HasNumeric(const detail::MatReader& mr, const char* name, bool matrix) {
  const auto* v = mr.Find(name);
  if (!v || v->class_name == "char" || v->class_name == "cell" || v->class_name == "struct") return false;
  size_t n = 1;
  for (auto d : v->dims) n *= d;
  return matrix ? n > 1 : n >= 1;
}

}  // namespace

FileInfo DescribeFile(const fs::path& path) { return DescribeFile(path, ReadOptions{}); }

FileInfo DescribeFile(const fs::path& path, const ReadOptions& options) {
  FileInfo fi;
  fi.path = path.string();
  const FileKind kind = DetectFileKind(path);
  if (kind == FileKind::kCsv) {
    const Endmembers e = ReadEndmembersCsv(path);
    fi.format = "CSV";
    fi.content = "endmembers";
    fi.layout = e.wavelengths.empty() ? "one column per endmember" : "wavelength column, one column per endmember";
    fi.bands = fi.file_bands = e.bands();
    fi.endmembers = e.count();
    for (Index j = 0; j < e.count(); ++j) fi.names.push_back(e.name(j));
    SetWavelengths(fi, e.wavelengths, detail::GuessWavelengthUnits(e.wavelengths));
    fi.data_type = "text";
    return fi;
  }
  if (kind == FileKind::kRaster) {
    detail::ReadDetails d;
    detail::RasterDetails rd;
    const Scene s = detail::ReadSceneDetailed(path, options, &d, &rd);
    FillFromScene(fi, s, d);
    fi.projection = rd.projection_name;
    if (!s.geo.projection_wkt.empty()) {
      // As the report names it: an ENVI map info's "unnamed" CRS after its EPSG entry, with the code.
      const nlohmann::json g = GeoreferenceJson(s);
      fi.projection = g.value("crs", std::string("(unnamed)"));
      if (g.contains("crs_code")) fi.projection += " (" + g["crs_code"].get<std::string>() + ")";
    }
    return fi;
  }

  // .mat: a scene, ground truth, a spectral library, or something unrecognised.
  bool scene_layout = false, gt = false, library = false;
  std::string recognise_error;
  {
    detail::MatReader mr(path);
    fi.format = mr.format();
    fi.variables = mr.variables();
    try {
      scene_layout = detail::RecognizeMatScene(mr, detail::MatOptionsFrom(options)).has_value();
    } catch (const InputError& e) {
      recognise_error = e.what();
    }
    gt = HasNumeric(mr, "M", true) || HasNumeric(mr, "E", true) || HasNumeric(mr, "A", true);
    library = mr.Find("datalib") != nullptr;
  }
  if (scene_layout) {
    detail::ReadDetails d;
    const Scene s = detail::ReadSceneDetailed(path, options, &d, nullptr);
    FillFromScene(fi, s, d);
    if (gt) {
      fi.notes.push_back("the file also holds ground truth (read it as --gt)");
      try {
        const GroundTruth g = ReadMatGroundTruth(path, nullptr, options.pixel_order);
        fi.has_abundances = g.abundances.has_value();
        if (g.endmembers) {
          fi.endmembers = g.endmembers->count();
          for (Index j = 0; j < g.endmembers->count(); ++j) fi.names.push_back(g.endmembers->name(j));
        } else if (g.abundances) {
          fi.endmembers = g.abundances->count();
          fi.names = g.abundances->names;
        }
      } catch (const InputError& e) {
        fi.notes.push_back(std::string("its ground truth cannot be read: ") + e.what());
      }
    }
    return fi;
  }
  if (library) {
    const SpectralLibrary lib = ReadSpectralLibrary(path);
    fi.content = "spectral library";
    fi.layout = "datalib (wavelength, FWHM, channel, spectra...) + names; rows sorted by wavelength";
    fi.bands = fi.file_bands = lib.bands();
    fi.endmembers = lib.count();
    fi.names = lib.names;
    fi.data_type = "double";
    SetWavelengths(fi, lib.wavelengths, lib.wavelength_units);
    return fi;
  }
  if (gt) {
    const GroundTruth g = ReadMatGroundTruth(path, nullptr, options.pixel_order);
    fi.content = "ground truth";
    fi.has_abundances = g.abundances.has_value();
    std::string parts;
    if (g.endmembers) {
      fi.bands = fi.file_bands = g.endmembers->bands();
      fi.endmembers = g.endmembers->count();
      for (Index j = 0; j < g.endmembers->count(); ++j) fi.names.push_back(g.endmembers->name(j));
      SetWavelengths(fi, g.endmembers->wavelengths, detail::GuessWavelengthUnits(g.endmembers->wavelengths));
      parts = fmt::format("endmembers {} x {}", g.endmembers->bands(), g.endmembers->count());
    }
    if (g.abundances) {
      fi.rows = g.abundances->rows;
      fi.cols = g.abundances->cols;
      fi.pixels = g.abundances->pixels();
      if (!g.endmembers) {
        fi.endmembers = g.abundances->count();
        fi.names = g.abundances->names;
      }
      parts +=
          fmt::format("{}abundances {} x {}", parts.empty() ? "" : ", ", g.abundances->count(), g.abundances->pixels());
      if (g.abundances->cols == 1)
        fi.notes.push_back("no image size in the file: abundances kept in file order (N x 1)");
    }
    fi.layout = parts;
    fi.data_type = "double";
    return fi;
  }
  fi.content = "unrecognised";
  fi.notes.push_back(recognise_error.empty() ? "no image, ground truth or spectral library layout recognised; use "
                                               "--var NAME to choose the data variable"
                                             : recognise_error);
  return fi;
}

std::string FileInfo::ToText() const {
  std::string s;
  auto line = [&](const char* key, const std::string& value) { s += fmt::format("{:<13}{}\n", key, value); };
  line("file", path);
  line("format", format);
  line("content", content);
  if (!layout.empty()) line("layout", layout);
  if (content == "scene") {
    line("shape", fmt::format("{} rows x {} cols x {} bands ({} pixels)", rows, cols, bands, pixels));
    if (bad_bands > 0) line("file bands", fmt::format("{} ({} dropped by the bad-band list)", file_bands, bad_bands));
  } else if (bands > 0 || pixels > 0) {
    std::string shape = fmt::format("{} bands", bands);
    if (pixels > 0) shape += fmt::format(", {} x {} pixels ({})", rows, cols, pixels);
    line("shape", shape);
  }
  if (!data_type.empty()) line("data type", data_type);
  if (content == "scene")
    line("scale", scale != 1.0 ? fmt::format("values divided by {} ({})", detail::FormatNumber(scale), scale_source)
                  : scale_source.empty() ? "none"
                                         : scale_source);
  if (wavelength_min)
    line("wavelengths", fmt::format("{:.6g} to {:.6g} {}", *wavelength_min, *wavelength_max,
                                    wavelength_units.empty() ? "(units unknown)" : wavelength_units));
  else if (content == "scene" || content == "spectral library" || content == "endmembers")
    line("wavelengths", "unknown");
  if (content == "scene") {
    std::string nd = fmt::format("{} pixels", nodata_pixels);
    if (nodata_value) nd += fmt::format(" (nodata value {})", detail::FormatNumber(*nodata_value));
    line("nodata", nd);
    line("projection", projection.empty() ? "none" : projection);
    if (geotransform) {
      const auto& g = *geotransform;
      line("geotransform",
           fmt::format("origin ({}, {}), pixel size ({}, {}), rotation ({}, {})", detail::FormatNumber(g[0]),
                       detail::FormatNumber(g[3]), detail::FormatNumber(g[1]), detail::FormatNumber(g[5]),
                       detail::FormatNumber(g[2]), detail::FormatNumber(g[4])));
    } else {
      line("geotransform", "none");
    }
  }
  if (endmembers > 0) {
    std::string list;
    const size_t shown = std::min<size_t>(names.size(), 12);
    for (size_t i = 0; i < shown; ++i) {
      if (i) list += ", ";
      list += names[i];
    }
    if (names.size() > shown) list += fmt::format(", ... ({} more)", names.size() - shown);
    line(content == "spectral library" ? "spectra" : "endmembers",
         fmt::format("{}{}{}", endmembers, list.empty() ? "" : ": ", list));
  }
  if (content == "ground truth" || has_abundances) line("abundances", has_abundances ? "yes" : "no");
  for (size_t i = 0; i < variables.size(); ++i) line(i == 0 ? "variables" : "", variables[i].ToText());
  for (const auto& n : notes) line("note", n);
  return s;
}

std::string FileInfo::ToJson() const {
  using Json = nlohmann::ordered_json;
  auto vars = Json::array();
  for (const auto& v : variables)
    vars.push_back({{"name", v.name}, {"class", v.class_name}, {"dims", v.dims}, {"complex", v.complex}});
  const Json nodata = nodata_value && !std::isfinite(*nodata_value) ? Json("nan") : ValueOrNull(nodata_value);
  const Json j = {{"file", path},
                  {"format", format},
                  {"content", content},
                  {"layout", layout},
                  {"rows", rows},
                  {"cols", cols},
                  {"bands", bands},
                  {"pixels", pixels},
                  {"file_bands", file_bands},
                  {"bad_bands", bad_bands},
                  {"data_type", data_type},
                  {"scale", scale},
                  {"scale_source", scale_source},
                  {"wavelength_min", ValueOrNull(wavelength_min)},
                  {"wavelength_max", ValueOrNull(wavelength_max)},
                  {"wavelength_units", wavelength_units},
                  {"nodata_value", nodata},
                  {"nodata_pixels", nodata_pixels},
                  {"projection", projection},
                  {"geotransform", ValueOrNull(geotransform)},
                  {"endmembers", endmembers},
                  {"has_abundances", has_abundances},
                  {"names", names},
                  {"variables", vars},
                  {"notes", notes}};
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace unmix::io
