#pragma once
// Band selection on a loaded scene: by a 1-based range list, or by removing the atmospheric
// water-vapour absorption windows.
#include <string>
#include <vector>

#include "unmix/core/scene.hpp"

namespace unmix::io {

// Parses "1-3,10,20-30" (1-based, inclusive, spaces allowed) for a scene of `band_count`
// bands into 0-based indices, ascending and without repeats (overlapping ranges merge).
// Throws OptionError naming the offending item.
std::vector<Index> ParseBandSpec(const std::string& spec, Index band_count);

// Keeps the bands of `indices` (0-based, ascending) in data, wavelengths and band names.
void KeepBands(Scene& scene, const std::vector<Index>& indices);

// KeepBands(scene, ParseBandSpec(spec, scene.bands())).
void SelectBands(Scene& scene, const std::string& spec);

struct WaterVaporOptions {
  bool trim_edges = false;  // also drop bands below 0.40 um and above 2.45 um (noisy detector edges)
};

// The absorption windows removed, in micrometres: [1.34, 1.45] and [1.79, 1.97] (both ends
// inclusive). Wavelengths in nanometres are converted (units from the scene, or guessed from
// the values: above 100 means nanometres). Throws InputError when the scene has no
// wavelengths or when no band would remain.
void RemoveWaterVaporBands(Scene& scene, const WaterVaporOptions& options = {});

// The 0-based bands RemoveWaterVaporBands keeps, without changing the scene.
std::vector<Index> WaterVaporFreeBands(const Scene& scene, const WaterVaporOptions& options = {});

}  // namespace unmix::io
