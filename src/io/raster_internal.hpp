#pragma once
// Internal entry point of the raster reader shared with info.cpp.
#include <filesystem>

#include "io/common.hpp"
#include "unmix/io/raster.hpp"

namespace unmix::io::detail {

struct RasterDetails {
  std::string driver;
  std::string projection_name;
};

Scene ReadRasterDetailed(const std::filesystem::path& path, const RasterReadOptions& options, ReadDetails* details,
                         RasterDetails* raster = nullptr);

}  // namespace unmix::io::detail
