// spatial-purity: spatial-nfindr's endmembers re-estimated as purity-weighted pixel means
// (SpatialPurity, pipeline/internal.hpp), then scaled-simplex abundances.
#include "methods/common.hpp"
#include "pipeline/internal.hpp"

namespace unmix::internal {
namespace {
MatrixF SpatialPurityEndmembers(const MethodInput& in, RunResult& out) {
  return SpatialPurity(in.scene, in.pixels, in.options.endmembers, in.options, out);
}
RunResult RunSpatialPurity(const MethodInput& in) {
  return ExtractThenSolve(in, SpatialPurityEndmembers, ScaledAbundances);
}
}  // namespace

const Registration& SpatialPurityMethod() {
  static const Registration r{
      {.name = "spatial-purity",
       .description = "spatial-nfindr's endmembers re-estimated as purity-weighted pixel means (weights x^q, "
                      "--purity-exponent), then scaled-simplex abundances",
       .kind = MethodKind::kExtractor},
      &RunSpatialPurity};
  return r;
}

}  // namespace unmix::internal
