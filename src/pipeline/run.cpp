#include "unmix/pipeline/run.hpp"

#include <omp.h>

#include <chrono>

#include <fmt/format.h>

#include "unmix/abundance/fcls.hpp"
#include "unmix/abundance/sunsal.hpp"
#include "unmix/blind/l1_nmf.hpp"
#include "unmix/core/error.hpp"
#include "unmix/endmember/nfindr.hpp"
#include "unmix/endmember/vca.hpp"

namespace unmix {

const std::vector<MethodInfo>& Methods() {
  static const std::vector<MethodInfo> methods = {
      {"vca-fcls", "VCA endmembers, then fully constrained least squares abundances", true},
      {"nfindr-fcls", "N-FINDR endmembers, then fully constrained least squares abundances", true},
      {"vca-sunsal", "VCA endmembers, then SUnSAL sparse nonnegative abundances (no sum-to-one)", true},
      {"l1-nmf", "L1-regularised NMF by alternating proximal gradient, from VCA + FCLS", true},
  };
  return methods;
}

std::vector<std::string> MethodNames() {
  std::vector<std::string> names;
  for (const auto& m : Methods()) names.push_back(m.name);
  return names;
}

bool RunOptions::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  bool known = false;
  for (const auto& m : Methods()) known |= m.name == method;
  if (!known)
    return fail(fmt::format("unknown method '{}' (known: {})", method, fmt::join(MethodNames(), ", ")));
  if (endmembers < 1) return fail(fmt::format("the number of endmembers must be at least 1 (got {})", endmembers));
  if (threads < 0) return fail("threads must be >= 0");
  if (lambda && !(*lambda >= 0)) return fail(fmt::format("lambda must be >= 0 (got {})", *lambda));
  if (iterations && *iterations < 1) return fail(fmt::format("iterations must be >= 1 (got {})", *iterations));
  return true;
}

namespace {

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Places the r x n abundances of the valid pixels into an r x N matrix (0 elsewhere).
Abundances Scatter(const MatrixF& valid_values, const Scene& scene, const std::vector<Index>& idx) {
  Abundances a;
  a.rows = scene.rows;
  a.cols = scene.cols;
  if (static_cast<Index>(idx.size()) == scene.pixels()) {
    a.values = valid_values;
    return a;
  }
  a.values = MatrixF::Zero(valid_values.rows(), scene.pixels());
  for (size_t j = 0; j < idx.size(); ++j) a.values.col(idx[j]) = valid_values.col(static_cast<Index>(j));
  return a;
}

Endmembers MakeEndmembers(const MatrixF& spectra, const Scene& scene) {
  Endmembers e;
  e.spectra = spectra;
  e.wavelengths = scene.wavelengths;
  return e;
}

}  // namespace

RunResult RunMethod(const Scene& scene, const RunOptions& o) {
  std::string why;
  if (!o.IsValid(&why)) throw OptionError(why);
  if (o.threads > 0) omp_set_num_threads(o.threads);
  const auto idx = scene.valid_indices();
  if (idx.empty()) throw InputError(scene.source, "pixels", "no valid pixel to unmix");
  const MatrixF y = scene.valid_data();
  const Index r = o.endmembers;
  if (r > y.rows() || r > y.cols())
    throw OptionError(fmt::format("{} endmembers requested but the scene has {} bands and {} valid pixels; "
                                  "r must not exceed either",
                                  r, y.rows(), y.cols()));

  RunResult out;
  out.method = o.method;
  const auto t0 = std::chrono::steady_clock::now();
  if (o.method == "vca-fcls" || o.method == "vca-sunsal" || o.method == "nfindr-fcls") {
    MatrixF e;
    auto t = std::chrono::steady_clock::now();
    if (o.method == "nfindr-fcls") {
      const auto res = NFindr<float>(y, r);
      e = res.endmembers;
      out.reports.push_back(res.summary.BriefReport());
      out.details["nfindr"] = {{"indices", res.indices}, {"swaps", res.summary.iterations},
                               {"rank_deficient", res.summary.rank_deficient}};
    } else {
      vca::Options vo;
      vo.seed = o.seed;
      const auto res = Vca<float>(y, r, vo);
      e = res.endmembers;
      out.reports.push_back(res.summary.BriefReport());
      out.details["vca"] = {{"indices", res.indices}, {"snr_db", res.summary.snr_db},
                            {"high_snr_projection", res.summary.high_snr_projection},
                            {"rank_deficient", res.summary.rank_deficient}};
    }
    out.timings["extract"] = Since(t);
    t = std::chrono::steady_clock::now();
    MatrixF x;
    if (o.method == "vca-sunsal") {
      sunsal::Options so;
      if (o.lambda) so.lambda = *o.lambda;
      const auto res = Sunsal<float>(e, y, so);
      x = res.abundances;
      out.reports.push_back(res.summary.BriefReport());
      out.details["sunsal"] = {{"lambda", so.lambda}, {"iterations", res.summary.iterations},
                               {"converged", res.summary.converged},
                               {"primal_residual", res.summary.primal_residual},
                               {"dual_residual", res.summary.dual_residual}};
    } else {
      const auto res = Fcls<float>(e, y);
      x = res.abundances;
      out.reports.push_back(res.summary.BriefReport());
      out.details["fcls"] = {{"converged", res.summary.converged},
                             {"regularized", res.summary.regularized},
                             {"max_kkt_violation", res.summary.max_kkt_violation}};
    }
    out.timings["abundances"] = Since(t);
    out.endmembers = MakeEndmembers(e, scene);
    out.abundances = Scatter(x, scene, idx);
  } else if (o.method == "l1-nmf") {
    l1nmf::Options lo;
    lo.vca.seed = o.seed;
    if (o.lambda) lo.lambda = *o.lambda;
    if (o.iterations) lo.max_iterations = *o.iterations;
    // The start is VCA + FCLS; run it here too so its scores can be reported beside the result.
    auto t = std::chrono::steady_clock::now();
    const auto start = Vca<float>(y, r, lo.vca);
    const MatrixF e0 = start.endmembers.cwiseMax(0.0f);
    const auto x0 = Fcls<float>(e0, y, lo.fcls);
    out.timings["init"] = Since(t);
    t = std::chrono::steady_clock::now();
    const auto res = L1Nmf<float>(y, e0, lo);
    out.timings["iterate"] = Since(t);
    out.reports.push_back(start.summary.BriefReport());
    out.reports.push_back(res.summary.BriefReport());
    out.details["l1nmf"] = {{"lambda", lo.lambda},
                            {"iterations", res.summary.iterations},
                            {"converged", res.summary.converged},
                            {"initial_objective", res.summary.initial_objective},
                            {"final_objective", res.summary.final_objective},
                            {"safeguarded_steps", res.summary.safeguarded_steps}};
    out.init_endmembers = MakeEndmembers(e0, scene);
    out.init_abundances = Scatter(x0.abundances, scene, idx);
    out.endmembers = MakeEndmembers(res.endmembers, scene);
    out.abundances = Scatter(res.abundances, scene, idx);
  }
  out.timings["total"] = Since(t0);
  return out;
}

}  // namespace unmix
