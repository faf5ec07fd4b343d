// vca-fcls: VCA (vca.hpp) endmembers, then FCLS (fcls.hpp) abundances.
#include "methods/common.hpp"
#include "pipeline/internal.hpp"

namespace unmix::internal {
namespace {
RunResult RunVcaFcls(const MethodInput& in) { return ExtractThenSolve(in, VcaEndmembers, FclsAbundances); }
}  // namespace

const Registration& VcaFclsMethod() {
  static const Registration r{{.name = "vca-fcls",
                               .description = "VCA endmembers, then fully constrained least squares abundances",
                               .kind = MethodKind::kExtractor},
                              &RunVcaFcls};
  return r;
}

}  // namespace unmix::internal
