#pragma once
// What a run of one method takes (RunOptions) and gives back (RunResult).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "unmix/core/record.hpp"
#include "unmix/core/scene.hpp"
#include "unmix/nets/losses.hpp"
#include "unmix/nets/model.hpp"
#include "unmix/pipeline/choices.hpp"
#include "unmix/train/trainer.hpp"

namespace unmix {

struct RunOptions {
  std::string method = "vca-fcls";  // a registered method (unmix/methods/registry.hpp)
  Index endmembers = 0;             // r, >= 1
  std::uint64_t seed = 0;
  int threads = 0;  // 0: all cores
  // Unset values below take the method's default (MethodInfo::defaults in
  // unmix/methods/registry.hpp; `unmix run --help` lists them per method).
  // l1 weight of SUnSAL (vca-sunsal, sunsal), L1-NMF, NMF-SAE, MNN and the ADMM networks'
  // initialisation (data units).
  std::optional<double> lambda;
  std::optional<double> mu;       // ADMM networks: initial penalty mu (data units); unset: the preset's
  std::optional<int> iterations;  // L1-NMF iteration cap

  // Networks.
  int layers = 2;
  std::optional<int> epochs;
  Index batch = 64;  // 0: full batch (methods with defaults.full_batch ignore it)
  std::optional<double> learning_rate;
  std::optional<double> decoder_learning_rate;
  // NMF-SAE abundances of the scene, both from an FCLS start: "initial" runs the trained
  // encoder as trained (with the VCA start A0 in its residual term), "learned" substitutes the
  // learned endmembers A_K. Default "initial": on the 25 dB synthetic scene it gives abundance
  // RMSE 0.054 against 0.084 for "learned" (docs/networks.md).
  NmfInference nmf_inference = NmfInference::kInitial;
  // Training pixels: a seeded random subset of the valid pixels. 0: supervised methods take
  // min(1000, half the valid pixels) and are scored on the rest; blind networks take
  // min(defaults.train_pixels, N) (0: all) and encode the rest.
  Index train_pixels = 0;
  // "unmix" (default): the authors' ADMM networks, and for every blind network the project's
  // start (spatial-purity) and the keep-the-better guard (keep_better). "authors": the public
  // code's ADMM settings with the papers' blind setting (VCA start, no guard). "paper": the
  // equations as printed (ADMM lambda, mu, layer count, decoder bounds), VCA start, no guard.
  // The blind levers (mixing, anchor) are off unless asked for in every preset.
  Preset preset = Preset::kUnmix;
  // ADMM nets: x-updates that also impose 1^T x = 1 (nets::AdmmNetOptions::sum_to_one). Off:
  // the papers' updates.
  bool sum_to_one = false;
  // ADMM nets: choose the initial penalty mu by the untrained network's training loss over a
  // log grid (SelectMu, src/methods/network/unrolled.cpp) instead of the preset's rule. Excludes `mu`.
  bool mu_auto = false;
  // Blind ADMM and MNN networks: "mse" (squared reconstruction error, the papers') or "angle"
  // (mean spectral angle between each pixel and its reconstruction; blind to brightness).
  ReconstructionLoss reconstruction_loss = ReconstructionLoss::kMse;
  // Blind ADMM and MNN networks: decoder "linear" (the papers') or "scaled" (each pixel s_j A x_j
  // with its least-squares scale s_j; nets::AutoencoderNet::SetScaledMixing). Squared error only.
  // Unset: "scaled" with preset "unmix" and the squared-error loss, else "linear".
  std::optional<unmix::Mixing> mixing;
  // Blind networks (ADMM, MNN, NMF-SAE): weight of the stay-near-start penalty on the
  // endmembers, weight * mean((A - A0)^2), in the units of the reconstruction error; 0 = off.
  // Unset: kUnmixAnchor with preset "unmix", else 0.
  std::optional<double> anchor;
  static constexpr double kUnmixAnchor = 1.0;
  // Blind networks: after training, compare the result with its start by the unsupervised
  // criterion BlindFitOf (src/pipeline/internal.hpp) and keep the better one (details.keep_better in
  // run.json). Unset: on for preset "unmix", off for "authors" and "paper".
  std::optional<bool> keep_better;
  // Blind networks: which weights training ends with. "loss": the lowest training loss (the
  // trainer's keep_best); "fit": the lowest scaled-fit RMSE (the guard's criterion) of the
  // endmembers, evaluated on a fixed subset of at most 2000 pixels at the start and every
  // max(1, epochs / 100) epochs: early stopping by an unsupervised criterion.
  unmix::Select select = Select::kLoss;
  nets::CompositeLossWeights loss;  // supervised loss weights (eq. (13))
  // Initial endmembers. Supervised networks: "gt" (the ground truth's), "vca", or "auto" (gt
  // when the ground truth has endmembers). Blind networks and L1-NMF: "vca" (the papers'
  // start), "nfindr", "spatial-nfindr", "spatial-purity", "best" (the lowest FCLS
  // reconstruction error among N-FINDR and ten VCA runs; internal::BlindStart) or "auto":
  // spatial-purity for blind networks with preset "unmix", VCA otherwise (and for L1-NMF).
  Init init = Init::kAuto;
  // "spatial-purity" (method and start): the exponent q of the purity weights x^q with which
  // each spatial N-FINDR endmember is re-estimated (purity::Options, purity_mean.hpp).
  double purity_exponent = 32;
  int patience = 0;  // early stopping; 0 = off
  // Supervised training data: "none" (the training pixels as given, the papers' setting) or
  // "residuals" (every batch pixel rebuilt as A_fit x + a random training residual, see
  // nets::SupervisedNet::EnableResidualResampling).
  Augment augment = Augment::kNone;
  std::function<void(const train::EpochReport&)> on_epoch;  // training progress
  bool IsValid(std::string* why) const;
  // Blind networks: whether the keep-the-better guard runs (keep_better, else the preset's).
  bool KeepBetter() const { return keep_better.value_or(preset == Preset::kUnmix); }
  unmix::Mixing Mixing() const {
    return mixing.value_or(preset == Preset::kUnmix && reconstruction_loss == ReconstructionLoss::kMse
                               ? unmix::Mixing::kScaled
                               : unmix::Mixing::kLinear);
  }
  double Anchor() const { return anchor.value_or(preset == Preset::kUnmix ? kUnmixAnchor : 0.0); }
};

struct RunResult {
  std::string method;
  Endmembers endmembers;  // p x r
  Abundances abundances;  // r x N at the scene's shape; invalid pixels hold 0
  // The start a method refined (e.g. L1-NMF's VCA + FCLS), to score beside the result.
  std::optional<Endmembers> init_endmembers;
  std::optional<Abundances> init_abundances;
  std::map<std::string, double> timings;  // seconds: "extract", "abundances", "total", ...
  Record details;                         // each stage's summary (iterations, residuals, ...)
  std::vector<std::string> reports;       // each stage's BriefReport()
  std::optional<nets::Model> model;       // trained networks
  std::optional<train::TrainSummary> training;
  std::vector<Index> train_pixels;  // scene pixel indices used for training (networks)
  std::vector<Index> test_pixels;   // supervised: the pixels to score on (the rest)
};

}  // namespace unmix
