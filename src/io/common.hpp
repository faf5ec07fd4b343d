#pragma once
// Helpers shared by the readers and writers of src/io (not part of the public API).
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "unmix/core/scene.hpp"
#include "unmix/io/info.hpp"
#include "unmix/io/mat.hpp"

namespace unmix::io::detail {

// What a reader learnt on the way, beyond the Scene itself (for DescribeFile).
struct ReadDetails {
  std::string format;
  std::string layout;
  std::string data_type;
  double scale = 1.0;
  std::string scale_source;
  std::optional<double> nodata;
  Index file_bands = 0;
  Index bad_bands = 0;
  std::vector<MatVariableInfo> variables;
  std::vector<std::string> notes;
};

// Throws InputError naming `path` when it is missing, a directory, or cannot be opened.
void RequireReadableFile(const std::filesystem::path& path);

// Throws InputError naming the file when `path`'s directory is missing or `path` is a directory.
void RequireWritableTarget(const std::filesystem::path& path);

std::string ToLower(std::string_view s);
std::string Trim(std::string_view s);
bool IEquals(std::string_view a, std::string_view b);
bool IStartsWith(std::string_view s, std::string_view prefix);

// "micrometers" / "nanometers" for the usual spellings; "" for unknown/none; anything else as is.
std::string NormalizeWavelengthUnits(std::string_view units);
// From the values: all within (0.1, 30) -> micrometers, all within (100, 30000) -> nanometers.
std::string GuessWavelengthUnits(const std::vector<double>& wavelengths);
// Multiplier taking `units` (normalized; empty = guess from `wavelengths`) to micrometres,
// or nullopt when unknown.
std::optional<double> MicrometresPerUnit(const std::string& units, const std::vector<double>& wavelengths);

// Removes numbering prefixes such as "1-", "#3 ", "2." and surrounding blanks from an
// endmember name ("1-tree" -> "tree", "#1 Alunite" -> "Alunite").
std::string CleanEndmemberName(std::string_view name);

[[noreturn]] void ThrowNotFinite(const std::string& file, const std::string& field, double value, Index row, Index col);

// Throws InputError(file, field, ...) at the first NaN or infinity of a column-major matrix.
template <typename Scalar>
void RequireFinite(const Scalar* data, Index rows, Index cols, const std::string& file, const std::string& field) {
  for (Index c = 0; c < cols; ++c)
    for (Index r = 0; r < rows; ++r) {
      const Scalar v = data[r + rows * c];
      if (!std::isfinite(static_cast<double>(v))) ThrowNotFinite(file, field, static_cast<double>(v), r, c);
    }
}
// Makes ground-truth endmembers fit `scene`'s bands: equal counts pass; otherwise rows are
// picked by matching wavelengths (both known, within 1 nm), else by `band_index` (0-based,
// from the file), else by `band_spec` (the --bands string, when the endmembers have the
// band count it was written for). Throws InputError(file, field, expected vs found).
void AlignEndmembersToScene(Endmembers& endmembers, const Scene& scene, const std::string& file,
                            const std::string& field, const std::vector<Index>& band_index,
                            const std::string& band_spec);

// Checks ground-truth abundances against the scene: pixel count, rows x cols, names count.
void CheckAbundancesAgainstScene(const Abundances& abundances, const Scene& scene, const std::string& file,
                                 const std::string& field);

// Marks pixels holding NaN as invalid (valid = 0, values 0). Returns how many.
Index InvalidateNonFinitePixels(Scene& scene);

// Drops the bands that are NaN or infinite in every valid pixel (they would invalidate every
// pixel), when some band has values; returns their 0-based numbers.
std::vector<Index> DropBandsWithoutValues(Scene& scene);

// Short text of a number: integers without decimals, others with up to 10 significant digits.
std::string FormatNumber(double v);

}  // namespace unmix::io::detail
