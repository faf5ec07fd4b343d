#pragma once
// Private helpers shared by the unrolled encoders (AdmmEncoder, MnnEncoder).
#include <string>

#include "unmix/core/error.hpp"
#include "unmix/core/types.hpp"

namespace unmix::nets {

// Throws OptionError, its message prefixed with `encoder`, unless the bands, the endmembers and
// the `steps` (named `step_name` in the message) are positive.
inline void CheckEncoderSize(const std::string& encoder, Index bands, Index endmembers, int steps,
                             const std::string& step_name) {
  if (bands < 1 || endmembers < 1) throw OptionError(encoder + ": bands and endmembers must be positive");
  if (steps < 1) throw OptionError(encoder + ": at least one " + step_name + " is needed");
}

// Sets every matrix of a parameter set to zero, keeping its shape.
template <typename... Matrices>
void SetAllZero(Matrices&... matrices) {
  (matrices.setZero(), ...);
}

}  // namespace unmix::nets
