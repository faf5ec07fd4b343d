#pragma once
// Shared by the network methods (src/methods/network/): the ADMM and MNN networks' training
// flow, the weight selection of `--select fit`, and the hyperparameters every saved model may
// carry.
#include <fmt/format.h>

#include <limits>
#include <optional>
#include <vector>

#include "methods/method.hpp"
#include "pipeline/internal.hpp"
#include "unmix/train/parameters.hpp"

namespace unmix::internal {

// A layer count from a model file: an integer in [1, 1000] (a float or a huge value is refused
// before it reaches an int); `fallback` when the model has none.
int LayerCount(const nets::Model& m, const char* key, std::optional<int> fallback = {});
// The normalisation epsilon a model was trained with (1e-8 when it records none).
double NormEpsilon(const nets::Model& m);

// U-ADMM-AENet (supervised) or U-ADMM-BUNet (blind), tied or untied layers.
NetworkOutcome TrainAdmm(const NetworkJob& job, bool tied, RunResult& out);
MatrixF ApplyAdmm(const nets::Model& model, const MatrixF& pixels);
// MNN-AE (supervised) or MNN-BU (blind), tied or untied layers.
NetworkOutcome TrainMnn(const NetworkJob& job, bool tied, RunResult& out);
MatrixF ApplyMnn(const nets::Model& model, const MatrixF& pixels);

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
    Json(out.details)["select"] = {{"rule", "lowest scaled-fit RMSE of the endmembers"},
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
  if (o.select != Select::kFit) return train::Train(net, to);
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

}  // namespace unmix::internal
