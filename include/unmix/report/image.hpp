#pragma once
// Images for reports: the viridis colour map, maps reduced for display by block averaging, the
// scene preview (three bands, percentile stretch) and PNG encoding (GDAL's PNG driver, in
// memory). Full-resolution values stay in the raster outputs; these are for looking at.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "unmix/core/scene.hpp"

namespace unmix::report {

using Rgb = std::array<std::uint8_t, 3>;

// matplotlib's viridis, 256 entries: perceptually uniform, monotonic in lightness (readable in
// grey and by colour-blind readers).
const std::array<Rgb, 256>& ViridisTable();
// The entry for t in [0, 1] (clamped; NaN gives entry 0).
Rgb Viridis(double t);

// Maps of one image reduced for display. Output pixel (i, j) is the mean of the valid source
// pixels in the block [i f, (i+1) f) x [j f, (j+1) f) (blocks at the right and bottom edges are
// partial); NaN where a block holds no valid pixel.
struct DisplayMaps {
  Index rows = 0, cols = 0;                // display size
  Index source_rows = 0, source_cols = 0;  // full size
  Index factor = 1;                        // f: block side in source pixels
  std::vector<std::string> names;          // one per map, or empty
  MatrixF values;                          // maps x (rows * cols), row-major pixels
  Index count() const { return values.rows(); }
};

// The smallest block side f that brings the longest side of a rows x cols image to at most
// max_side pixels (1 when it already fits).
Index BlockFactor(Index rows, Index cols, Index max_side);

// `values` is maps x (rows * cols); `valid` is empty (all valid) or one flag per pixel.
DisplayMaps BlockAverage(const MatrixF& values, Index rows, Index cols, const std::vector<std::uint8_t>& valid,
                         Index max_side);

// An 8-bit image, row-major, channels interleaved (1 grey, 3 RGB, 4 RGBA).
struct Image8 {
  Index rows = 0, cols = 0;
  int channels = 3;
  std::vector<std::uint8_t> pixels;  // rows * cols * channels
};

// PNG file bytes of an image. Throws Error when GDAL fails.
std::string EncodePng(const Image8& image);

// Maps are paletted PNGs: index k in 0..254 is viridis at lo + (hi - lo) k / 254 (values
// rounded to the nearest index, clamped to the range); index 255 is transparent (no data).
inline constexpr std::uint8_t kNoDataIndex = 255;
std::uint8_t MapIndex(double value, double lo, double hi);
// PNG bytes of one rows x cols map (row-major, NaN = no data).
std::string MapPng(const float* values, Index rows, Index cols, double lo = 0.0, double hi = 1.0);

struct ScenePreview {
  Image8 image;                  // RGB, reduced for display like the maps
  std::array<Index, 3> bands{};  // 0-based bands shown as red, green, blue
  bool true_colour = false;
  std::string caption;  // which bands, which stretch
};

// Red, green and blue bands: the bands nearest 640, 550 and 460 nm when the wavelengths reach
// within 30 nm of each (true colour); otherwise bands at 5/6, 1/2 and 1/6 of the band range
// (false colour, longer wavelengths shown redder). Wavelength units: "micrometers" or
// "nanometers"; anything else is guessed from the values (below 100: micrometres).
std::array<Index, 3> PreviewBands(const std::vector<double>& wavelengths, const std::string& units, Index band_count,
                                  bool* true_colour);

// The scene's three preview bands, block-averaged to at most max_side pixels on the longest
// side, each channel stretched linearly between its 2nd and 98th percentile over the valid
// display pixels. Invalid blocks are drawn black.
ScenePreview MakeScenePreview(const Scene& scene, Index max_side);

// Wavelengths converted to nanometres by the rule above (empty when unknown).
std::vector<double> WavelengthsInNanometres(const std::vector<double>& wavelengths, const std::string& units);

std::string Base64(std::string_view bytes);
// "data:<mime>;base64,<...>": an image embedded in the HTML file itself.
std::string DataUri(std::string_view mime, std::string_view bytes);

}  // namespace unmix::report
