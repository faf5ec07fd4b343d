#pragma once
// The georeferencing of a scene as run.json records it and the report shows it.
#include <nlohmann/json.hpp>

#include "unmix/core/scene.hpp"

namespace unmix::io {

// {"crs", "crs_code", "units", "geotransform", "pixel_size": [x, y], "extent": {min_x, min_y,
// max_x, max_y}, "rotated"} from scene.geo, each key only when known; null when the scene has
// neither a spatial reference nor a geotransform. Extent in CRS units, over the whole grid.
nlohmann::json GeoreferenceJson(const Scene& scene);

}  // namespace unmix::io
