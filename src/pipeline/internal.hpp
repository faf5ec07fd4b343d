#pragma once
// Shared between the pipeline's classical and network halves.
#include <vector>

#include "unmix/core/stopwatch.hpp"
#include "unmix/pipeline/run.hpp"

namespace unmix::internal {

// Places the r x n abundances of the valid pixels into an r x N matrix (0 elsewhere).
Abundances Scatter(const MatrixF& valid_values, const Scene& scene, const std::vector<Index>& idx);
Endmembers MakeEndmembers(const MatrixF& spectra, const Scene& scene);
const MethodInfo& FindMethod(const std::string& name);

struct Split {
  std::vector<Index> train, test;  // indices into the valid pixels, ascending
};
// A seeded random split of n valid pixels into n_train training pixels and the rest.
Split SplitPixels(Index n, Index n_train, std::uint64_t seed);
// Training-set size of supervised methods (and the held-out set of methods compared with them).
Index SupervisedTrainCount(const RunOptions& options, Index n);

// The starting endmembers (p x r, clipped at 0) of a blind method, by `options.init`:
//  * "vca" (and "auto"): VCA with the run's seed, the papers' start;
//  * "nfindr": N-FINDR (deterministic);
//  * "best": the candidate with the lowest reconstruction RMSE |Y - A FCLS(A, Y)| among N-FINDR
//    and VCA with seeds seed .. seed + 9. The choice looks at the data alone (how well each
//    simplex explains the pixels), never at a reference.
// Records what was chosen, and every candidate's fit, in out.details["start"].
MatrixF BlindStart(const MatrixF& pixels, Index r, const RunOptions& options, RunResult& out);

RunResult RunNetwork(const Scene& scene, const RunOptions& options, const GroundTruth* gt);

}  // namespace unmix::internal
