#pragma once
// The named choices of a run (RunOptions): typed enums, each with one table of its names.
// Text is parsed once, at the edge (the CLI's options, a model file), by Parse<E>, whose error
// names the option, the value and every choice; inside the library only the enums travel.
#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "unmix/core/error.hpp"

namespace unmix {

// Settings of the networks: "unmix" (the authors' ADMM settings, and for every blind network
// the project's start and the keep-the-better guard), "authors" (the public code's settings,
// the papers' VCA start, no guard), "paper" (the equations as printed, VCA start, no guard).
enum class Preset { kUnmix, kAuthors, kPaper };
// Initial endmembers (RunOptions::init).
enum class Init { kAuto, kGroundTruth, kVca, kNFindr, kSpatialNFindr, kSpatialPurity, kBest };
// Supervised training data: the pixels as given, or rebuilt with resampled residuals.
enum class Augment { kNone, kResiduals };
// Reconstruction loss of the blind ADMM and MNN networks.
enum class ReconstructionLoss { kMse, kAngle };
// Decoder of the blind ADMM and MNN networks: A x, or s A x with a least-squares scale s.
enum class Mixing { kLinear, kScaled };
// Which endmembers NMF-SAE's encoder uses for the scene's abundances: A0 or the learned A_K.
enum class NmfInference { kInitial, kLearned };
// Which weights training ends with: the lowest loss, or the lowest unsupervised fit.
enum class Select { kLoss, kFit };

// The names of each choice, in the order help texts list them.
template <typename E>
struct Choices;

#define UNMIX_CHOICES(E, OPTION, ...)                                                           \
  template <>                                                                                   \
  struct Choices<E> {                                                                           \
    static constexpr std::string_view option = OPTION;                                          \
    static constexpr auto items = std::to_array<std::pair<E, std::string_view>>({__VA_ARGS__}); \
  };
UNMIX_CHOICES(Preset, "preset", {Preset::kUnmix, "unmix"}, {Preset::kAuthors, "authors"}, {Preset::kPaper, "paper"})
UNMIX_CHOICES(Init, "init", {Init::kAuto, "auto"}, {Init::kGroundTruth, "gt"}, {Init::kVca, "vca"},
              {Init::kNFindr, "nfindr"}, {Init::kSpatialNFindr, "spatial-nfindr"},
              {Init::kSpatialPurity, "spatial-purity"}, {Init::kBest, "best"})
UNMIX_CHOICES(Augment, "augment", {Augment::kNone, "none"}, {Augment::kResiduals, "residuals"})
UNMIX_CHOICES(ReconstructionLoss, "recon-loss", {ReconstructionLoss::kMse, "mse"},
              {ReconstructionLoss::kAngle, "angle"})
UNMIX_CHOICES(Mixing, "mixing", {Mixing::kLinear, "linear"}, {Mixing::kScaled, "scaled"})
UNMIX_CHOICES(NmfInference, "nmf-inference", {NmfInference::kInitial, "initial"}, {NmfInference::kLearned, "learned"})
UNMIX_CHOICES(Select, "select", {Select::kLoss, "loss"}, {Select::kFit, "fit"})
#undef UNMIX_CHOICES

// The name of a choice ("unmix" for Preset::kUnmix).
template <typename E>
constexpr std::string_view Name(E value) {
  for (const auto& [v, name] : Choices<E>::items)
    if (v == value) return name;
  return "?";
}

// "a, b or c": every name of E.
template <typename E>
std::string ChoiceList() {
  std::string s;
  const auto& items = Choices<E>::items;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) s += i + 1 == items.size() ? " or " : ", ";
    s += items[i].second;
  }
  return s;
}

// The choice named `text`. Throws OptionError naming the option, the value and the choices:
// "--preset: expected unmix, authors or paper, got 'x'".
template <typename E>
E Parse(std::string_view text) {
  for (const auto& [v, name] : Choices<E>::items)
    if (name == text) return v;
  throw OptionError("--" + std::string(Choices<E>::option) + ": expected " + ChoiceList<E>() + ", got '" +
                    std::string(text) + "'");
}

}  // namespace unmix
