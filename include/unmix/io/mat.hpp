#pragma once
// MATLAB .mat files (v5 and v7.3) through matio: benchmark scenes, ground truth, and results.
//
// Layouts recognised by ReadMatScene without flags (docs/io.md has the details):
//  * `Y` (or `V`) bands x pixels with `nRow`/`nCol`: MATLAB column-major pixel order
//    (the Zhu et al. benchmark files, e.g. Jasper Ridge); `maxValue` divides integer data.
//  * `Y` bands x pixels with `H`/`W` (and ground truth `E`, `A`, `labels`): the single-file
//    layout written by Python tools with numpy, whose pixels are row-major.
//  * a rows x cols x bands 3-D array (no pixel-order question: the indices say it).
// Every reader returns pixels in unmix's row-major order (see core/scene.hpp).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "unmix/core/scene.hpp"

namespace unmix::io {

// How the pixels of a bands x pixels matrix are ordered in the file. kAuto: column-major when
// the image size comes from `nRow`/`nCol` (MATLAB), row-major when it comes from `H`/`W`
// (numpy), column-major when the file has no size at all.
enum class MatPixelOrder { kAuto, kColumnMajor, kRowMajor };

struct MatSceneOptions {
  std::string var;  // force the data variable (the CLI's --var)
  MatPixelOrder pixel_order = MatPixelOrder::kAuto;
  bool apply_max_value = true;   // divide integer-valued data by `maxValue`
  bool drop_empty_bands = true;  // drop bands that are NaN/infinite in every pixel
};

// One variable of a .mat file as listed without reading its data.
struct MatVariableInfo {
  std::string name;
  std::string class_name;         // "double", "uint16", "char", "cell", "struct", "logical", ...
  std::vector<std::size_t> dims;  // MATLAB dimensions
  bool complex = false;
  std::string dims_text() const;  // "198x10000"
  std::string ToText() const;     // "Y (double 198x10000)"
};

enum class MatVersion { kV5, kV73 };

struct MatWriteOptions {
  MatVersion version = MatVersion::kV5;  // v7.3 (HDF5) for variables over 2 GB
  bool compress = true;                  // zlib; lossless
};

// Reads a scene. Throws InputError naming the file and field; when no layout is recognised the
// message lists the variables found and suggests --var.
Scene ReadMatScene(const std::filesystem::path& path, const MatSceneOptions& options = {});

// Reads reference endmembers (`M` matrix, else `E`) and/or abundances (`A`, r x pixels or a 3-D
// map) and their names (`cood`, `labels`; numbering prefixes such as "1-" or "#3 " removed).
// With a scene: abundances take its shape and are checked against its pixel count, endmembers
// against its band count (a file with more bands is reduced by matching wavelengths, or by its
// `slctBnds`/`SlectBands` index). Without a scene the shape comes from nRow/nCol or H/W in the
// file; if the file has none, abundances come back as an N x 1 image in file order.
GroundTruth ReadMatGroundTruth(const std::filesystem::path& path, const Scene* scene = nullptr,
                               MatPixelOrder pixel_order = MatPixelOrder::kAuto);

// The variables of a .mat file, in file order.
std::vector<MatVariableInfo> ListMatVariables(const std::filesystem::path& path);

// Writes `Y` (bands x pixels, double, MATLAB column-major pixel order), `nRow`, `nCol`,
// `nBand`, `wavelength` (when known) and `valid` (1 x N uint8, only when some pixels are
// invalid). Atomic: an existing file is replaced only once the new one is complete.
void WriteMatScene(const std::filesystem::path& path, const Scene& scene, const MatWriteOptions& options = {});

// Writes a result in the benchmark layout: `M` (bands x r double), `A` (r x N double, MATLAB
// column-major pixel order), `cood` (cell array of names), `nRow`, `nCol`, and `wavelength`
// when the endmembers carry them. Either pointer may be null, not both. Atomic.
void WriteMatResult(const std::filesystem::path& path, const Endmembers* endmembers, const Abundances* abundances,
                    const MatWriteOptions& options = {});

}  // namespace unmix::io
