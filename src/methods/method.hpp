#pragma once
// A method's registration: what it is (MethodInfo) and how to run, train and apply it. Each
// method defines one in its own file under src/methods/<kind>/ and adds one line to the list in
// src/methods/registry.cpp. RunMethod and ApplyModel (src/pipeline/) call only these.
#include <optional>
#include <string_view>
#include <vector>

#include "core/record_json.hpp"
#include "unmix/methods/registry.hpp"
#include "unmix/train/trainer.hpp"

namespace unmix::internal {

// What every method gets: the scene, its valid pixels (p x n, in scene order `valid`), the
// options (with init resolved) and the ground truth when one was given.
struct MethodInput {
  const Scene& scene;
  const MatrixF& pixels;
  const std::vector<Index>& valid;
  const RunOptions& options;
  const GroundTruth* gt;
};

// A network's training job, prepared by RunNetwork: the start a0 (p x r), the training pixels
// and the trainer's options (epochs, batch, learning rates from the method's defaults).
struct NetworkJob {
  const MethodInput& in;
  const MethodInfo& info;
  const MatrixF& train_pixels;
  const MatrixF& a0;
  const train::TrainOptions& train_options;
};

// What a network's training gives back; RunNetwork adds the keep-the-better guard, the start's
// scores and the model's common fields.
struct NetworkOutcome {
  MatrixF abundances;                       // r x n, of every valid pixel
  std::optional<MatrixF> decoder;           // blind networks: the learned endmembers
  std::optional<MatrixF> start_abundances;  // the start's abundances when training computed them
};

struct Registration {
  MethodInfo info;
  // Extractors, abundance solvers and blind factorisations: the whole run (RunMethod has checked
  // the options and scaled the data into the solvers' range).
  RunResult (*run)(const MethodInput& in) = nullptr;
  // Networks: trains on the job; fills `out` (model tensors and hyperparameters, training
  // summary, details, timings "train" and "inference") and returns the abundances.
  NetworkOutcome (*train)(const NetworkJob& job, RunResult& out) = nullptr;
  // Networks: abundances (r x n) of `pixels` from a saved model of this method.
  MatrixF (*apply)(const nets::Model& model, const MatrixF& pixels) = nullptr;
};

// Every registration, in list order.
const std::vector<const Registration*>& Registry();
// "unknown method 'x' (known: vca-fcls, ...)": the one message for a name not registered.
std::string UnknownMethodMessage(std::string_view name);
// The registration of `name`; throws OptionError with UnknownMethodMessage.
const Registration& Registered(std::string_view name);

}  // namespace unmix::internal
