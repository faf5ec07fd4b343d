#pragma once
// Pieces the classical methods share: the extractors and abundance solvers they combine, each
// recording its BriefReport() and summary in the run's result.
#include "methods/method.hpp"

namespace unmix::internal {

// Endmembers (p x r) of the valid pixels.
MatrixF VcaEndmembers(const MethodInput& in, RunResult& out);
MatrixF NFindrEndmembers(const MethodInput& in, RunResult& out);

// Abundances (r x n) of the valid pixels for endmembers e.
MatrixF FclsAbundances(const MatrixF& e, const MethodInput& in, RunResult& out);
MatrixF SunsalAbundances(const MatrixF& e, const MethodInput& in, RunResult& out);
// Scaled-simplex abundances (ScaledSimplexAbundances, pipeline/internal.hpp).
MatrixF ScaledAbundances(const MatrixF& e, const MethodInput& in, RunResult& out);

using Extractor = MatrixF (*)(const MethodInput& in, RunResult& out);
using AbundanceSolver = MatrixF (*)(const MatrixF& e, const MethodInput& in, RunResult& out);
// An extractor method: endmembers by `extract` (timing "extract"), then abundances by `solve`
// (timing "abundances").
RunResult ExtractThenSolve(const MethodInput& in, Extractor extract, AbundanceSolver solve);
// An abundance method: `solve` with the ground truth's endmembers, scored on the pixels the
// supervised networks hold out (same seed and train_pixels), so the two compare.
RunResult SolveWithKnownEndmembers(const MethodInput& in, AbundanceSolver solve);

}  // namespace unmix::internal
