#pragma once
// Shared between the pipeline's classical and network halves.
#include <vector>

#include "core/record_json.hpp"
#include "unmix/core/stopwatch.hpp"
#include "unmix/pipeline/run.hpp"

namespace unmix::internal {

// Places the r x n abundances of the valid pixels into an r x N matrix (0 elsewhere).
Abundances Scatter(const MatrixF& valid_values, const Scene& scene, const std::vector<Index>& idx);
Endmembers MakeEndmembers(const MatrixF& spectra, const Scene& scene);

struct Split {
  std::vector<Index> train, test;  // indices into the valid pixels, ascending
};
// A seeded random split of n valid pixels into n_train training pixels and the rest.
Split SplitPixels(Index n, Index n_train, std::uint64_t seed);
// Training-set size of supervised methods (and the held-out set of methods compared with them).
Index SupervisedTrainCount(const RunOptions& options, Index n);

// The starting endmembers (p x r, clipped at 0) of a blind method, by `options.init`
// (resolved by ResolveInit):
//  * "vca" (and "auto"): VCA with the run's seed, the papers' start;
//  * "nfindr": N-FINDR (deterministic);
//  * "best": the candidate with the lowest reconstruction RMSE |Y - A FCLS(A, Y)| among N-FINDR
//    and VCA with seeds seed .. seed + 9. The choice looks at the data alone (how well each
//    simplex explains the pixels), never at a reference.
// Records what was chosen, and every candidate's fit, in out.details["start"].
//  * "spatial-nfindr": SpatialNFindr below; "spatial-purity": SpatialPurity below.
MatrixF BlindStart(const Scene& scene, const MatrixF& pixels, Index r, const RunOptions& options, RunResult& out);

// N-FINDR on the 7 x 7 spatial mean of the valid pixels (SpatialMean); the endmembers are the
// averaged spectra at the vertices it finds. Needs the scene's layout. The window is one fixed
// constant: a window inside a pure region averages one material, and on Jasper Ridge any odd
// window from 5 to 11 finds the same vertices.
MatrixF SpatialNFindr(const Scene& scene, Index r, RunResult& out);

// SpatialNFindr's endmembers, each re-estimated as the mean of the pixels weighted by their
// scaled-simplex abundance to the power options.purity_exponent (PurityWeightedEndmembers).
// Records the start and each endmember's total weight in out.details["purity"].
MatrixF SpatialPurity(const Scene& scene, const MatrixF& pixels, Index r, const RunOptions& options, RunResult& out);

// Abundances on the simplex up to a per-pixel scale, y = s A x with x >= 0, 1^T x = 1, s > 0:
// NNLS, then each column divided by its sum (all-zero columns stay zero). The scale absorbs
// illumination and topography, which the sum-to-one constraint of FCLS cannot.
MatrixF ScaledSimplexAbundances(const MatrixF& endmembers, const MatrixF& pixels, RunResult& out);

// The unsupervised criterion of the blind networks' keep-the-better guard: how well endmembers
// E (p x r) explain the pixels under scaled linear mixing, y = s E x with x on the simplex and a
// free scale s >= 0 per pixel, which is the nonnegative least-squares fit E c, c >= 0. rmse:
// sqrt(mean over entries of (Y - E C)^2); abundances: C with each column divided by its sum.
// A free scale means brightness does not count against the endmembers, and endmembers pulled
// in towards the data's mean explain fewer pixels, so it does not reward what a squared
// reconstruction error with sum-to-one abundances rewards.
struct BlindFit {
  double rmse = 0;
  MatrixF abundances;
};
BlindFit BlindFitOf(const MatrixF& endmembers, const MatrixF& pixels);

struct Registration;
struct MethodInput;
// A network method's run (src/pipeline/network.cpp): training subset, start, trainer options
// from the method's defaults, method.train, the keep-the-better guard and the model.
RunResult RunNetwork(const Registration& method, const MethodInput& input);

}  // namespace unmix::internal
