#include "methods/common.hpp"

#include <fmt/format.h>

#include "pipeline/internal.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/abundance/sunsal.hpp"
#include "unmix/core/error.hpp"
#include "unmix/endmember/nfindr.hpp"
#include "unmix/endmember/vca.hpp"

namespace unmix::internal {

MatrixF VcaEndmembers(const MethodInput& in, RunResult& out) {
  vca::Options vo;
  vo.seed = in.options.seed;
  auto res = Vca<float>(in.pixels, in.options.endmembers, vo);
  out.reports.push_back(res.summary.BriefReport());
  Json(out.details)["vca"] = {{"indices", res.indices},
                              {"snr_db", res.summary.snr_db},
                              {"high_snr_projection", res.summary.high_snr_projection},
                              {"rank_deficient", res.summary.rank_deficient}};
  return std::move(res.endmembers);
}

MatrixF NFindrEndmembers(const MethodInput& in, RunResult& out) {
  auto res = NFindr<float>(in.pixels, in.options.endmembers);
  out.reports.push_back(res.summary.BriefReport());
  Json(out.details)["nfindr"] = {
      {"indices", res.indices}, {"swaps", res.summary.iterations}, {"rank_deficient", res.summary.rank_deficient}};
  return std::move(res.endmembers);
}

MatrixF FclsAbundances(const MatrixF& e, const MethodInput& in, RunResult& out) {
  auto res = Fcls<float>(e, in.pixels);
  out.reports.push_back(res.summary.BriefReport());
  Json(out.details)["fcls"] = {{"converged", res.summary.converged},
                               {"regularized", res.summary.regularized},
                               {"max_kkt_violation", res.summary.max_kkt_violation}};
  return std::move(res.abundances);
}

MatrixF SunsalAbundances(const MatrixF& e, const MethodInput& in, RunResult& out) {
  sunsal::Options so;
  if (in.options.lambda) so.lambda = *in.options.lambda;
  auto res = Sunsal<float>(e, in.pixels, so);
  out.reports.push_back(res.summary.BriefReport());
  Json(out.details)["sunsal"] = {{"lambda", so.lambda},
                                 {"iterations", res.summary.iterations},
                                 {"converged", res.summary.converged},
                                 {"primal_residual", res.summary.primal_residual},
                                 {"dual_residual", res.summary.dual_residual}};
  return std::move(res.abundances);
}

MatrixF ScaledAbundances(const MatrixF& e, const MethodInput& in, RunResult& out) {
  return ScaledSimplexAbundances(e, in.pixels, out);
}

RunResult ExtractThenSolve(const MethodInput& in, Extractor extract, AbundanceSolver solve) {
  RunResult out;
  Stopwatch t;
  const MatrixF e = extract(in, out);
  out.timings["extract"] = t.seconds();
  t.Restart();
  const MatrixF x = solve(e, in, out);
  out.timings["abundances"] = t.seconds();
  out.endmembers = MakeEndmembers(e, in.scene);
  out.abundances = Scatter(x, in.scene, in.valid);
  return out;
}

RunResult SolveWithKnownEndmembers(const MethodInput& in, AbundanceSolver solve) {
  const RunOptions& o = in.options;
  if (!in.gt || !in.gt->endmembers)
    throw OptionError(
        fmt::format("{} estimates abundances for known endmembers: it needs --gt with endmembers", o.method));
  const MatrixF& e = in.gt->endmembers->spectra;
  if (e.rows() != in.pixels.rows() || e.cols() != o.endmembers)
    throw InputError(
        in.gt->source, "M",
        fmt::format("expected {} x {} endmembers, found {} x {}", in.pixels.rows(), o.endmembers, e.rows(), e.cols()));
  RunResult out;
  const Stopwatch t;
  const MatrixF x = solve(e, in, out);
  out.timings["abundances"] = t.seconds();
  const auto split = SplitPixels(in.pixels.cols(), SupervisedTrainCount(o, in.pixels.cols()), o.seed);
  for (Index i : split.test) out.test_pixels.push_back(in.valid[static_cast<size_t>(i)]);
  out.endmembers = MakeEndmembers(e, in.scene);
  out.abundances = Scatter(x, in.scene, in.valid);
  return out;
}

}  // namespace unmix::internal
