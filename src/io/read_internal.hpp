#pragma once
// Internal entry points of read.cpp shared with info.cpp.
#include <filesystem>

#include "io/common.hpp"
#include "io/raster_internal.hpp"
#include "unmix/io/read.hpp"

namespace unmix::io::detail {

MatSceneOptions MatOptionsFrom(const ReadOptions& options);
RasterReadOptions RasterOptionsFrom(const ReadOptions& options);
void ApplyBandOptions(Scene& scene, const ReadOptions& options);
Scene ReadSceneDetailed(const std::filesystem::path& path, const ReadOptions& options, ReadDetails* details,
                        RasterDetails* raster);

}  // namespace unmix::io::detail
