// The unrolled ADMM and MNN networks' shared training flow (supervised AENet, blind BUNet),
// the `--select fit` weight selection and the readers of their saved encoders.
#include "methods/network/unrolled.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "pipeline/internal.hpp"
#include "unmix/core/error.hpp"
#include "unmix/nets/admm_nets.hpp"
#include "unmix/nets/mnn.hpp"

namespace unmix::internal {
int LayerCount(const nets::Model& m, const char* key, std::optional<int> fallback) {
  const auto& h = Json(m.hyperparameters);
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
  const auto& h = Json(m.hyperparameters);
  if (!h.contains("norm_epsilon")) return 1e-8;
  const auto& v = h["norm_epsilon"];
  if (!v.is_number() || !(v.get<double>() >= 0) || !std::isfinite(v.get<double>()))
    throw InputError(m.source, "hyperparameters.norm_epsilon", "expected a finite number >= 0, got " + v.dump());
  return v.get<double>();
}

namespace {

bool TiedFlag(const nets::Model& m) {
  const auto& v = Json(m.hyperparameters)["tied"];
  if (!v.is_boolean()) throw InputError(m.source, "hyperparameters.tied", "expected true or false, got " + v.dump());
  return v.get<bool>();
}

nets::AdmmEncoder<float> AdmmEncoderFromModel(const nets::Model& m) {
  const auto& h = Json(m.hyperparameters);
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

nets::MnnEncoder<float> MnnEncoderFromModel(const nets::Model& m) {
  const auto& h = Json(m.hyperparameters);
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

namespace {

// What differs between the ADMM and MNN families; the training flow is shared.
struct AdmmFamily {
  using Encoder = nets::AdmmEncoder<float>;
  using AENet = nets::AdmmAENet<float>;
  using BUNet = nets::AdmmBUNet<float>;
  static Encoder Make(const RunOptions& o, bool tied, const MatrixD& a0, nlohmann::json& hyper, double& lo, double& hi,
                      double data_max) {
    nets::AdmmNetOptions ao;
    ao.layers = o.layers;
    ao.tied = tied;
    ao.preset = o.preset == Preset::kPaper ? nets::AdmmPreset::kPaper : nets::AdmmPreset::kAuthorsCode;
    ao.lambda = o.lambda;
    ao.mu = o.mu;
    ao.sum_to_one = o.sum_to_one;
    const auto init = nets::ResolveAdmmInit(ao, a0);
    Encoder enc = nets::MakeAdmmEncoder<float>(ao, a0);
    lo = ao.preset == nets::AdmmPreset::kPaper ? 0.0 : 1e-6;
    // The authors clip at 1 (reflectance); scenes in other units keep their own range.
    hi = ao.preset == nets::AdmmPreset::kPaper ? std::numeric_limits<double>::infinity() : std::max(1.0, data_max);
    hyper = {{"layers", ao.layers},
             {"updates", enc.updates()},
             {"tied", enc.tied()},
             {"preset", std::string(Name(o.preset))},
             {"init_lambda", init.lambda},
             {"init_mu", init.mu},
             {"norm_epsilon", enc.norm_epsilon()},
             {"sum_to_one", enc.sum_to_one()}};
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
  static Encoder Make(const RunOptions& o, bool tied, const MatrixD& a0, nlohmann::json& hyper, double& lo, double& hi,
                      double) {
    nets::MnnNetOptions mo;
    mo.layers = o.layers;
    mo.tied = tied;
    if (o.lambda) mo.lambda = *o.lambda;
    Encoder enc = nets::MakeMnnEncoder<float>(mo, a0);
    lo = mo.decoder_min;
    hi = mo.decoder_max;
    hyper = {{"layers", mo.layers},
             {"tied", mo.tied},
             {"threshold", "scalar"},
             {"init_lambda", mo.lambda},
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
double SelectMu(const RunOptions& o, bool tied, const MatrixD& a0, double data_max, const train::TrainOptions& to,
                MakeNet make_net, RunResult& out) {
  const double scale = (a0.transpose() * a0).trace() / static_cast<double>(a0.cols());
  nlohmann::json grid = nlohmann::json::array(), losses = nlohmann::json::array();
  double best_mu = scale, best_loss = std::numeric_limits<double>::infinity();
  for (int k = -24; k <= 0; ++k) {
    RunOptions trial = o;
    trial.mu = scale * std::exp2(0.5 * k);
    nlohmann::json hyper;
    double lo = 0, hi = 0;
    auto encoder = Family::Make(trial, tied, a0, hyper, lo, hi, data_max);  // sets lo, hi
    auto net = make_net(std::move(encoder), lo, hi);
    const double loss = train::EvaluateLoss(net, to.batch_size);
    grid.push_back(*trial.mu);
    losses.push_back(std::isfinite(loss) ? nlohmann::json(loss) : nlohmann::json(nullptr));
    if (loss < best_loss) best_loss = loss, best_mu = *trial.mu;
  }
  Json(out.details)["mu_search"] = {{"mu", grid}, {"initial_loss", losses}, {"chosen", best_mu}};
  return best_mu;
}

template <typename Family>
NetworkOutcome TrainUnrolled(const NetworkJob& job, bool tied, RunResult& out) {
  const MethodInfo& info = job.info;
  const GroundTruth* gt = job.in.gt;
  const MatrixF& y = job.in.pixels;
  const MatrixF& y_train = job.train_pixels;
  const MatrixF& a0 = job.a0;
  const train::TrainOptions& to = job.train_options;
  NetworkOutcome result;
  RunOptions o = job.in.options;
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
    if (o.reconstruction_loss == ReconstructionLoss::kAngle) net.SetLoss(Family::BUNet::Loss::kSpectralAngle);
    net.SetScaledMixing(o.Mixing() == Mixing::kScaled);
    net.SetAnchor(net.decoder(), o.Anchor());  // the decoder as projected at the start
    return net;
  };
  const Stopwatch t;
  if constexpr (std::is_same_v<Family, AdmmFamily>) {
    if (o.mu_auto) {
      if (info.supervised)
        o.mu = SelectMu<Family>(
            o, tied, a0.cast<double>(), data_max, to,
            [&](auto enc, double, double) { return typename Family::AENet(std::move(enc), y_train, x_train, o.loss); },
            out);
      else
        o.mu = SelectMu<Family>(o, tied, a0.cast<double>(), data_max, to, make_bunet, out);
    }
  }
  nlohmann::json hyper;
  double lo = 0, hi = 0;
  typename Family::Encoder encoder = Family::Make(o, tied, a0.cast<double>(), hyper, lo, hi, data_max);
  if (info.supervised) {
    typename Family::AENet net(std::move(encoder), y_train, std::move(x_train), o.loss);
    if (o.augment == Augment::kResiduals) net.EnableResidualResampling(o.seed);
    out.training = train::Train(net, to);
    encoder = std::move(net.encoder());
  } else {
    auto net = make_bunet(std::move(encoder), lo, hi);
    hyper["reconstruction_loss"] = std::string(Name(o.reconstruction_loss));
    hyper["mixing"] = std::string(Name(o.Mixing()));
    hyper["anchor"] = o.Anchor();
    out.training = TrainSelected(
        net, o, y, to, [&] { return net.decoder(); }, out);
    encoder = std::move(net.encoder());
    result.decoder = net.decoder();
    Json(out.details)["decoder_bounds"] = {lo, std::isfinite(hi) ? nlohmann::json(hi) : nlohmann::json("inf")};
  }
  out.timings["train"] = t.seconds();
  const Stopwatch ti;
  result.abundances = Family::Apply(encoder, y);
  out.timings["inference"] = ti.seconds();
  out.model = nets::Model{};
  Json(out.model->hyperparameters) = hyper;
  Family::Save(encoder, *out.model);
  return result;
}

}  // namespace

NetworkOutcome TrainAdmm(const NetworkJob& job, bool tied, RunResult& out) {
  return TrainUnrolled<AdmmFamily>(job, tied, out);
}
NetworkOutcome TrainMnn(const NetworkJob& job, bool tied, RunResult& out) {
  return TrainUnrolled<MnnFamily>(job, tied, out);
}

MatrixF ApplyAdmm(const nets::Model& model, const MatrixF& pixels) {
  return nets::ApplyEncoder(AdmmEncoderFromModel(model), pixels);
}
MatrixF ApplyMnn(const nets::Model& model, const MatrixF& pixels) {
  return nets::ApplyMnnEncoder(MnnEncoderFromModel(model), pixels);
}

}  // namespace unmix::internal
