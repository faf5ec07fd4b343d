#pragma once
// A trained network as a value: architecture, band and endmember counts, the training scene's
// wavelengths, the endmember names, hyperparameters, a training summary and named tensors.
// nets/model_file.hpp reads and writes it (unmix::io).
#include <map>
#include <string>
#include <vector>

#include "unmix/core/record.hpp"
#include "unmix/core/types.hpp"

namespace unmix::nets {

inline constexpr int kModelFormatVersion = 1;

struct Model {
  std::string architecture;  // e.g. "aenet2", "bunet2", "nmf-sae", "mnn-ae2"
  Index bands = 0;
  Index endmembers = 0;
  std::vector<double> wavelengths;           // of the training scene; empty when unknown
  std::vector<std::string> endmember_names;  // empty or one per endmember
  Record hyperparameters;
  Record training;  // summary of the training run
  std::map<std::string, MatrixF> tensors;

  // The named tensor, checked to be rows x cols (negative: any). Throws InputError naming the
  // model file (`source`) and tensor.
  const MatrixF& Tensor(const std::string& name, Index rows = -1, Index cols = -1) const;
  std::string source;  // file it was loaded from, for messages
};

}  // namespace unmix::nets
