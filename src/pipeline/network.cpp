// What every network method shares around its training (Registration::train): the training
// subset, the start, the trainer's options from the method's defaults, the keep-the-better
// guard, the start's scores and the model's common fields.
#include <fmt/format.h>

#include <algorithm>

#include "methods/method.hpp"
#include "pipeline/internal.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/core/error.hpp"

namespace unmix::internal {
namespace {
MatrixF Columns(const MatrixF& m, const std::vector<Index>& idx) {
  MatrixF out(m.rows(), static_cast<Index>(idx.size()));
  for (size_t j = 0; j < idx.size(); ++j) out.col(static_cast<Index>(j)) = m.col(idx[j]);
  return out;
}
}  // namespace

RunResult RunNetwork(const Registration& method, const MethodInput& input) {
  const MethodInfo& info = method.info;
  const MethodDefaults& d = info.defaults;
  const Scene& scene = input.scene;
  const GroundTruth* gt = input.gt;
  RunOptions o = input.options;
  o.init = ResolveInit(info, o, gt && gt->endmembers);
  const MethodInput in{input.scene, input.pixels, input.valid, o, gt};
  const auto& valid = in.valid;
  const MatrixF& y = in.pixels;
  const Index n = y.cols(), p = y.rows(), r = o.endmembers;
  RunResult out;
  out.method = o.method;
  const Stopwatch t0;
  nlohmann::json& details = Json(out.details);

  // Training subset.
  Index n_train;
  if (info.supervised) {
    if (!gt || !gt->abundances)
      throw OptionError(fmt::format("{} is supervised: it needs --gt with abundances to train on", o.method));
    if (gt->abundances->pixels() != scene.pixels())
      throw InputError(
          gt->source, "A",
          fmt::format("expected abundances for {} pixels, found {}", scene.pixels(), gt->abundances->pixels()));
    if (gt->abundances->count() != r)
      throw OptionError(fmt::format("{} endmembers requested but the ground truth has {}", r, gt->abundances->count()));
    n_train = SupervisedTrainCount(o, n);
  } else {
    const Index fallback = d.train_pixels ? std::min(*d.train_pixels, n) : n;
    n_train = o.train_pixels > 0 ? std::min(o.train_pixels, n) : fallback;
  }
  const Split split = SplitPixels(n, n_train, o.seed);
  for (Index i : split.train) out.train_pixels.push_back(valid[static_cast<size_t>(i)]);
  if (info.supervised)
    for (Index i : split.test) out.test_pixels.push_back(valid[static_cast<size_t>(i)]);

  // Initial endmembers. Blind networks start from the reference endmembers only when asked
  // (--init gt), to study what training does from the right answer.
  Stopwatch t;
  MatrixF a0;
  if (o.init == Init::kGroundTruth) {
    if (!gt || !gt->endmembers) throw OptionError("--init gt needs ground-truth endmembers");
    a0 = gt->endmembers->spectra;
    if (a0.rows() != p || a0.cols() != r)
      throw InputError(gt->source, "M",
                       fmt::format("expected {} x {} endmembers, found {} x {}", p, r, a0.rows(), a0.cols()));
    details["init"] = "ground-truth endmembers";
  } else {
    a0 = BlindStart(scene, y, r, o, out);
  }
  out.timings["init"] = t.seconds();

  train::TrainOptions to;
  to.epochs = o.epochs.value_or(d.epochs.value_or(300));
  to.batch_size = d.full_batch ? 0 : o.batch;
  to.seed = o.seed;
  to.patience = o.patience;
  const double lr = o.learning_rate.value_or(d.learning_rate.value_or(1e-4));
  const double decoder_lr =
      o.decoder_learning_rate.value_or(!o.learning_rate && d.decoder_learning_rate ? *d.decoder_learning_rate : lr);
  to.adam.group_learning_rates = {lr, decoder_lr};
  to.on_epoch = o.on_epoch;
  const MatrixF y_train = Columns(y, split.train);

  NetworkOutcome trained = method.train(NetworkJob{in, info, y_train, a0, to}, out);
  out.reports.push_back(out.training->BriefReport());

  const double t_apply = out.timings["inference"];
  details["inference_pixels_per_second"] = t_apply > 0 ? static_cast<double>(n) / t_apply : 0.0;
  details["train_pixels"] = n_train;
  details["epochs"] = to.epochs;
  details["learning_rates"] = to.adam.group_learning_rates;
  details["training"] = {
      {"epochs_run", out.training->epochs_run},
      {"best_epoch", out.training->best_epoch},
      {"initial_loss", out.training->initial_loss},
      {"best_loss", out.training->best_loss},
      {"diverged", out.training->diverged},
      {"stop_reason", out.training->stop_reason},
      {"seconds_per_epoch", out.training->epochs_run > 0 ? out.timings["train"] / out.training->epochs_run : 0.0}};

  // Keep the better of the result and its start by an unsupervised criterion (BlindFitOf).
  MatrixF& x = trained.abundances;
  std::optional<MatrixF>& decoder = trained.decoder;
  std::optional<MatrixF> trained_decoder;  // the network's own, for model.json
  if (!info.supervised && decoder && o.KeepBetter()) {
    const Stopwatch tg;
    BlindFit start = BlindFitOf(a0, y);
    const BlindFit fit = BlindFitOf(*decoder, y);
    const bool kept_start = fit.rmse > start.rmse;
    details["keep_better"] = {{"criterion", "scaled-fit RMSE: |Y - E C| over all valid pixels, C = NNLS(E, Y)"},
                              {"start", start.rmse},
                              {"trained", fit.rmse},
                              {"kept", kept_start ? "start" : "trained"}};
    if (kept_start) {
      out.reports.push_back(fmt::format(
          "{} ended worse than its start by its unsupervised criterion (scaled-fit RMSE {:.6g} > {:.6g}): the "
          "results are the start's endmembers with scaled-simplex abundances; model.json holds the trained network",
          o.method, fit.rmse, start.rmse));
      x = std::move(start.abundances);
      trained_decoder = std::move(decoder);
      decoder = a0;
    }
    out.timings["keep_better"] = tg.seconds();
  }

  out.endmembers = MakeEndmembers(decoder ? *decoder : a0, scene);
  out.abundances = Scatter(x, scene, valid);
  if (!info.supervised) {  // the start a blind network refines: the start's endmembers + FCLS abundances
    out.init_endmembers = MakeEndmembers(a0, scene);
    out.init_abundances =
        Scatter(trained.start_abundances ? *trained.start_abundances : Fcls<float>(a0, y).abundances, scene, valid);
  }
  nets::Model& m = *out.model;
  m.architecture = o.method;
  m.bands = p;
  m.endmembers = r;
  m.wavelengths = scene.wavelengths;
  if (trained_decoder)
    m.tensors["decoder.A"] = *trained_decoder;
  else if (decoder)
    m.tensors["decoder.A"] = *decoder;
  nlohmann::json& training = Json(m.training);
  training = details["training"];
  training["loss_history"] = out.training->loss_history;
  out.timings["total"] = t0.seconds();
  return out;
}

}  // namespace unmix::internal
