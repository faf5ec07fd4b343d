// l1-nmf: L1-regularised NMF by alternating proximal gradient (l1_nmf.hpp) from a start
// (BlindStart: VCA by default), with the start's FCLS abundances scored beside the result.
#include "unmix/blind/l1_nmf.hpp"

#include "methods/common.hpp"
#include "pipeline/internal.hpp"
#include "unmix/abundance/fcls.hpp"

namespace unmix::internal {
namespace {
RunResult RunL1Nmf(const MethodInput& in) {
  const RunOptions& o = in.options;
  const MatrixF& y = in.pixels;
  RunResult out;
  l1nmf::Options lo;
  if (o.lambda) lo.lambda = *o.lambda;
  if (o.iterations) lo.max_iterations = *o.iterations;
  Stopwatch t;
  const MatrixF e0 = BlindStart(in.scene, y, o.endmembers, o, out);
  const auto x0 = Fcls<float>(e0, y, lo.fcls);
  out.timings["init"] = t.seconds();
  t.Restart();
  const auto res = L1Nmf<float>(y, e0, lo);
  out.timings["iterate"] = t.seconds();
  out.reports.push_back(res.summary.BriefReport());
  Json(out.details)["l1nmf"] = {{"lambda", lo.lambda},
                                {"iterations", res.summary.iterations},
                                {"converged", res.summary.converged},
                                {"initial_objective", res.summary.initial_objective},
                                {"final_objective", res.summary.final_objective},
                                {"safeguarded_steps", res.summary.safeguarded_steps}};
  out.init_endmembers = MakeEndmembers(e0, in.scene);
  out.init_abundances = Scatter(x0.abundances, in.scene, in.valid);
  out.endmembers = MakeEndmembers(res.endmembers, in.scene);
  out.abundances = Scatter(res.abundances, in.scene, in.valid);
  return out;
}
}  // namespace

const Registration& L1NmfMethod() {
  static const Registration r{
      {.name = "l1-nmf",
       .description = "L1-regularised NMF by alternating proximal gradient, from VCA + FCLS",
       .kind = MethodKind::kBlind,
       .defaults = {.lambda = l1nmf::Options{}.lambda, .iterations = l1nmf::Options{}.max_iterations}},
      &RunL1Nmf};
  return r;
}

}  // namespace unmix::internal
