#include "unmix/pipeline/run.hpp"

#include <omp.h>

#include <cmath>
#include <optional>


#include <fmt/format.h>

#include "unmix/abundance/fcls.hpp"
#include "unmix/abundance/sunsal.hpp"
#include "unmix/blind/l1_nmf.hpp"
#include "unmix/core/error.hpp"
#include "unmix/endmember/nfindr.hpp"
#include "unmix/endmember/purity_mean.hpp"
#include "unmix/endmember/vca.hpp"
#include "pipeline/internal.hpp"

namespace unmix {

const std::vector<MethodInfo>& Methods() {
  static const std::vector<MethodInfo> methods = {
      {"vca-fcls", "VCA endmembers, then fully constrained least squares abundances", true},
      {"nfindr-fcls", "N-FINDR endmembers, then fully constrained least squares abundances", true},
      {"vca-sunsal", "VCA endmembers, then SUnSAL sparse nonnegative abundances (no sum-to-one)", true},
      {"spatial-nfindr", "N-FINDR on the 7 x 7 spatial mean of the scene, then scaled-simplex abundances (NNLS normalised to sum one)", true},
      {"spatial-purity", "spatial-nfindr's endmembers re-estimated as purity-weighted pixel means (weights x^q, --purity-exponent), then scaled-simplex abundances", true},
      {"l1-nmf", "L1-regularised NMF by alternating proximal gradient, from VCA + FCLS", true},
      {"fcls", "fully constrained least squares with the ground-truth endmembers (scored on the supervised split)", false, false, true},
      {"sunsal", "SUnSAL with the ground-truth endmembers (scored on the supervised split)", false, false, true},
      {"aenet1", "U-ADMM-AENet-I: unrolled ADMM, tied layers, trained on ground-truth abundances", false, true, true},
      {"aenet2", "U-ADMM-AENet-II: unrolled ADMM, untied layers, trained on ground-truth abundances", false, true, true},
      {"bunet1", "U-ADMM-BUNet-I: tied unrolled ADMM encoder + nonnegative linear decoder, from VCA", true, true, false},
      {"bunet2", "U-ADMM-BUNet-II: untied unrolled ADMM encoder + nonnegative linear decoder, from VCA", true, true, false},
      {"nmf-sae", "NMF-SAE: unrolled L1-NMF autoencoder (encoder for S, decoder for A), from VCA + FCLS", true, true, false},
      {"mnn-ae1", "MNN-AE-1: unrolled ISTA, tied layers, trained on ground-truth abundances", false, true, true},
      {"mnn-ae2", "MNN-AE-2: unrolled ISTA, untied layers, trained on ground-truth abundances", false, true, true},
      {"mnn-bu1", "MNN-BU-1: tied unrolled ISTA encoder + nonnegative linear decoder, from VCA", true, true, false},
      {"mnn-bu2", "MNN-BU-2: untied unrolled ISTA encoder + nonnegative linear decoder, from VCA", true, true, false},
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
  if (!FindMethod(method))
    return fail(fmt::format("unknown method '{}' (known: {})", method, fmt::join(MethodNames(), ", ")));
  if (endmembers < 1) return fail(fmt::format("the number of endmembers must be at least 1 (got {})", endmembers));
  if (threads < 0) return fail("threads must be >= 0");
  if (lambda && !(*lambda >= 0)) return fail(fmt::format("lambda must be >= 0 (got {})", *lambda));
  if (iterations && *iterations < 1) return fail(fmt::format("iterations must be >= 1 (got {})", *iterations));
  // A model file holds at most 1000 layers (nets/model_file.cpp): more would train a model apply refuses.
  if (layers < 1 || layers > 1000)
    return fail(fmt::format("--layers: expected 1 to 1000 unrolled layers (what a model file may hold), got {}", layers));
  if (epochs && *epochs < 0) return fail(fmt::format("epochs must be >= 0 (got {})", *epochs));
  if (nmf_inference != "learned" && nmf_inference != "initial")
    return fail(fmt::format("NMF-SAE inference must be 'learned' or 'initial' (got '{}')", nmf_inference));
  if (batch < 0) return fail(fmt::format("batch must be >= 0 (got {}; 0 = full batch)", batch));
  if (learning_rate && !(*learning_rate > 0)) return fail(fmt::format("learning rate must be > 0 (got {})", *learning_rate));
  if (decoder_learning_rate && !(*decoder_learning_rate > 0)) return fail("decoder learning rate must be > 0");
  if (train_pixels < 0) return fail("train pixels must be >= 0");
  if (preset != "unmix" && preset != "authors" && preset != "paper")
    return fail(fmt::format("preset must be 'unmix', 'authors' or 'paper' (got '{}')", preset));
  if (mixing && *mixing != "linear" && *mixing != "scaled")
    return fail(fmt::format("mixing must be 'linear' or 'scaled' (got '{}')", *mixing));
  if (anchor && (!(*anchor >= 0) || !std::isfinite(*anchor)))
    return fail(fmt::format("anchor must be a finite number >= 0 (got {})", *anchor));
  if (init != "auto" && init != "gt" && init != "vca" && init != "nfindr" && init != "spatial-nfindr" &&
      init != "spatial-purity" && init != "best")
    return fail(fmt::format(
        "init must be 'auto', 'gt', 'vca', 'nfindr', 'spatial-nfindr', 'spatial-purity' or 'best' (got '{}')", init));
  purity::Options po;
  po.exponent = purity_exponent;
  if (std::string w; !po.IsValid(&w)) return fail(w);
  if (!(loss.mse >= 0 && loss.aad >= 0 && loss.aid >= 0)) return fail("loss weights must be >= 0");
  if (patience < 0) return fail("patience must be >= 0");
  if (mu && !(*mu > 0)) return fail(fmt::format("mu must be > 0 (got {})", *mu));
  if (mu && mu_auto) return fail("mu: give a number or auto, not both");
  if (reconstruction_loss != "mse" && reconstruction_loss != "angle")
    return fail(fmt::format("reconstruction loss must be 'mse' or 'angle' (got '{}')", reconstruction_loss));
  if (select != "loss" && select != "fit")
    return fail(fmt::format("select must be 'loss' or 'fit' (got '{}')", select));
  if (mixing && *mixing == "scaled" && reconstruction_loss == "angle")
    return fail("--mixing scaled goes with the squared-error loss (an angle already ignores each pixel's scale)");
  if (augment != "none" && augment != "residuals")
    return fail(fmt::format("augment must be 'none' or 'residuals' (got '{}')", augment));
  return true;
}

namespace internal {

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

}  // namespace internal

using internal::MakeEndmembers;
using internal::Scatter;

const MethodInfo* FindMethod(const std::string& name) {
  for (const auto& m : Methods())
    if (m.name == name) return &m;
  return nullptr;
}

const MethodInfo& internal::FindMethod(const std::string& name) {
  if (const MethodInfo* m = unmix::FindMethod(name)) return *m;
  throw OptionError(fmt::format("unknown method '{}' (known: {})", name, fmt::join(MethodNames(), ", ")));
}

namespace {

// Abundances for known endmembers by SUnSAL or FCLS, with the solver's report and summary
// recorded in `out`.
MatrixF EstimateAbundances(bool sunsal, const MatrixF& e, const MatrixF& y, const RunOptions& o, RunResult& out) {
  if (sunsal) {
    sunsal::Options so;
    if (o.lambda) so.lambda = *o.lambda;
    auto res = Sunsal<float>(e, y, so);
    out.reports.push_back(res.summary.BriefReport());
    out.details["sunsal"] = {{"lambda", so.lambda}, {"iterations", res.summary.iterations},
                             {"converged", res.summary.converged},
                             {"primal_residual", res.summary.primal_residual},
                             {"dual_residual", res.summary.dual_residual}};
    return std::move(res.abundances);
  }
  auto res = Fcls<float>(e, y);
  out.reports.push_back(res.summary.BriefReport());
  out.details["fcls"] = {{"converged", res.summary.converged},
                         {"regularized", res.summary.regularized},
                         {"max_kkt_violation", res.summary.max_kkt_violation}};
  return std::move(res.abundances);
}

}  // namespace

namespace {
RunResult RunClassical(const Scene& scene, const RunOptions& o, const GroundTruth* gt);
}  // namespace

RunResult RunMethod(const Scene& scene, const RunOptions& o, const GroundTruth* gt) {
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

  if (internal::FindMethod(o.method).network) return internal::RunNetwork(scene, o, gt);

  // The classical solvers work in float: squares of values near 1e20 overflow, those near 1e-30
  // underflow, and FCLS then reports convergence on garbage. Data far from unit scale are scaled
  // by a power of two (exact) into [0.5, 1) for the solvers, and the endmembers scaled back; the
  // abundances do not depend on the scale. An explicit lambda keeps its meaning in data units.
  double max_abs = 0;
  for (Index k = 0; k < y.cols(); ++k)
    for (Index b = 0; b < y.rows(); ++b) {
      const double v = std::abs(static_cast<double>(y(b, k)));
      if (std::isfinite(v) && v > max_abs) max_abs = v;
    }
  if (max_abs > 0 && (max_abs > std::ldexp(1.0, 20) || max_abs < std::ldexp(1.0, -10))) {
    const int exponent = -(std::ilogb(max_abs) + 1);
    const double f = std::ldexp(1.0, exponent);
    // In double: the factor itself can be beyond float (2^134 for denormal data).
    Scene scaled = scene;
    scaled.data = (scene.data.cast<double>() * f).cast<float>();
    RunOptions so = o;
    if (so.lambda) *so.lambda *= f * f;
    std::optional<GroundTruth> g;
    if (gt) {
      g = *gt;
      if (g->endmembers) g->endmembers->spectra = (g->endmembers->spectra.cast<double>() * f).cast<float>();
    }
    RunResult out = RunClassical(scaled, so, g ? &*g : nullptr);
    out.endmembers.spectra = (out.endmembers.spectra.cast<double>() / f).cast<float>();
    if (out.init_endmembers)
      out.init_endmembers->spectra = (out.init_endmembers->spectra.cast<double>() / f).cast<float>();
    out.details["data_scale"] = {{"factor", f}, {"exponent", exponent}, {"max_abs", max_abs}};
    out.reports.push_back(fmt::format("data scaled by 2^{} for the solvers (largest value {:.3g}); endmembers in the "
                                      "scene's units",
                                      exponent, max_abs));
    return out;
  }
  return RunClassical(scene, o, gt);
}

namespace {

RunResult RunClassical(const Scene& scene, const RunOptions& o, const GroundTruth* gt) {
  const auto idx = scene.valid_indices();
  const MatrixF y = scene.valid_data();
  const Index r = o.endmembers;
  RunResult out;
  out.method = o.method;
  const Stopwatch t0;
  if (o.method == "fcls" || o.method == "sunsal") {
    // Known endmembers: the abundance-estimation baselines the supervised networks are compared
    // with, scored on the same held-out pixels (same seed and --train-pixels).
    if (!gt || !gt->endmembers)
      throw OptionError(fmt::format("{} estimates abundances for known endmembers: it needs --gt with endmembers", o.method));
    const MatrixF e = gt->endmembers->spectra;
    if (e.rows() != y.rows() || e.cols() != r)
      throw InputError(gt->source, "M", fmt::format("expected {} x {} endmembers, found {} x {}", y.rows(), r, e.rows(), e.cols()));
    const MatrixF x = EstimateAbundances(o.method == "sunsal", e, y, o, out);
    out.timings["abundances"] = t0.seconds();
    const auto split = internal::SplitPixels(y.cols(), internal::SupervisedTrainCount(o, y.cols()), o.seed);
    for (Index i : split.test) out.test_pixels.push_back(idx[static_cast<size_t>(i)]);
    out.endmembers = MakeEndmembers(e, scene);
    out.abundances = Scatter(x, scene, idx);
  } else if (o.method == "vca-fcls" || o.method == "vca-sunsal" || o.method == "nfindr-fcls") {
    MatrixF e;
    Stopwatch t;
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
    out.timings["extract"] = t.seconds();
    t.Restart();
    const MatrixF x = EstimateAbundances(o.method == "vca-sunsal", e, y, o, out);
    out.timings["abundances"] = t.seconds();
    out.endmembers = MakeEndmembers(e, scene);
    out.abundances = Scatter(x, scene, idx);
  } else if (o.method == "spatial-nfindr" || o.method == "spatial-purity") {
    Stopwatch t;
    const MatrixF e = o.method == "spatial-purity" ? internal::SpatialPurity(scene, y, r, o, out)
                                                   : internal::SpatialNFindr(scene, r, out);
    out.timings["extract"] = t.seconds();
    t.Restart();
    const MatrixF x = internal::ScaledSimplexAbundances(e, y, out);
    out.timings["abundances"] = t.seconds();
    out.endmembers = MakeEndmembers(e, scene);
    out.abundances = Scatter(x, scene, idx);
  } else if (o.method == "l1-nmf") {
    l1nmf::Options lo;
    if (o.lambda) lo.lambda = *o.lambda;
    if (o.iterations) lo.max_iterations = *o.iterations;
    // The start (VCA + FCLS by default, --init); FCLS of it here too so its scores can be
    // reported beside the result.
    Stopwatch t;
    const MatrixF e0 = internal::BlindStart(scene, y, r, o, out);
    const auto x0 = Fcls<float>(e0, y, lo.fcls);
    out.timings["init"] = t.seconds();
    t.Restart();
    const auto res = L1Nmf<float>(y, e0, lo);
    out.timings["iterate"] = t.seconds();
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
  out.timings["total"] = t0.seconds();
  return out;
}

}  // namespace

}  // namespace unmix
