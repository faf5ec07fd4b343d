#pragma once
// Trained models on disk: one JSON document with a format tag and version, the architecture,
// its hyperparameters, the band count and wavelengths of the training scene, the endmember
// names, and every tensor (row-major lists of floats written with 9 significant digits, which
// read back to the same float).
//
// {"format": "unmix-model", "version": 1, "architecture": "bunet2", "bands": 198,
//  "endmembers": 4, "wavelengths": [...], "endmember_names": [...],
//  "hyperparameters": {...}, "training": {...},
//  "tensors": {"encoder.W": {"rows": 12, "cols": 198, "data": [...]}, ...}}
#include <filesystem>

#include "unmix/nets/model.hpp"

namespace unmix::nets {

// Writes atomically. Throws unmix::Error naming the file.
void SaveModel(const std::filesystem::path& path, const Model& model);
// Reads and validates: format tag, version (a newer one is refused with a clear message),
// required fields, tensor shapes and finite values. Throws InputError naming file and field.
Model LoadModel(const std::filesystem::path& path);

}  // namespace unmix::nets
