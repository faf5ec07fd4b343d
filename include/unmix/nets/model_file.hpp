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
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "unmix/core/types.hpp"

namespace unmix::nets {

inline constexpr int kModelFormatVersion = 1;

struct Model {
  std::string architecture;  // e.g. "aenet2", "bunet2", "nmf-sae", "mnn-ae2"
  Index bands = 0;
  Index endmembers = 0;
  std::vector<double> wavelengths;           // of the training scene; empty when unknown
  std::vector<std::string> endmember_names;  // empty or one per endmember
  nlohmann::json hyperparameters = nlohmann::json::object();
  nlohmann::json training = nlohmann::json::object();  // summary of the training run
  std::map<std::string, MatrixF> tensors;

  // The named tensor, checked to be rows x cols (negative: any). Throws InputError naming the
  // model file (`source`) and tensor.
  const MatrixF& Tensor(const std::string& name, Index rows = -1, Index cols = -1) const;
  std::string source;  // file it was loaded from, for messages
};

// Writes atomically. Throws unmix::Error naming the file.
void SaveModel(const std::filesystem::path& path, const Model& model);
// Reads and validates: format tag, version (a newer one is refused with a clear message),
// required fields, tensor shapes and finite values. Throws InputError naming file and field.
Model LoadModel(const std::filesystem::path& path);

}  // namespace unmix::nets
