#pragma once
// Internal entry points of the .mat reader shared with read.cpp and info.cpp.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/common.hpp"
#include "io/mat_file.hpp"
#include "unmix/io/mat.hpp"

namespace unmix::io::detail {

enum class PixelLayout { kBandsByPixels, kPixelsByBands, kCube, kBandsFirstCube };

// How a .mat file's image was recognised.
struct MatSceneLayout {
  std::string var;
  PixelLayout pixel_layout = PixelLayout::kBandsByPixels;
  Index rows = 0, cols = 0, bands = 0;
  bool row_major = false;  // pixel order of 2-D layouts
  std::string description;
  std::vector<std::string> notes;
};

// nullopt when nothing looks like an image (and no variable was forced); throws InputError
// when something does but cannot be used (wrong rank, sizes that disagree).
std::optional<MatSceneLayout> RecognizeMatScene(const MatReader& mr, const MatSceneOptions& options);

Scene ReadMatSceneDetailed(const std::filesystem::path& path, const MatSceneOptions& options, ReadDetails* details);

GroundTruth ReadMatGroundTruthImpl(const std::filesystem::path& path, const Scene* scene, MatPixelOrder pixel_order,
                                   const std::string& band_spec);

MatrixF VarToMatrix(const matvar_t& v, const std::string& file, PixelLayout layout, Index bands, Index rows, Index cols,
                    bool row_major, bool* integer_valued);

}  // namespace unmix::io::detail
