// The network half of the method facade: training subsets, initialisation, training,
// inference over the whole scene, and the model that `unmix apply` reloads.
#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "pipeline/internal.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"
#include "unmix/endmember/vca.hpp"
#include "unmix/nets/admm_nets.hpp"

namespace unmix {
namespace internal {
Split SplitPixels(Index n, Index n_train, std::uint64_t seed) {
  std::vector<Index> order(static_cast<size_t>(n));
  for (Index i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  Rng rng(seed ^ 0x7261696e73706c74ULL);  // own stream: the split does not shift VCA's draws
  rng.Shuffle(order.begin(), order.end());
  Split s;
  s.train.assign(order.begin(), order.begin() + n_train);
  s.test.assign(order.begin() + n_train, order.end());
  std::sort(s.train.begin(), s.train.end());
  std::sort(s.test.begin(), s.test.end());
  return s;
}

Index SupervisedTrainCount(const RunOptions& o, Index n) {
  const Index n_train = o.train_pixels > 0 ? o.train_pixels : std::min<Index>(1000, n / 2);
  if (n_train < 1 || n_train >= n)
    throw OptionError(fmt::format("{} training pixels of {} valid leaves none to test on (need 1 <= train < {})",
                                  n_train, n, n));
  return n_train;
}

namespace {

MatrixF Columns(const MatrixF& m, const std::vector<Index>& idx) {
  MatrixF out(m.rows(), static_cast<Index>(idx.size()));
  for (size_t j = 0; j < idx.size(); ++j) out.col(static_cast<Index>(j)) = m.col(idx[j]);
  return out;
}

nets::Model AdmmModel(const std::string& method, const nets::AdmmEncoder<float>& enc, const MatrixF* decoder,
                      const nets::AdmmNetOptions& ao, const nets::AdmmInitValues& init, const Scene& scene) {
  nets::Model m;
  m.architecture = method;
  m.bands = enc.bands();
  m.endmembers = enc.endmembers();
  m.wavelengths = scene.wavelengths;
  m.hyperparameters = {{"layers", ao.layers},
                       {"updates", enc.updates()},
                       {"tied", enc.tied()},
                       {"preset", ao.preset == nets::AdmmPreset::kPaper ? "paper" : "authors"},
                       {"init_lambda", init.lambda},
                       {"init_mu", init.mu},
                       {"norm_epsilon", enc.norm_epsilon()}};
  m.tensors["encoder.W"] = enc.params().wt;
  m.tensors["encoder.B"] = enc.params().bt;
  m.tensors["encoder.theta"] = enc.params().theta;
  m.tensors["encoder.eta"] = enc.params().eta;
  if (decoder) m.tensors["decoder.A"] = *decoder;
  return m;
}

nets::AdmmEncoder<float> AdmmEncoderFromModel(const nets::Model& m) {
  const auto& h = m.hyperparameters;
  if (!h.contains("updates") || !h.contains("tied"))
    throw InputError(m.source, "hyperparameters", "an ADMM network needs 'updates' and 'tied'");
  const int updates = h["updates"].get<int>();
  const bool tied = h["tied"].get<bool>();
  if (updates < 1) throw InputError(m.source, "hyperparameters.updates", "must be >= 1");
  nets::AdmmEncoder<float> enc(m.bands, m.endmembers, updates, tied, h.value("norm_epsilon", 1e-8));
  const Index sets = enc.sets(), r = m.endmembers;
  enc.params().wt = m.Tensor("encoder.W", sets * r, m.bands);
  enc.params().bt = m.Tensor("encoder.B", sets * r, r);
  enc.params().theta = m.Tensor("encoder.theta", sets, 1);
  enc.params().eta = m.Tensor("encoder.eta", sets, 1);
  return enc;
}

}  // namespace

RunResult RunNetwork(const Scene& scene, const RunOptions& o, const GroundTruth* gt) {
  const MethodInfo& info = FindMethod(o.method);
  const auto valid = scene.valid_indices();
  const MatrixF y = scene.valid_data();
  const Index n = y.cols(), p = y.rows(), r = o.endmembers;
  RunResult out;
  out.method = o.method;
  const auto t0 = std::chrono::steady_clock::now();

  // Training subset.
  Index n_train;
  if (info.supervised) {
    if (!gt || !gt->abundances)
      throw OptionError(fmt::format("{} is supervised: it needs --gt with abundances to train on", o.method));
    if (gt->abundances->pixels() != scene.pixels())
      throw InputError(gt->source, "A", fmt::format("expected abundances for {} pixels, found {}", scene.pixels(),
                                                    gt->abundances->pixels()));
    if (gt->abundances->count() != r)
      throw OptionError(fmt::format("{} endmembers requested but the ground truth has {}", r, gt->abundances->count()));
    n_train = SupervisedTrainCount(o, n);
  } else {
    n_train = o.train_pixels > 0 ? std::min(o.train_pixels, n) : n;
  }
  const Split split = SplitPixels(n, n_train, o.seed);
  for (Index i : split.train) out.train_pixels.push_back(valid[static_cast<size_t>(i)]);
  if (info.supervised)
    for (Index i : split.test) out.test_pixels.push_back(valid[static_cast<size_t>(i)]);

  // Initial endmembers.
  auto t = std::chrono::steady_clock::now();
  MatrixF a0;
  const bool from_gt = info.supervised && (o.init == "gt" || (o.init == "auto" && gt && gt->endmembers));
  if (from_gt) {
    if (!gt || !gt->endmembers) throw OptionError("--init gt needs ground-truth endmembers");
    a0 = gt->endmembers->spectra;
    if (a0.rows() != p || a0.cols() != r)
      throw InputError(gt->source, "M", fmt::format("expected {} x {} endmembers, found {} x {}", p, r, a0.rows(), a0.cols()));
    out.details["init"] = "ground-truth endmembers";
  } else {
    vca::Options vo;
    vo.seed = o.seed;
    const auto v = Vca<float>(y, r, vo);
    a0 = v.endmembers.cwiseMax(0.0f);
    out.reports.push_back(v.summary.BriefReport());
    out.details["init"] = "VCA";
    out.details["vca"] = {{"indices", v.indices}, {"snr_db", v.summary.snr_db}};
  }
  nets::AdmmNetOptions ao;
  ao.layers = o.layers;
  ao.tied = o.method.back() == '1';
  ao.preset = o.preset == "paper" ? nets::AdmmPreset::kPaper : nets::AdmmPreset::kAuthorsCode;
  const MatrixD a0d = a0.cast<double>();
  const auto init = nets::ResolveAdmmInit(ao, a0d);
  auto encoder = nets::MakeAdmmEncoder<float>(ao, a0d);
  out.timings["init"] = Since(t);

  train::TrainOptions to;
  to.epochs = o.epochs;
  to.batch_size = o.batch;
  to.seed = o.seed;
  to.patience = o.patience;
  to.adam.group_learning_rates = {o.learning_rate, o.decoder_learning_rate.value_or(o.learning_rate)};
  to.on_epoch = o.on_epoch;
  const MatrixF y_train = Columns(y, split.train);

  t = std::chrono::steady_clock::now();
  std::optional<MatrixF> decoder;
  if (info.supervised) {
    MatrixF x_train(r, n_train);
    for (Index j = 0; j < n_train; ++j)
      x_train.col(j) = gt->abundances->values.col(out.train_pixels[static_cast<size_t>(j)]);
    nets::AdmmAENet<float> net(std::move(encoder), y_train, std::move(x_train), o.loss);
    out.training = train::Train(net, to);
    encoder = std::move(net.encoder());
  } else {
    const double data_max = y.size() ? static_cast<double>(y.maxCoeff()) : 1.0;
    const double lo = ao.preset == nets::AdmmPreset::kPaper ? 0.0 : 1e-6;
    // The authors clip at 1 (reflectance); scenes in other units keep their own range.
    const double hi = ao.preset == nets::AdmmPreset::kPaper ? std::numeric_limits<double>::infinity()
                                                            : std::max(1.0, data_max);
    nets::AdmmBUNet<float> net(std::move(encoder), a0, y_train, lo, hi);
    out.training = train::Train(net, to);
    encoder = std::move(net.encoder());
    decoder = net.decoder();
    out.details["decoder_bounds"] = {lo, hi};
  }
  out.timings["train"] = Since(t);
  out.reports.push_back(out.training->BriefReport());

  t = std::chrono::steady_clock::now();
  const MatrixF x = nets::ApplyEncoder(encoder, y);
  const double t_apply = Since(t);
  out.timings["inference"] = t_apply;
  out.details["inference_pixels_per_second"] = t_apply > 0 ? static_cast<double>(n) / t_apply : 0.0;
  out.details["train_pixels"] = n_train;
  out.details["init_lambda"] = init.lambda;
  out.details["init_mu"] = init.mu;
  out.details["training"] = {{"epochs_run", out.training->epochs_run},
                             {"best_epoch", out.training->best_epoch},
                             {"initial_loss", out.training->initial_loss},
                             {"best_loss", out.training->best_loss},
                             {"diverged", out.training->diverged},
                             {"stop_reason", out.training->stop_reason},
                             {"seconds_per_epoch", out.training->epochs_run > 0
                                                       ? out.timings["train"] / out.training->epochs_run
                                                       : 0.0}};

  out.endmembers = MakeEndmembers(decoder ? *decoder : a0, scene);
  out.abundances = Scatter(x, scene, valid);
  if (!info.supervised) {  // the start the blind network refines: VCA endmembers + FCLS abundances
    out.init_endmembers = MakeEndmembers(a0, scene);
    out.init_abundances = Scatter(Fcls<float>(a0, y).abundances, scene, valid);
  }
  out.model = AdmmModel(o.method, encoder, decoder ? &*decoder : nullptr, ao, init, scene);
  out.model->training = out.details["training"];
  out.model->training["loss_history"] = out.training->loss_history;
  out.timings["total"] = Since(t0);
  return out;
}

}  // namespace internal

MatrixF ApplyModel(const nets::Model& model, const MatrixF& pixels) {
  if (pixels.rows() != model.bands)
    throw InputError(model.source, "bands",
                     fmt::format("the model was trained on {} bands but the scene has {}; select the same bands "
                                 "(--bands) as for training",
                                 model.bands, pixels.rows()));
  const std::string& a = model.architecture;
  if (a == "aenet1" || a == "aenet2" || a == "bunet1" || a == "bunet2")
    return nets::ApplyEncoder(internal::AdmmEncoderFromModel(model), pixels);
  throw InputError(model.source, "architecture", fmt::format("unknown architecture '{}'", a));
}

}  // namespace unmix
