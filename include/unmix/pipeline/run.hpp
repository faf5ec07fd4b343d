#pragma once
// One entry point for every unmixing method, so the CLI, the demo, the experiments and the
// bindings run methods the same way: invalid pixels are left out, results come back at full
// scene size. The methods themselves are listed in unmix/methods/registry.hpp.
#include "unmix/methods/registry.hpp"
#include "unmix/pipeline/options.hpp"

namespace unmix {

// Runs `options.method` on the valid pixels of `scene`. Supervised methods need `ground_truth`
// with abundances (and use its endmembers to initialise when present). Throws OptionError for
// an unknown method or invalid options, InputError for unusable data.
RunResult RunMethod(const Scene& scene, const RunOptions& options, const GroundTruth* ground_truth = nullptr);

// Abundances (r x N) of `pixels` (p x N) from a trained model. Throws InputError when the band
// count differs from the model's.
MatrixF ApplyModel(const nets::Model& model, const MatrixF& pixels);
// The same over the valid pixels of `scene`, at the scene's shape (invalid pixels hold 0).
Abundances ApplyModel(const nets::Model& model, const Scene& scene);

}  // namespace unmix
