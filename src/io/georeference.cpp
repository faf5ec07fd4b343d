#include "unmix/io/georeference.hpp"

#include <cpl_conv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

namespace unmix::io {

// The scene's CRS, pixel size and extent for run.json ("georeference"); null when it has neither
// a spatial reference nor a geotransform.
nlohmann::json GeoreferenceJson(const Scene& scene) {
  const GeoReference& g = scene.geo;
  if (g.projection_wkt.empty() && !g.geotransform) return nullptr;
  nlohmann::json j = nlohmann::json::object();
  if (!g.projection_wkt.empty()) {
    OGRSpatialReference srs(g.projection_wkt.c_str());
    // A CRS without an authority code (an ENVI "map info" gives "unnamed" UTM) is named after the
    // catalogue entry it is equivalent to (GDAL's confidence 70 or more: equal but for the name).
    if (!srs.GetAuthorityCode(nullptr)) {
      int count = 0;
      int* confidence = nullptr;
      OGRSpatialReferenceH* matches = srs.FindMatches(nullptr, &count, &confidence);
      if (count > 0 && confidence[0] >= 70) {
        // The catalogue's own definition, so that names and units read as for a file with the code.
        const OGRSpatialReference* match = OGRSpatialReference::FromHandle(matches[0]);
        const char* auth = match->GetAuthorityName(nullptr);
        const char* code = match->GetAuthorityCode(nullptr);
        OGRSpatialReference entry;
        const bool epsg =
            auth && code && std::string(auth) == "EPSG" && entry.importFromEPSG(std::atoi(code)) == OGRERR_NONE;
        srs = epsg ? entry : *match;
      }
      OSRFreeSRSArray(matches);
      CPLFree(confidence);
    }
    const char* name = srs.GetName();
    j["crs"] = name && *name ? name : "(unnamed)";
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth && code) j["crs_code"] = std::string(auth) + ":" + code;
    const char* units = nullptr;
    srs.IsGeographic() ? srs.GetAngularUnits(&units) : srs.GetLinearUnits(&units);
    if (units) j["units"] = units;
  }
  if (g.geotransform) {
    const auto& t = *g.geotransform;
    j["geotransform"] = t;
    j["pixel_size"] = {std::hypot(t[1], t[4]), std::hypot(t[2], t[5])};
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    for (const auto& [px, py] : {std::pair<double, double>{0, 0},
                                 {static_cast<double>(scene.cols), 0},
                                 {0, static_cast<double>(scene.rows)},
                                 {static_cast<double>(scene.cols), static_cast<double>(scene.rows)}}) {
      const double x = t[0] + px * t[1] + py * t[2], y = t[3] + px * t[4] + py * t[5];
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
    j["extent"] = {{"min_x", x0}, {"min_y", y0}, {"max_x", x1}, {"max_y", y1}};
    j["rotated"] = t[2] != 0 || t[4] != 0;
  }
  return j;
}

}  // namespace unmix::io
