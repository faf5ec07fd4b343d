#pragma once
// The training loop shared by every network: seeded minibatches (or full batch), Adam with
// parameter groups, a projection after each step, best-weights tracking, optional early
// stopping, and a divergence guard.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "unmix/train/adam.hpp"
#include "unmix/train/parameters.hpp"

namespace unmix::train {

// What a network exposes to the trainer.
template <typename T>
class Objective {
 public:
  virtual ~Objective() = default;
  virtual ParameterList<T> Parameters() = 0;
  virtual Index Samples() const = 0;
  // Mean loss over the samples `batch`, with its gradient ADDED to the parameters' gradients
  // (the trainer zeroes them before each batch).
  virtual T Batch(std::span<const Index> batch) = 0;
  // Constraint applied after every optimiser step (e.g. nonnegative decoder weights).
  virtual void Project() {}
};

struct EpochReport {
  int epoch = 0;  // 1-based; 0 is the loss of the initial weights
  int epochs = 0;
  double loss = 0;  // sample-weighted mean of the epoch's batch losses
  double best_loss = 0;
  double seconds = 0;  // since training started
};

struct TrainOptions {
  int epochs = 100;
  Index batch_size = 64;  // 0: full batch
  bool shuffle = true;    // reshuffle the samples every epoch (seeded)
  std::uint64_t seed = 0;
  AdamOptions adam;
  bool keep_best = true;                             // end with the weights of the lowest epoch loss (the start counts)
  int patience = 0;                                  // stop after this many epochs without improvement; 0 = never
  double min_delta = 0;                              // improvement needed to reset patience (relative)
  std::function<void(const EpochReport&)> on_epoch;  // progress; may be empty
  bool IsValid(std::string* why) const;
};

struct TrainSummary {
  int epochs_run = 0;
  int best_epoch = 0;  // 0: the initial weights were never beaten
  double initial_loss = 0;
  double best_loss = 0;
  double final_loss = 0;             // loss of the last epoch run
  std::vector<double> loss_history;  // [0] = initial weights, then one per epoch
  long steps = 0;                    // optimiser steps
  bool diverged = false;             // a non-finite loss or gradient stopped training
  bool early_stopped = false;
  std::string stop_reason;  // one line: why training ended
  double seconds = 0;
  std::string BriefReport() const;
};

// Trains `objective` in place. On divergence the weights are rolled back to the best (or, with
// keep_best off, the last finite) weights and the summary says so; it does not throw.
template <typename T>
TrainSummary Train(Objective<T>& objective, const TrainOptions& options);

// The loss of the current weights over all samples, without changing them.
template <typename T>
double EvaluateLoss(Objective<T>& objective, Index batch_size);

}  // namespace unmix::train
