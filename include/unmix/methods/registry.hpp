#pragma once
// The methods unmix knows: one registration each (src/methods/<kind>/<name>.cpp), listed in
// one place (src/methods/registry.cpp). Everything that offers a choice of method (the CLI's
// run/train/apply, the demo, the experiments, the benchmarks, the bindings) lists them from
// here and runs them through RunMethod / ApplyModel (unmix/pipeline/run.hpp); nothing else
// tells methods apart by name. docs/design.md, "Adding a method", says how to add one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "unmix/core/types.hpp"
#include "unmix/pipeline/options.hpp"

namespace unmix {

enum class MethodKind {
  kExtractor,  // endmembers by a geometric extractor, then abundances by a solver (vca-fcls)
  kAbundance,  // abundances for endmembers given with the ground truth (fcls, sunsal)
  kBlind,      // endmembers and abundances by an iterative factorisation from a start (l1-nmf)
  kNetwork,    // a trained unrolled network; its model (model.json) is reused by ApplyModel
};
std::string_view Name(MethodKind kind);  // "extractor", "abundance", "blind", "network"

// What an unset RunOptions field becomes for a method; nullopt: the method does not use it.
struct MethodDefaults {
  std::optional<double> lambda = std::nullopt;   // l1 weight (data units); ADMM networks: by preset (nullopt here)
  std::optional<int> iterations = std::nullopt;  // iteration cap
  std::optional<int> epochs = std::nullopt;      // training epochs (or full-batch iterations)
  std::optional<double> learning_rate = std::nullopt;  // Adam, every parameter group
  // The decoder's when neither --decoder-lr nor --lr is given; nullopt: the learning rate.
  std::optional<double> decoder_learning_rate = std::nullopt;
  bool full_batch = false;  // trains on every training pixel at once (ignores RunOptions::batch)
  // Blind networks: the training pixels when RunOptions::train_pixels is 0; nullopt: all.
  std::optional<Index> train_pixels = std::nullopt;
};

struct MethodInfo {
  std::string name;         // "vca-fcls", "bunet2", ...
  std::string description;  // one line, for help texts
  MethodKind kind = MethodKind::kExtractor;
  // Uses the ground truth as input (abundances to train on, or known endmembers); scored on the
  // held-out pixels of the supervised split.
  bool supervised = false;
  MethodDefaults defaults = {};

  bool network() const { return kind == MethodKind::kNetwork; }
  // Estimates endmembers from the scene alone.
  bool blind() const { return !supervised && kind != MethodKind::kAbundance; }
  // Refines a start (RunOptions::init): networks and iterative factorisations.
  bool has_start() const { return kind == MethodKind::kNetwork || kind == MethodKind::kBlind; }
};

// Every registered method, in the order help texts list them.
const std::vector<MethodInfo>& Methods();
std::vector<std::string> MethodNames();
// The method called `name`, or null.
const MethodInfo* FindMethod(std::string_view name);
// The method called `name`; throws OptionError naming it and every known method.
const MethodInfo& GetMethod(std::string_view name);

// The start a method refines, as RunMethod resolves RunOptions::init "auto": supervised
// networks the ground truth's endmembers when it has them (else VCA), blind networks
// spatial-purity with preset "unmix" (else VCA), blind factorisations VCA. Other methods:
// returned unchanged.
Init ResolveInit(const MethodInfo& method, const RunOptions& options, bool ground_truth_has_endmembers);

}  // namespace unmix
