#include "unmix/pipeline/run.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <cmath>
#include <optional>

#include "methods/method.hpp"
#include "pipeline/internal.hpp"
#include "unmix/core/error.hpp"
#include "unmix/endmember/purity_mean.hpp"

namespace unmix {

bool RunOptions::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (!FindMethod(method)) return fail(internal::UnknownMethodMessage(method));
  if (endmembers < 1) return fail(fmt::format("the number of endmembers must be at least 1 (got {})", endmembers));
  if (threads < 0) return fail("threads must be >= 0");
  if (lambda && !(*lambda >= 0)) return fail(fmt::format("lambda must be >= 0 (got {})", *lambda));
  if (iterations && *iterations < 1) return fail(fmt::format("iterations must be >= 1 (got {})", *iterations));
  // A model file holds at most 1000 layers (nets/model_file.cpp): more would train a model apply refuses.
  if (layers < 1 || layers > 1000)
    return fail(
        fmt::format("--layers: expected 1 to 1000 unrolled layers (what a model file may hold), got {}", layers));
  if (epochs && *epochs < 0) return fail(fmt::format("epochs must be >= 0 (got {})", *epochs));
  if (batch < 0) return fail(fmt::format("batch must be >= 0 (got {}; 0 = full batch)", batch));
  if (learning_rate && !(*learning_rate > 0))
    return fail(fmt::format("learning rate must be > 0 (got {})", *learning_rate));
  if (decoder_learning_rate && !(*decoder_learning_rate > 0)) return fail("decoder learning rate must be > 0");
  if (train_pixels < 0) return fail("train pixels must be >= 0");
  if (anchor && (!(*anchor >= 0) || !std::isfinite(*anchor)))
    return fail(fmt::format("anchor must be a finite number >= 0 (got {})", *anchor));
  purity::Options po;
  po.exponent = purity_exponent;
  if (std::string w; !po.IsValid(&w)) return fail(w);
  if (!(loss.mse >= 0 && loss.aad >= 0 && loss.aid >= 0)) return fail("loss weights must be >= 0");
  if (patience < 0) return fail("patience must be >= 0");
  if (mu && !(*mu > 0)) return fail(fmt::format("mu must be > 0 (got {})", *mu));
  if (mu && mu_auto) return fail("mu: give a number or auto, not both");
  if (mixing == unmix::Mixing::kScaled && reconstruction_loss == ReconstructionLoss::kAngle)
    return fail("--mixing scaled goes with the squared-error loss (an angle already ignores each pixel's scale)");
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

RunResult RunMethod(const Scene& scene, const RunOptions& o, const GroundTruth* gt) {
  std::string why;
  if (!o.IsValid(&why)) throw OptionError(why);
  if (o.threads > 0) omp_set_num_threads(o.threads);
  const auto idx = scene.valid_indices();
  if (idx.empty()) throw InputError(scene.source, "pixels", "no valid pixel to unmix");
  const MatrixF y = scene.valid_data();
  const Index r = o.endmembers;
  if (r > y.rows() || r > y.cols())
    throw OptionError(
        fmt::format("{} endmembers requested but the scene has {} bands and {} valid pixels; "
                    "r must not exceed either",
                    r, y.rows(), y.cols()));

  const internal::Registration& method = internal::Registered(o.method);
  if (method.train) return internal::RunNetwork(method, {scene, y, idx, o, gt});
  // Extractors, abundance solvers and blind factorisations: data far from unit scale are scaled.
  auto run = [&](const Scene& s, const MatrixF& pixels, const RunOptions& so, const GroundTruth* g) {
    const Stopwatch t0;
    RunResult out = method.run({s, pixels, idx, so, g});
    out.method = so.method;
    out.timings["total"] = t0.seconds();
    return out;
  };

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
    RunResult out = run(scaled, scaled.valid_data(), so, g ? &*g : nullptr);
    out.endmembers.spectra = (out.endmembers.spectra.cast<double>() / f).cast<float>();
    if (out.init_endmembers)
      out.init_endmembers->spectra = (out.init_endmembers->spectra.cast<double>() / f).cast<float>();
    Json(out.details)["data_scale"] = {{"factor", f}, {"exponent", exponent}, {"max_abs", max_abs}};
    out.reports.push_back(
        fmt::format("data scaled by 2^{} for the solvers (largest value {:.3g}); endmembers in the "
                    "scene's units",
                    exponent, max_abs));
    return out;
  }
  return run(scene, y, o, gt);
}

MatrixF ApplyModel(const nets::Model& model, const MatrixF& pixels) {
  if (pixels.rows() != model.bands)
    throw InputError(model.source, "bands",
                     fmt::format("the model was trained on {} bands but the scene has {}; select the same bands "
                                 "(--bands) as for training",
                                 model.bands, pixels.rows()));
  const MethodInfo* info = FindMethod(model.architecture);
  if (!info || !info->network())
    throw InputError(model.source, "architecture", fmt::format("unknown architecture '{}'", model.architecture));
  return internal::Registered(model.architecture).apply(model, pixels);
}

Abundances ApplyModel(const nets::Model& model, const Scene& scene) {
  Abundances a = internal::Scatter(ApplyModel(model, scene.valid_data()), scene, scene.valid_indices());
  a.names = model.endmember_names;
  return a;
}

}  // namespace unmix
