#include "unmix/io/bands.hpp"

#include <fmt/format.h>

#include "io/common.hpp"
#include "unmix/core/error.hpp"

namespace unmix::io {

namespace {

Index ParseBandNumber(const std::string& text, const std::string& item, Index band_count) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    throw OptionError(fmt::format("--bands: '{}' is not a band number or range like 3 or 10-20", item));
  if (text.size() > 12) throw OptionError(fmt::format("--bands: band {} is out of range 1..{}", text, band_count));
  const Index v = std::stoll(text);
  if (v < 1 || v > band_count) throw OptionError(fmt::format("--bands: band {} is out of range 1..{}", v, band_count));
  return v;
}

}  // namespace

std::vector<Index> ParseBandSpec(const std::string& spec, Index band_count) {
  if (detail::Trim(spec).empty()) throw OptionError("--bands: the band list is empty");
  std::vector<char> keep(static_cast<size_t>(band_count), 0);
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    const std::string item = detail::Trim(spec.substr(start, comma - start));
    if (item.empty()) throw OptionError(fmt::format("--bands: empty item in '{}' (two commas in a row?)", spec));
    const size_t dash = item.find('-');
    Index lo, hi;
    if (dash == std::string::npos) {
      lo = hi = ParseBandNumber(item, item, band_count);
    } else {
      lo = ParseBandNumber(detail::Trim(item.substr(0, dash)), item, band_count);
      hi = ParseBandNumber(detail::Trim(item.substr(dash + 1)), item, band_count);
      if (lo > hi) throw OptionError(fmt::format("--bands: range '{}' runs backwards", item));
    }
    for (Index b = lo; b <= hi; ++b) keep[static_cast<size_t>(b - 1)] = 1;
    start = comma + 1;
  }
  std::vector<Index> out;
  for (Index b = 0; b < band_count; ++b)
    if (keep[static_cast<size_t>(b)]) out.push_back(b);
  return out;
}

void KeepBands(Scene& scene, const std::vector<Index>& indices) {
  if (indices.empty()) throw InputError(scene.source, "bands", "the band selection keeps no band");
  for (size_t i = 0; i < indices.size(); ++i)
    if (indices[i] < 0 || indices[i] >= scene.bands() || (i && indices[i] <= indices[i - 1]))
      throw OptionError(
          fmt::format("band selection: index {} is out of range 0..{} or not "
                      "ascending",
                      indices[i], scene.bands() - 1));
  if (static_cast<Index>(indices.size()) == scene.bands()) return;
  MatrixF data(static_cast<Index>(indices.size()), scene.pixels());
  std::vector<double> wl;
  std::vector<std::string> names;
  for (size_t i = 0; i < indices.size(); ++i) {
    data.row(static_cast<Index>(i)) = scene.data.row(indices[i]);
    if (!scene.wavelengths.empty()) wl.push_back(scene.wavelengths[static_cast<size_t>(indices[i])]);
    if (!scene.band_names.empty()) names.push_back(scene.band_names[static_cast<size_t>(indices[i])]);
  }
  scene.data = std::move(data);
  scene.wavelengths = std::move(wl);
  scene.band_names = std::move(names);
}

void SelectBands(Scene& scene, const std::string& spec) { KeepBands(scene, ParseBandSpec(spec, scene.bands())); }

std::vector<Index> WaterVaporFreeBands(const Scene& scene, const WaterVaporOptions& options) {
  if (scene.wavelengths.empty())
    throw InputError(scene.source, "wavelengths",
                     "unknown, so the water-vapour bands cannot be located (select bands by "
                     "number with --bands instead)");
  const auto factor = detail::MicrometresPerUnit(scene.wavelength_units, scene.wavelengths);
  if (!factor)
    throw InputError(scene.source, "wavelength units",
                     fmt::format("'{}' is neither micrometres nor nanometres, so the water-vapour "
                                 "bands cannot be located",
                                 scene.wavelength_units.empty() ? "unknown" : scene.wavelength_units));
  std::vector<Index> keep;
  for (Index b = 0; b < scene.bands(); ++b) {
    const double um = scene.wavelengths[static_cast<size_t>(b)] * *factor;
    const bool vapour = (um >= 1.34 && um <= 1.45) || (um >= 1.79 && um <= 1.97);
    const bool edge = options.trim_edges && (um < 0.40 || um > 2.45);
    if (!vapour && !edge) keep.push_back(b);
  }
  if (keep.empty())
    throw InputError(scene.source, "wavelengths", "every band lies in a water-vapour window: nothing would remain");
  return keep;
}

void RemoveWaterVaporBands(Scene& scene, const WaterVaporOptions& options) {
  KeepBands(scene, WaterVaporFreeBands(scene, options));
}

}  // namespace unmix::io
