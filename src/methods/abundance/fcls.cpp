// fcls: FCLS (fcls.hpp) abundances for the ground truth's endmembers.
#include "methods/common.hpp"
#include "pipeline/internal.hpp"

namespace unmix::internal {
namespace {
RunResult RunFcls(const MethodInput& in) { return SolveWithKnownEndmembers(in, FclsAbundances); }
}  // namespace

const Registration& FclsMethod() {
  static const Registration r{
      {.name = "fcls",
       .description =
           "fully constrained least squares with the ground-truth endmembers (scored on the supervised split)",
       .kind = MethodKind::kAbundance,
       .supervised = true},
      &RunFcls};
  return r;
}

}  // namespace unmix::internal
