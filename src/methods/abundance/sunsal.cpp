// sunsal: SUnSAL (sunsal.hpp) abundances for the ground truth's endmembers.
#include "unmix/abundance/sunsal.hpp"

#include "methods/common.hpp"
#include "pipeline/internal.hpp"

namespace unmix::internal {
namespace {
RunResult RunSunsal(const MethodInput& in) { return SolveWithKnownEndmembers(in, SunsalAbundances); }
}  // namespace

const Registration& SunsalMethod() {
  static const Registration r{
      {.name = "sunsal",
       .description = "SUnSAL with the ground-truth endmembers (scored on the supervised split)",
       .kind = MethodKind::kAbundance,
       .supervised = true,
       .defaults = {.lambda = sunsal::Options{}.lambda}},
      &RunSunsal};
  return r;
}

}  // namespace unmix::internal
