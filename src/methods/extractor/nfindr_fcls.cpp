// nfindr-fcls: N-FINDR (nfindr.hpp) endmembers, then FCLS (fcls.hpp) abundances.
#include "methods/common.hpp"
#include "pipeline/internal.hpp"

namespace unmix::internal {
namespace {
RunResult RunNFindrFcls(const MethodInput& in) { return ExtractThenSolve(in, NFindrEndmembers, FclsAbundances); }
}  // namespace

const Registration& NFindrFclsMethod() {
  static const Registration r{{.name = "nfindr-fcls",
                               .description = "N-FINDR endmembers, then fully constrained least squares abundances",
                               .kind = MethodKind::kExtractor},
                              &RunNFindrFcls};
  return r;
}

}  // namespace unmix::internal
