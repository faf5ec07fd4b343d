#pragma once
// One entry point for every unmixing method, so the CLI, the demo and the experiments run
// methods the same way: invalid pixels are left out, results come back at full scene size.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "unmix/core/scene.hpp"
#include "unmix/nets/losses.hpp"
#include "unmix/nets/model_file.hpp"
#include "unmix/train/trainer.hpp"

namespace unmix {

struct RunOptions {
  std::string method = "vca-fcls";  // see MethodNames()
  Index endmembers = 0;              // r, >= 1
  std::uint64_t seed = 0;
  int threads = 0;                   // 0: all cores
  // l1 weight of SUnSAL (vca-sunsal, sunsal), L1-NMF, NMF-SAE, MNN and the ADMM networks'
  // initialisation (data units); unset: each method's default.
  std::optional<double> lambda;
  std::optional<double> mu;          // ADMM networks: initial penalty mu (data units); unset: the preset's
  std::optional<int> iterations;     // L1-NMF iteration cap; unset: its default

  // Networks (u-admm-nets.txt section VI defaults).
  // Unset values take the method's default: ADMM and MNN networks 300 epochs, batch 64,
  // lr 1e-4 (u-admm-nets.txt VI); NMF-SAE 1000 full-batch iterations, encoder lr 1e-4,
  // decoder lr 5e-4 (nmf-sae.txt 3.1).
  int layers = 2;
  std::optional<int> epochs;
  Index batch = 64;                  // 0: full batch (NMF-SAE is always full batch)
  std::optional<double> learning_rate;
  std::optional<double> decoder_learning_rate;
  // NMF-SAE abundances of the scene, both from an FCLS start: "initial" runs the trained
  // encoder as trained (with the VCA start A0 in its residual term), "learned" substitutes the
  // learned endmembers A_K. Default "initial": on the 25 dB synthetic scene it gives abundance
  // RMSE 0.054 against 0.084 for "learned" (docs/networks.md).
  std::string nmf_inference = "initial";
  // Training pixels: a seeded random subset of the valid pixels. 0: supervised methods take
  // min(1000, half the valid pixels) and are scored on the rest; NMF-SAE trains on
  // min(1000, N) (its paper's setting) and encodes the rest; other blind networks train on all.
  Index train_pixels = 0;
  // "unmix" (default): the authors' ADMM networks, and for every blind network the project's
  // start (spatial-purity) and the keep-the-better guard (keep_better). "authors": the public
  // code's ADMM settings with the papers' blind setting (VCA start, no guard). "paper": the
  // equations as printed (ADMM lambda, mu, layer count, decoder bounds), VCA start, no guard.
  // The blind levers (mixing, anchor) are off unless asked for in every preset.
  std::string preset = "unmix";
  // ADMM nets: x-updates that also impose 1^T x = 1 (nets::AdmmNetOptions::sum_to_one). Off:
  // the papers' updates.
  bool sum_to_one = false;
  // ADMM nets: choose the initial penalty mu by the untrained network's training loss over a
  // log grid (see SelectMu in run_networks.cpp) instead of the preset's rule. Excludes `mu`.
  bool mu_auto = false;
  // Blind ADMM and MNN networks: "mse" (squared reconstruction error, the papers') or "angle"
  // (mean spectral angle between each pixel and its reconstruction; blind to brightness).
  std::string reconstruction_loss = "mse";
  // Blind ADMM and MNN networks: decoder "linear" (the papers') or "scaled" (each pixel s_j A x_j
  // with its least-squares scale s_j; nets::AutoencoderNet::SetScaledMixing). Squared error only.
  // Unset: "scaled" with preset "unmix" and the squared-error loss, else "linear".
  std::optional<std::string> mixing;
  // Blind networks (ADMM, MNN, NMF-SAE): weight of the stay-near-start penalty on the
  // endmembers, weight * mean((A - A0)^2), in the units of the reconstruction error; 0 = off.
  // Unset: kUnmixAnchor with preset "unmix", else 0.
  std::optional<double> anchor;
  static constexpr double kUnmixAnchor = 1.0;
  // Blind networks: after training, compare the result with its start by the unsupervised
  // criterion BlindFitRmse (internal.hpp) and keep the better one (details.keep_better in
  // run.json). Unset: on for preset "unmix", off for "authors" and "paper".
  std::optional<bool> keep_better;
  // Blind networks: which weights training ends with. "loss": the lowest training loss (the
  // trainer's keep_best); "fit": the lowest scaled-fit RMSE (the guard's criterion) of the
  // endmembers, evaluated on a fixed subset of at most 2000 pixels at the start and every
  // max(1, epochs / 100) epochs: early stopping by an unsupervised criterion.
  std::string select = "loss";
  nets::CompositeLossWeights loss;   // supervised loss weights (eq. (13))
  // Initial endmembers. Supervised networks: "gt" (the ground truth's), "vca", or "auto" (gt
  // when the ground truth has endmembers). Blind networks and L1-NMF: "vca" (the papers'
  // start), "nfindr", "spatial-nfindr", "spatial-purity", "best" (the lowest FCLS
  // reconstruction error among N-FINDR and ten VCA runs; internal::BlindStart) or "auto":
  // spatial-purity for blind networks with preset "unmix", VCA otherwise (and for L1-NMF).
  std::string init = "auto";
  // "spatial-purity" (method and start): the exponent q of the purity weights x^q with which
  // each spatial N-FINDR endmember is re-estimated (purity::Options, purity_mean.hpp).
  double purity_exponent = 32;
  int patience = 0;                  // early stopping; 0 = off
  // Supervised training data: "none" (the training pixels as given, the papers' setting) or
  // "residuals" (every batch pixel rebuilt as A_fit x + a random training residual, see
  // nets::SupervisedNet::EnableResidualResampling).
  std::string augment = "none";
  std::function<void(const train::EpochReport&)> on_epoch;  // training progress
  bool IsValid(std::string* why) const;
  // Blind networks: whether the keep-the-better guard runs (keep_better, else the preset's).
  bool KeepBetter() const { return keep_better.value_or(preset == "unmix"); }
  std::string Mixing() const {
    return mixing.value_or(preset == "unmix" && reconstruction_loss == "mse" ? "scaled" : "linear");
  }
  double Anchor() const { return anchor.value_or(preset == "unmix" ? kUnmixAnchor : 0.0); }
};

struct MethodInfo {
  std::string name;
  std::string description;
  bool blind = true;       // estimates endmembers
  bool network = false;    // trained; produces a model file
  // Uses the ground truth as input (abundances to train on, or known endmembers); scored on the
  // held-out pixels of the supervised split.
  bool supervised = false;
};
const std::vector<MethodInfo>& Methods();
std::vector<std::string> MethodNames();
// The method called `name`, or null.
const MethodInfo* FindMethod(const std::string& name);

struct RunResult {
  std::string method;
  Endmembers endmembers;   // p x r
  Abundances abundances;   // r x N at the scene's shape; invalid pixels hold 0
  // The start a method refined (e.g. L1-NMF's VCA + FCLS), to score beside the result.
  std::optional<Endmembers> init_endmembers;
  std::optional<Abundances> init_abundances;
  std::map<std::string, double> timings;  // seconds: "extract", "abundances", "total", ...
  nlohmann::json details;                 // each stage's summary (iterations, residuals, ...)
  std::vector<std::string> reports;       // each stage's BriefReport()
  std::optional<nets::Model> model;       // trained networks
  std::optional<train::TrainSummary> training;
  std::vector<Index> train_pixels;        // scene pixel indices used for training (networks)
  std::vector<Index> test_pixels;         // supervised: the pixels to score on (the rest)
};

// Runs `options.method` on the valid pixels of `scene`. Supervised methods need `ground_truth`
// with abundances (and use its endmembers to initialise when present). Throws OptionError for
// an unknown method or invalid options, InputError for unusable data.
RunResult RunMethod(const Scene& scene, const RunOptions& options, const GroundTruth* ground_truth = nullptr);

// Abundances (r x N) of `pixels` (p x N) from a trained model. Throws InputError when the band
// count differs from the model's.
MatrixF ApplyModel(const nets::Model& model, const MatrixF& pixels);
// The same over the valid pixels of `scene`, at the scene's shape (invalid pixels hold 0).
Abundances ApplyModel(const nets::Model& model, const Scene& scene);

}  // namespace unmix
