#pragma once
// Reading what a run works on: the scene and its ground truth, with the checks that catch a
// wrong file before any work (values far outside any reflectance or radiance range; an image
// given as abundances).
#include <string>
#include <vector>

#include "unmix/core/scene.hpp"
#include "unmix/io/read.hpp"

namespace unmix {

// The scene at `path` (io::ReadScene). Values far outside any reflectance or radiance range
// (usually a wrong data type, byte order or scale in the header) add a warning to `warnings`.
Scene LoadScene(const std::string& path, const io::ReadOptions& options, std::vector<std::string>* warnings = nullptr);

// Ground truth (or estimates) for `scene`, read with the scene's options (the same bands).
// With `check_simplex`, abundances must lie in [0, 1] and sum to about 1 per pixel: values
// outside, or sums 0.5 from 1 on average, are refused (InputError); sums off by more than 0.02
// on average add a warning.
GroundTruth LoadGroundTruth(const std::string& path, const Scene& scene, const io::ReadOptions& options,
                            bool check_simplex = true, std::vector<std::string>* warnings = nullptr);

}  // namespace unmix
