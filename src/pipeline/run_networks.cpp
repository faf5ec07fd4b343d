// The network half of the method facade: training subsets, initialisation, training,
// inference over the whole scene, and the model that `unmix apply` reloads.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pipeline/internal.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"
#include "unmix/abundance/nnls.hpp"
#include "unmix/endmember/nfindr.hpp"
#include "unmix/endmember/purity_mean.hpp"
#include "unmix/endmember/spatial_mean.hpp"
#include "unmix/endmember/vca.hpp"
#include "unmix/nets/admm_nets.hpp"
#include "unmix/nets/mnn.hpp"
#include "unmix/nets/nmf_sae.hpp"

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

// A layer count from a model file: an integer in [1, 1000] (a float or a huge value is refused
// before it reaches an int).
int LayerCount(const nets::Model& m, const char* key, std::optional<int> fallback = {}) {
  const auto& h = m.hyperparameters;
  if (!h.contains(key)) {
    if (fallback) return *fallback;
    throw InputError(m.source, fmt::format("hyperparameters.{}", key), "missing");
  }
  const auto& v = h[key];
  if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > 1000)
    throw InputError(m.source, fmt::format("hyperparameters.{}", key),
                     fmt::format("expected an integer from 1 to 1000, got {}", v.dump()));
  return static_cast<int>(v.get<long long>());
}

double NormEpsilon(const nets::Model& m) {
  const auto& h = m.hyperparameters;
  if (!h.contains("norm_epsilon")) return 1e-8;
  const auto& v = h["norm_epsilon"];
  if (!v.is_number() || !(v.get<double>() >= 0) || !std::isfinite(v.get<double>()))
    throw InputError(m.source, "hyperparameters.norm_epsilon", "expected a finite number >= 0, got " + v.dump());
  return v.get<double>();
}

bool TiedFlag(const nets::Model& m) {
  const auto& v = m.hyperparameters["tied"];
  if (!v.is_boolean()) throw InputError(m.source, "hyperparameters.tied", "expected true or false, got " + v.dump());
  return v.get<bool>();
}

nets::AdmmEncoder<float> AdmmEncoderFromModel(const nets::Model& m) {
  const auto& h = m.hyperparameters;
  if (!h.contains("updates") || !h.contains("tied"))
    throw InputError(m.source, "hyperparameters", "an ADMM network needs 'updates' and 'tied'");
  const int updates = LayerCount(m, "updates");
  const bool tied = TiedFlag(m);
  if (updates < 1) throw InputError(m.source, "hyperparameters.updates", "must be >= 1");
  bool sum_to_one = false;  // models written before the option have none
  if (h.contains("sum_to_one")) {
    if (!h["sum_to_one"].is_boolean())
      throw InputError(m.source, "hyperparameters.sum_to_one", "expected true or false, got " + h["sum_to_one"].dump());
    sum_to_one = h["sum_to_one"].get<bool>();
  }
  nets::AdmmEncoder<float> enc(m.bands, m.endmembers, updates, tied, NormEpsilon(m), sum_to_one);
  const Index sets = enc.sets(), r = m.endmembers;
  enc.params().wt = m.Tensor("encoder.W", sets * r, m.bands);
  enc.params().bt = m.Tensor("encoder.B", sets * r, r);
  enc.params().theta = m.Tensor("encoder.theta", sets, 1);
  enc.params().eta = m.Tensor("encoder.eta", sets, 1);
  if (sum_to_one) enc.params().c = m.Tensor("encoder.c", sets * r, 1);
  return enc;
}

}  // namespace

namespace {

// `--select fit`: offered the network's endmembers after every `every`-th epoch (and the
// start), keeps a snapshot of the parameters whose endmembers have the lowest scaled-fit RMSE
// on a fixed subset of the pixels; Finish restores it and records the choice.
class FitSelector {
 public:
  FitSelector(const MatrixF& y, int epochs) : every_(std::max(1, epochs / 100)) {
    constexpr Index kMaxPixels = 2000;
    const Index n = y.cols(), step = std::max<Index>(1, (n + kMaxPixels - 1) / kMaxPixels);
    y_.resize(y.rows(), (n + step - 1) / step);
    for (Index j = 0, k = 0; j < n; j += step, ++k) y_.col(k) = y.col(j);
  }
  void Offer(int epoch, const MatrixF& endmembers, const train::ParameterList<float>& params) {
    if (epoch % every_ != 0) return;
    const double fit = BlindFitOf(endmembers, y_).rmse;
    epochs_.push_back(epoch);
    fits_.push_back(fit);
    if (!(fit < best_fit_)) return;
    best_fit_ = fit;
    best_epoch_ = epoch;
    best_ = train::Snapshot(params);
  }
  void Finish(const train::ParameterList<float>& params, RunResult& out) const {
    if (!best_.empty()) train::Restore(params, best_);
    out.details["select"] = {{"rule", "lowest scaled-fit RMSE of the endmembers"},
                             {"pixels", y_.cols()},
                             {"every", every_},
                             {"chosen_epoch", best_epoch_},
                             {"epochs", epochs_},
                             {"fit", fits_}};
    out.reports.push_back(fmt::format("weights of epoch {} kept: lowest scaled-fit RMSE {:.6g} on {} pixels",
                                      best_epoch_, best_fit_, y_.cols()));
  }

 private:
  int every_;
  MatrixF y_;
  double best_fit_ = std::numeric_limits<double>::infinity();
  int best_epoch_ = 0;
  std::vector<int> epochs_;
  std::vector<double> fits_;
  std::vector<MatrixF> best_;
};

// Runs train::Train on `net`, with `--select fit` when asked: `endmembers()` gives the
// network's current endmembers.
template <typename Net, typename Endmembers>
train::TrainSummary TrainSelected(Net& net, const RunOptions& o, const MatrixF& y, train::TrainOptions to,
                                  Endmembers endmembers, RunResult& out) {
  if (o.select != "fit") return train::Train(net, to);
  const auto params = net.Parameters();
  FitSelector selector(y, to.epochs);
  auto user = to.on_epoch;
  to.on_epoch = [&](const train::EpochReport& e) {
    selector.Offer(e.epoch, endmembers(), params);
    if (user) user(e);
  };
  auto summary = train::Train(net, to);
  selector.Finish(params, out);
  return summary;
}

// What differs between the ADMM and MNN families; the training flow is shared.
struct AdmmFamily {
  using Encoder = nets::AdmmEncoder<float>;
  using AENet = nets::AdmmAENet<float>;
  using BUNet = nets::AdmmBUNet<float>;
  static Encoder Make(const RunOptions& o, const MatrixD& a0, nlohmann::json& hyper, double& lo, double& hi,
                      double data_max) {
    nets::AdmmNetOptions ao;
    ao.layers = o.layers;
    ao.tied = o.method.back() == '1';
    ao.preset = o.preset == "paper" ? nets::AdmmPreset::kPaper : nets::AdmmPreset::kAuthorsCode;
    ao.lambda = o.lambda;
    ao.mu = o.mu;
    ao.sum_to_one = o.sum_to_one;
    const auto init = nets::ResolveAdmmInit(ao, a0);
    Encoder enc = nets::MakeAdmmEncoder<float>(ao, a0);
    lo = ao.preset == nets::AdmmPreset::kPaper ? 0.0 : 1e-6;
    // The authors clip at 1 (reflectance); scenes in other units keep their own range.
    hi = ao.preset == nets::AdmmPreset::kPaper ? std::numeric_limits<double>::infinity() : std::max(1.0, data_max);
    hyper = {{"layers", ao.layers}, {"updates", enc.updates()}, {"tied", enc.tied()},
             {"preset", o.preset}, {"init_lambda", init.lambda}, {"init_mu", init.mu},
             {"norm_epsilon", enc.norm_epsilon()}, {"sum_to_one", enc.sum_to_one()}};
    return enc;
  }
  static MatrixF Apply(const Encoder& e, const MatrixF& y) { return nets::ApplyEncoder(e, y); }
  static void Save(const Encoder& e, nets::Model& m) {
    m.tensors["encoder.W"] = e.params().wt;
    m.tensors["encoder.B"] = e.params().bt;
    m.tensors["encoder.theta"] = e.params().theta;
    m.tensors["encoder.eta"] = e.params().eta;
    if (e.sum_to_one()) m.tensors["encoder.c"] = e.params().c;
  }
};

struct MnnFamily {
  using Encoder = nets::MnnEncoder<float>;
  using AENet = nets::MnnAENet<float>;
  using BUNet = nets::MnnBUNet<float>;
  static Encoder Make(const RunOptions& o, const MatrixD& a0, nlohmann::json& hyper, double& lo, double& hi, double) {
    nets::MnnNetOptions mo;
    mo.layers = o.layers;
    mo.tied = o.method.back() == '1';
    if (o.lambda) mo.lambda = *o.lambda;
    Encoder enc = nets::MakeMnnEncoder<float>(mo, a0);
    lo = mo.decoder_min;
    hi = mo.decoder_max;
    hyper = {{"layers", mo.layers}, {"tied", mo.tied}, {"threshold", "scalar"}, {"init_lambda", mo.lambda},
             {"norm_epsilon", mo.norm_epsilon}};
    return enc;
  }
  static MatrixF Apply(const Encoder& e, const MatrixF& y) { return nets::ApplyMnnEncoder(e, y); }
  static void Save(const Encoder& e, nets::Model& m) {
    m.tensors["encoder.W"] = e.params().w;
    m.tensors["encoder.B"] = e.params().b;
    m.tensors["encoder.theta"] = e.params().theta;
  }
};

// `--mu auto`: the ADMM penalty whose untrained network has the lowest training loss, on the
// grid mu = s 2^(k/2), k = -24..0, with s = trace(A0^T A0) / r (the mean eigenvalue, so the
// grid follows the scale of the data). The untrained network is a fixed function of the
// training pixels, so this one-number choice uses the training set only and cannot memorise it.
template <typename Family, typename MakeNet>
double SelectMu(const RunOptions& o, const MatrixD& a0, double data_max, const train::TrainOptions& to,
                MakeNet make_net, RunResult& out) {
  const double scale = (a0.transpose() * a0).trace() / static_cast<double>(a0.cols());
  nlohmann::json grid = nlohmann::json::array(), losses = nlohmann::json::array();
  double best_mu = scale, best_loss = std::numeric_limits<double>::infinity();
  for (int k = -24; k <= 0; ++k) {
    RunOptions trial = o;
    trial.mu = scale * std::exp2(0.5 * k);
    nlohmann::json hyper;
    double lo = 0, hi = 0;
    auto encoder = Family::Make(trial, a0, hyper, lo, hi, data_max);  // sets lo, hi
    auto net = make_net(std::move(encoder), lo, hi);
    const double loss = train::EvaluateLoss(net, to.batch_size);
    grid.push_back(*trial.mu);
    losses.push_back(std::isfinite(loss) ? nlohmann::json(loss) : nlohmann::json(nullptr));
    if (loss < best_loss) best_loss = loss, best_mu = *trial.mu;
  }
  out.details["mu_search"] = {{"mu", grid}, {"initial_loss", losses}, {"chosen", best_mu}};
  return best_mu;
}

template <typename Family>
void TrainUnrolled(const MethodInfo& info, const RunOptions& options, const GroundTruth* gt, const MatrixF& y,
                   const MatrixF& y_train, const MatrixF& a0, const train::TrainOptions& to, RunResult& out,
                   MatrixF& x, std::optional<MatrixF>& decoder) {
  RunOptions o = options;
  const double data_max = y.size() ? y.maxCoeff() : 1.0;
  MatrixF x_train;
  if (info.supervised) {
    const Index r = a0.cols(), n_train = y_train.cols();
    x_train.resize(r, n_train);
    for (Index j = 0; j < n_train; ++j)
      x_train.col(j) = gt->abundances->values.col(out.train_pixels[static_cast<size_t>(j)]);
  }
  auto make_bunet = [&](typename Family::Encoder enc, double lo, double hi) {
    typename Family::BUNet net(std::move(enc), a0, y_train, lo, hi);
    if (o.reconstruction_loss == "angle") net.SetLoss(Family::BUNet::Loss::kSpectralAngle);
    net.SetScaledMixing(o.Mixing() == "scaled");
    net.SetAnchor(net.decoder(), o.Anchor());  // the decoder as projected at the start
    return net;
  };
  const Stopwatch t;
  if constexpr (std::is_same_v<Family, AdmmFamily>) {
    if (o.mu_auto) {
      if (info.supervised)
        o.mu = SelectMu<Family>(o, a0.cast<double>(), data_max, to, [&](auto enc, double, double) {
          return typename Family::AENet(std::move(enc), y_train, x_train, o.loss);
        }, out);
      else
        o.mu = SelectMu<Family>(o, a0.cast<double>(), data_max, to, make_bunet, out);
    }
  }
  nlohmann::json hyper;
  double lo = 0, hi = 0;
  typename Family::Encoder encoder = Family::Make(o, a0.cast<double>(), hyper, lo, hi, data_max);
  if (info.supervised) {
    typename Family::AENet net(std::move(encoder), y_train, std::move(x_train), o.loss);
    if (o.augment == "residuals") net.EnableResidualResampling(o.seed);
    out.training = train::Train(net, to);
    encoder = std::move(net.encoder());
  } else {
    auto net = make_bunet(std::move(encoder), lo, hi);
    hyper["reconstruction_loss"] = o.reconstruction_loss;
    hyper["mixing"] = o.Mixing();
    hyper["anchor"] = o.Anchor();
    out.training = TrainSelected(net, o, y, to, [&] { return net.decoder(); }, out);
    encoder = std::move(net.encoder());
    decoder = net.decoder();
    out.details["decoder_bounds"] = {lo, std::isfinite(hi) ? nlohmann::json(hi) : nlohmann::json("inf")};
  }
  out.timings["train"] = t.seconds();
  const Stopwatch ti;
  x = Family::Apply(encoder, y);
  out.timings["inference"] = ti.seconds();
  out.model = nets::Model{};
  out.model->hyperparameters = hyper;
  Family::Save(encoder, *out.model);
}

// NMF-SAE: the whole training set is one sample (its decoder weights W2 are N x r).
// `fcls_a0` receives FCLS of all pixels with A0 when inference computed it (the "initial" mode),
// so the caller can score the start without solving it again.
void TrainNmfSae(const RunOptions& o, const MatrixF& y, const MatrixF& y_train, const MatrixF& a0,
                 const train::TrainOptions& to, RunResult& out, MatrixF& x, std::optional<MatrixF>& decoder,
                 std::optional<MatrixF>& fcls_a0) {
  const MatrixF s0 = Fcls<float>(a0, y_train).abundances;
  nets::NmfSaeOptions no;
  no.layers = o.layers;
  if (o.lambda) no.lambda = *o.lambda;
  no.anchor = o.Anchor();
  nets::NmfSae<float> net(a0, s0, y_train, no);
  const Stopwatch t;
  out.training = TrainSelected(net, o, y, to, [&] { return net.Endmembers(); }, out);
  out.timings["train"] = t.seconds();
  const MatrixF ak = net.Endmembers();
  decoder = ak;
  const Stopwatch ti;
  const bool learned = o.nmf_inference == "learned";
  MatrixF start = Fcls<float>(learned ? ak : a0, y).abundances;
  x = nets::NmfSaeEncode(net, y, start, learned ? nets::EncoderEndmembers::kLearned : nets::EncoderEndmembers::kInitial);
  if (!learned) fcls_a0 = std::move(start);
  out.timings["inference"] = ti.seconds();
  out.model = nets::Model{};
  out.model->hyperparameters = {{"layers", no.layers}, {"lambda", no.lambda}, {"norm_epsilon", no.norm_epsilon},
                                {"inference", o.nmf_inference}, {"step_s", net.step_s()}, {"step_a", net.step_a()},
                                {"anchor", no.anchor}};
  out.model->tensors["encoder.W1"] = net.w1();
  out.model->tensors["encoder.theta"] = net.theta();
  // The residual term of the encoder at inference: A0 or the learned A_K.
  out.model->tensors["encoder.A"] = learned ? ak : a0;
}

nets::MnnEncoder<float> MnnEncoderFromModel(const nets::Model& m) {
  const auto& h = m.hyperparameters;
  if (!h.contains("layers") || !h.contains("tied"))
    throw InputError(m.source, "hyperparameters", "an MNN network needs 'layers' and 'tied'");
  nets::MnnNetOptions mo;
  mo.layers = LayerCount(m, "layers");
  mo.tied = TiedFlag(m);
  mo.norm_epsilon = NormEpsilon(m);
  if (mo.layers < 1) throw InputError(m.source, "hyperparameters.layers", "must be >= 1");
  nets::MnnEncoder<float> enc = nets::MakeMnnEncoder<float>(mo, MatrixD::Ones(m.bands, m.endmembers));
  enc.params().w = m.Tensor("encoder.W", enc.params().w.rows(), enc.params().w.cols());
  enc.params().b = m.Tensor("encoder.B", enc.params().b.rows(), enc.params().b.cols());
  enc.params().theta = m.Tensor("encoder.theta", enc.params().theta.rows(), enc.params().theta.cols());
  return enc;
}

}  // namespace

MatrixF SpatialNFindr(const Scene& scene, Index r, RunResult& out) {
  constexpr Index kWindow = 7;
  const MatrixF mean = SpatialMean(scene, kWindow);
  const auto res = NFindr<float>(mean, r);
  out.reports.push_back(res.summary.BriefReport());
  out.details["spatial_nfindr"] = {{"window", kWindow}, {"indices", res.indices}, {"swaps", res.summary.iterations},
                                   {"rank_deficient", res.summary.rank_deficient}};
  return res.endmembers.cwiseMax(0.0f);
}

MatrixF SpatialPurity(const Scene& scene, const MatrixF& y, Index r, const RunOptions& o, RunResult& out) {
  const MatrixF e0 = SpatialNFindr(scene, r, out);
  purity::Options po;
  po.exponent = o.purity_exponent;
  po.num_threads = o.threads;
  const auto res = PurityWeightedEndmembers(e0, y, po);
  std::vector<double> weights(res.total_weight.data(), res.total_weight.data() + res.total_weight.size());
  out.details["purity"] = {{"exponent", po.exponent}, {"total_weight", weights}};
  out.reports.push_back(fmt::format("purity-weighted means (q = {:g}): effective pure pixels per endmember {:.1f}",
                                    po.exponent, fmt::join(weights, ", ")));
  return res.endmembers.cwiseMax(0.0f);
}

MatrixF ScaledSimplexAbundances(const MatrixF& e, const MatrixF& y, RunResult& out) {
  auto res = Nnls<float>(e, y);
  out.reports.push_back(res.summary.BriefReport());
  MatrixF x = std::move(res.abundances);
  Index zero = 0;
  for (Index j = 0; j < x.cols(); ++j) {
    const float s = x.col(j).sum();
    if (s > 0) x.col(j) /= s;
    else ++zero;
  }
  out.details["scaled_abundances"] = {{"zero_pixels", zero}};
  return x;
}

BlindFit BlindFitOf(const MatrixF& e, const MatrixF& y) {
  BlindFit f;
  f.abundances = Nnls<float>(e, y).abundances;
  const double entries = static_cast<double>(std::max<Index>(y.size(), 1));
  f.rmse = std::sqrt((y - e * f.abundances).cast<double>().squaredNorm() / entries);
  for (Index j = 0; j < f.abundances.cols(); ++j) {
    const float s = f.abundances.col(j).sum();
    if (s > 0) f.abundances.col(j) /= s;
  }
  return f;
}

MatrixF BlindStart(const Scene& scene, const MatrixF& y, Index r, const RunOptions& o, RunResult& out) {
  struct Candidate {
    std::string name;
    MatrixF endmembers;
    double fit = 0;  // reconstruction RMSE with FCLS abundances
    std::string report;  // the extractor's BriefReport()
  };
  auto fit = [&](const MatrixF& e) {
    const MatrixF x = Fcls<float>(e, y).abundances;
    return std::sqrt((y - e * x).squaredNorm() / static_cast<double>(y.size()));
  };
  auto vca = [&](std::uint64_t seed) {
    vca::Options vo;
    vo.seed = seed;
    const auto v = Vca<float>(y, r, vo);
    return Candidate{fmt::format("VCA (seed {})", seed), v.endmembers.cwiseMax(0.0f), 0.0, v.summary.BriefReport()};
  };
  auto nfindr = [&] {
    const auto res = NFindr<float>(y, r);
    return Candidate{"N-FINDR", res.endmembers.cwiseMax(0.0f), 0.0, res.summary.BriefReport()};
  };
  if (o.init == "gt") throw OptionError(fmt::format("--init gt starts a network from the reference endmembers; {} has no such start", o.method));
  const std::string how = o.init == "auto" ? "vca" : o.init;
  std::vector<Candidate> candidates;
  if (how == "vca") {
    candidates.push_back(vca(o.seed));
  } else if (how == "nfindr") {
    candidates.push_back(nfindr());
  } else if (how == "spatial-nfindr") {
    candidates.push_back({"spatial N-FINDR", SpatialNFindr(scene, r, out), 0.0, ""});  // reports itself
  } else if (how == "spatial-purity") {
    candidates.push_back({"spatial N-FINDR, purity-weighted", SpatialPurity(scene, y, r, o, out), 0.0, ""});
  } else {
    candidates.push_back(nfindr());
    for (std::uint64_t k = 0; k < 10; ++k) candidates.push_back(vca(o.seed + k));
  }
  // The fit (FCLS over every pixel) is only needed to choose among several candidates.
  size_t best = 0;
  nlohmann::json fits = nlohmann::json::array();
  for (size_t i = 0; candidates.size() > 1 && i < candidates.size(); ++i) {
    candidates[i].fit = fit(candidates[i].endmembers);
    fits.push_back({{"start", candidates[i].name}, {"reconstruction_rmse", candidates[i].fit}});
    if (candidates[i].fit < candidates[best].fit) best = i;
  }
  if (!candidates[best].report.empty()) out.reports.push_back(candidates[best].report);
  out.details["init"] = candidates[best].name;
  out.details["start"] = {{"rule", how}, {"chosen", candidates[best].name}, {"candidates", fits}};
  return candidates[best].endmembers;
}

RunResult RunNetwork(const Scene& scene, const RunOptions& options, const GroundTruth* gt) {
  const MethodInfo& info = FindMethod(options.method);
  RunOptions o = options;
  // The project's start for blind networks (preset "unmix"); the papers' VCA otherwise.
  if (!info.supervised && o.init == "auto") o.init = o.preset == "unmix" ? "spatial-purity" : "vca";
  const bool nmf_sae = o.method == "nmf-sae";
  const bool mnn = o.method.rfind("mnn-", 0) == 0;
  const auto valid = scene.valid_indices();
  const MatrixF y = scene.valid_data();
  const Index n = y.cols(), p = y.rows(), r = o.endmembers;
  RunResult out;
  out.method = o.method;
  const Stopwatch t0;

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
    // NMF-SAE trains on 1000 pixels as in its paper (its decoder weights grow with N); the
    // other blind networks train on every pixel, as u-admm-nets.txt does on real scenes.
    const Index fallback = nmf_sae ? std::min<Index>(1000, n) : n;
    n_train = o.train_pixels > 0 ? std::min(o.train_pixels, n) : fallback;
  }
  const Split split = SplitPixels(n, n_train, o.seed);
  for (Index i : split.train) out.train_pixels.push_back(valid[static_cast<size_t>(i)]);
  if (info.supervised)
    for (Index i : split.test) out.test_pixels.push_back(valid[static_cast<size_t>(i)]);

  // Initial endmembers.
  Stopwatch t;
  MatrixF a0;
  // Blind networks start from the reference endmembers only when asked (--init gt), to study
  // what training does from the right answer.
  const bool from_gt = o.init == "gt" || (info.supervised && o.init == "auto" && gt && gt->endmembers);
  if (from_gt) {
    if (!gt || !gt->endmembers) throw OptionError("--init gt needs ground-truth endmembers");
    a0 = gt->endmembers->spectra;
    if (a0.rows() != p || a0.cols() != r)
      throw InputError(gt->source, "M", fmt::format("expected {} x {} endmembers, found {} x {}", p, r, a0.rows(), a0.cols()));
    out.details["init"] = "ground-truth endmembers";
  } else {
    a0 = BlindStart(scene, y, r, o, out);
  }
  out.timings["init"] = t.seconds();

  train::TrainOptions to;
  to.epochs = o.epochs.value_or(nmf_sae ? 1000 : 300);
  to.batch_size = nmf_sae ? 0 : o.batch;
  to.seed = o.seed;
  to.patience = o.patience;
  const double lr = o.learning_rate.value_or(1e-4);
  to.adam.group_learning_rates = {lr, o.decoder_learning_rate.value_or(nmf_sae && !o.learning_rate ? 5e-4 : lr)};
  to.on_epoch = o.on_epoch;
  const MatrixF y_train = Columns(y, split.train);

  MatrixF x;
  std::optional<MatrixF> decoder, fcls_a0;
  if (nmf_sae) TrainNmfSae(o, y, y_train, a0, to, out, x, decoder, fcls_a0);
  else if (mnn) TrainUnrolled<MnnFamily>(info, o, gt, y, y_train, a0, to, out, x, decoder);
  else TrainUnrolled<AdmmFamily>(info, o, gt, y, y_train, a0, to, out, x, decoder);
  out.reports.push_back(out.training->BriefReport());

  const double t_apply = out.timings["inference"];
  out.details["inference_pixels_per_second"] = t_apply > 0 ? static_cast<double>(n) / t_apply : 0.0;
  out.details["train_pixels"] = n_train;
  out.details["epochs"] = to.epochs;
  out.details["learning_rates"] = to.adam.group_learning_rates;
  out.details["training"] = {{"epochs_run", out.training->epochs_run},
                             {"best_epoch", out.training->best_epoch},
                             {"initial_loss", out.training->initial_loss},
                             {"best_loss", out.training->best_loss},
                             {"diverged", out.training->diverged},
                             {"stop_reason", out.training->stop_reason},
                             {"seconds_per_epoch", out.training->epochs_run > 0
                                                       ? out.timings["train"] / out.training->epochs_run
                                                       : 0.0}};

  // Keep the better of the result and its start by an unsupervised criterion (BlindFitOf).
  bool kept_start = false;
  std::optional<MatrixF> trained_decoder;  // the network's own, for model.json
  if (!info.supervised && decoder && o.KeepBetter()) {
    const Stopwatch tg;
    BlindFit start = BlindFitOf(a0, y);
    const BlindFit trained = BlindFitOf(*decoder, y);
    kept_start = trained.rmse > start.rmse;
    out.details["keep_better"] = {{"criterion", "scaled-fit RMSE: |Y - E C| over all valid pixels, C = NNLS(E, Y)"},
                                  {"start", start.rmse},
                                  {"trained", trained.rmse},
                                  {"kept", kept_start ? "start" : "trained"}};
    if (kept_start) {
      out.reports.push_back(fmt::format(
          "{} ended worse than its start by its unsupervised criterion (scaled-fit RMSE {:.6g} > {:.6g}): the "
          "results are the start's endmembers with scaled-simplex abundances; model.json holds the trained network",
          o.method, trained.rmse, start.rmse));
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
    out.init_abundances = Scatter(fcls_a0 ? *fcls_a0 : Fcls<float>(a0, y).abundances, scene, valid);
  }
  nets::Model& m = *out.model;
  m.architecture = o.method;
  m.bands = p;
  m.endmembers = r;
  m.wavelengths = scene.wavelengths;
  if (trained_decoder) m.tensors["decoder.A"] = *trained_decoder;
  else if (decoder) m.tensors["decoder.A"] = *decoder;
  m.training = out.details["training"];
  m.training["loss_history"] = out.training->loss_history;
  out.timings["total"] = t0.seconds();
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
  if (a.rfind("mnn-", 0) == 0) return nets::ApplyMnnEncoder(internal::MnnEncoderFromModel(model), pixels);
  if (a == "nmf-sae") {
    // The encoder needs only W1, theta and the endmembers of its residual term; the network is
    // built on a one-pixel placeholder scene and its weights replaced by the model's.
    const MatrixF& ae = model.Tensor("encoder.A", model.bands, model.endmembers);
    nets::NmfSaeOptions no;
    no.layers = internal::LayerCount(model, "layers", 2);
    no.norm_epsilon = internal::NormEpsilon(model);
    const MatrixF s1 = MatrixF::Constant(model.endmembers, 1, 1.0f / static_cast<float>(model.endmembers));
    nets::NmfSae<float> net(ae, s1, ae * s1, no);
    net.w1() = model.Tensor("encoder.W1", model.endmembers, model.bands);
    net.theta() = model.Tensor("encoder.theta", model.endmembers, 1);
    const MatrixF start = Fcls<float>(ae, pixels).abundances;
    return nets::NmfSaeEncode(net, pixels, start, nets::EncoderEndmembers::kInitial);
  }
  throw InputError(model.source, "architecture", fmt::format("unknown architecture '{}'", a));
}

Abundances ApplyModel(const nets::Model& model, const Scene& scene) {
  Abundances a = internal::Scatter(ApplyModel(model, scene.valid_data()), scene, scene.valid_indices());
  a.names = model.endmember_names;
  return a;
}

}  // namespace unmix
