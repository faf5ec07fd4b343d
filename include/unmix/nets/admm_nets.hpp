#pragma once
// U-ADMM-AENet-I/II (supervised abundance estimation) and U-ADMM-BUNet-I/II (blind unmixing),
// u-admm-nets.txt sections III and IV, as objectives for train::Train.
//
// Two initialisation presets (AdmmPreset):
//  * kAuthorsCode (default): what the authors' public code does. lambda0 = 0.1 with the SUnSAL
//    scaling of A by norm_m = |A|_F (25 + p) / p; in the units of the unscaled data this is
//    lambda = lambda0 and mu = 10 lambda0 + 0.01 norm_m^2 (scaled: lambda0 / norm_m^2 and
//    10 lambda + 0.01); "K layers" means K + 1 x/z updates and K d updates; decoder weights
//    clipped to [1e-6, 1] after each step. It is the default because the paper leaves lambda and
//    mu open and this is the setting its reported numbers come from.
//  * kPaper: the equations as printed. K layers = K updates; decoder kept >= 0; lambda and mu
//    as given in AdmmNetOptions (defaults: lambda = 1e-3, mu = largest eigenvalue of A^T A,
//    the bound the paper suggests).
// Both: theta = lambda / mu and eta = 1 in every layer (eq. (8)), output normalised with 1e-8
// added to the sum.
#include <optional>
#include <span>
#include <string>

#include "unmix/nets/admm_encoder.hpp"
#include "unmix/nets/encoder_nets.hpp"
#include "unmix/nets/losses.hpp"
#include "unmix/train/trainer.hpp"

namespace unmix::nets {

enum class AdmmPreset { kAuthorsCode, kPaper };

struct AdmmNetOptions {
  int layers = 2;     // K, counted per `preset`'s convention
  bool tied = false;  // -I (true) or -II (false)
  AdmmPreset preset = AdmmPreset::kAuthorsCode;
  std::optional<double> lambda;  // overrides the preset's lambda
  std::optional<double> mu;      // overrides the preset's mu
  double lambda0 = 0.1;          // authors' preset: lambda before scaling
  double norm_epsilon = 1e-8;
  // Sum-to-one updates (AdmmEncoder): every x-step also imposes 1^T x = 1, so the untrained
  // encoder is ADMM for FCLS rather than for the nonnegative lasso. Off: the papers' network.
  bool sum_to_one = false;
  // Decoder (BUNet) projection after each step: [decoder_min, decoder_max].
  // Authors' preset: [1e-6, 1]; paper: [0, inf).
  std::optional<double> decoder_min, decoder_max;
  bool IsValid(std::string* why) const;

  int updates() const {
    return AdmmUpdates(layers, preset == AdmmPreset::kPaper ? LayerConvention::kPaper : LayerConvention::kAuthorsCode);
  }
};

// The lambda and mu the options give for endmembers A (p x r).
struct AdmmInitValues {
  double lambda = 0, mu = 0;
};
AdmmInitValues ResolveAdmmInit(const AdmmNetOptions& options, const MatrixD& endmembers);

// Builds an encoder initialised from A by eq. (8).
template <typename T>
AdmmEncoder<T> MakeAdmmEncoder(const AdmmNetOptions& options, const MatrixD& endmembers);

// Supervised (AENet): training pixels Y (p x N) with their abundances X (r x N).
template <typename T>
using AdmmAENet = SupervisedNet<AdmmEncoder<T>>;

// Blind (BUNet): the encoder plus a linear decoder A~ (p x r) kept in [decoder_min, decoder_max].
template <typename T>
using AdmmBUNet = AutoencoderNet<AdmmEncoder<T>>;

// A trained encoder is applied to pixels (p x N) by ApplyEncoder (encoder_nets.hpp).

}  // namespace unmix::nets
