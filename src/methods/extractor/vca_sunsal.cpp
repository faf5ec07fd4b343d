// vca-sunsal: VCA (vca.hpp) endmembers, then SUnSAL (sunsal.hpp) abundances.
#include "methods/common.hpp"
#include "pipeline/internal.hpp"
#include "unmix/abundance/sunsal.hpp"

namespace unmix::internal {
namespace {
RunResult RunVcaSunsal(const MethodInput& in) { return ExtractThenSolve(in, VcaEndmembers, SunsalAbundances); }
}  // namespace

const Registration& VcaSunsalMethod() {
  static const Registration r{
      {.name = "vca-sunsal",
       .description = "VCA endmembers, then SUnSAL sparse nonnegative abundances (no sum-to-one)",
       .kind = MethodKind::kExtractor,
       .defaults = {.lambda = sunsal::Options{}.lambda}},
      &RunVcaSunsal};
  return r;
}

}  // namespace unmix::internal
