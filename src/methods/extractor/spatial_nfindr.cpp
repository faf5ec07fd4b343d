// spatial-nfindr: N-FINDR on the 7 x 7 spatial mean of the scene (SpatialNFindr,
// pipeline/internal.hpp), then scaled-simplex abundances.
#include "methods/common.hpp"
#include "pipeline/internal.hpp"

namespace unmix::internal {
namespace {
MatrixF SpatialNFindrEndmembers(const MethodInput& in, RunResult& out) {
  return SpatialNFindr(in.scene, in.options.endmembers, out);
}
RunResult RunSpatialNFindr(const MethodInput& in) {
  return ExtractThenSolve(in, SpatialNFindrEndmembers, ScaledAbundances);
}
}  // namespace

const Registration& SpatialNFindrMethod() {
  static const Registration r{
      {.name = "spatial-nfindr",
       .description = "N-FINDR on the 7 x 7 spatial mean of the scene, then scaled-simplex abundances (NNLS "
                      "normalised to sum one)",
       .kind = MethodKind::kExtractor},
      &RunSpatialNFindr};
  return r;
}

}  // namespace unmix::internal
