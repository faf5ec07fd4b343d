#include "unmix/train/trainer.hpp"

#include <fmt/format.h>

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <numeric>

#include "unmix/core/cancel.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"

namespace unmix::train {

bool AdamOptions::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (group_learning_rates.empty()) return fail("Adam needs at least one learning rate");
  for (double lr : group_learning_rates)
    if (!(lr > 0) || !std::isfinite(lr)) return fail(fmt::format("learning rates must be positive (got {})", lr));
  if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) return fail("Adam betas must be in [0, 1)");
  if (!(epsilon > 0)) return fail("Adam epsilon must be positive");
  return true;
}

bool TrainOptions::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (epochs < 0) return fail(fmt::format("epochs must be >= 0 (got {})", epochs));
  if (batch_size < 0) return fail(fmt::format("batch size must be >= 0 (got {}; 0 = full batch)", batch_size));
  if (patience < 0) return fail("patience must be >= 0");
  if (!(min_delta >= 0)) return fail("min_delta must be >= 0");
  return adam.IsValid(why);
}

std::string TrainSummary::BriefReport() const {
  return fmt::format("training: {} epochs, {} steps, loss {:.6g} -> best {:.6g} (epoch {}), {}; {:.3f} s", epochs_run,
                     steps, initial_loss, best_loss, best_epoch, stop_reason, seconds);
}

namespace {

// Minibatch products are far too small to split across threads: Eigen's OpenMP-parallel GEMM
// costs more in synchronisation than it saves (50x slower on a loaded two-core machine).
class SingleThreadedEigen {
 public:
  SingleThreadedEigen() : saved_(Eigen::nbThreads()) { Eigen::setNbThreads(1); }
  ~SingleThreadedEigen() { Eigen::setNbThreads(saved_); }
  SingleThreadedEigen(const SingleThreadedEigen&) = delete;
  SingleThreadedEigen& operator=(const SingleThreadedEigen&) = delete;

 private:
  int saved_;
};

template <typename T>
bool GradientsFinite(const ParameterList<T>& params) {
  for (const auto& p : params)
    if (!p.grad->allFinite()) return false;
  return true;
}

}  // namespace

template <typename T>
double EvaluateLoss(Objective<T>& obj, Index batch_size) {
  const SingleThreadedEigen single_threaded;
  const Index n = obj.Samples();
  const auto params = obj.Parameters();
  const Index bs = batch_size > 0 ? std::min(batch_size, n) : n;
  std::vector<Index> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), Index{0});
  double total = 0;
  for (Index s = 0; s < n; s += bs) {
    const Index len = std::min(bs, n - s);
    ZeroGradients(params);
    total += static_cast<double>(obj.Batch(std::span<const Index>(idx.data() + s, static_cast<size_t>(len)))) *
             static_cast<double>(len);
  }
  ZeroGradients(params);
  return n > 0 ? total / static_cast<double>(n) : 0.0;
}

template <typename T>
TrainSummary Train(Objective<T>& obj, const TrainOptions& o) {
  std::string why;
  if (!o.IsValid(&why)) throw OptionError("training: " + why);
  const SingleThreadedEigen single_threaded;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const auto params = obj.Parameters();
  for (const auto& p : params)
    if (p.group < 0 || static_cast<size_t>(p.group) >= o.adam.group_learning_rates.size())
      throw OptionError(fmt::format("training: parameter {} is in group {} but {} learning rate(s) were given", p.name,
                                    p.group, o.adam.group_learning_rates.size()));
  const Index n = obj.Samples();
  if (n < 1) throw OptionError("training: no training samples");
  const Index bs = o.batch_size > 0 ? std::min(o.batch_size, n) : n;

  TrainSummary s;
  s.initial_loss = EvaluateLoss(obj, bs);
  s.loss_history.push_back(s.initial_loss);
  s.best_loss = s.initial_loss;
  auto best = Snapshot(params);
  auto last_good = best;
  if (!std::isfinite(s.initial_loss)) {
    s.diverged = true;
    s.stop_reason = "the loss of the initial weights is not finite";
    s.seconds = elapsed();
    return s;
  }
  if (o.on_epoch) o.on_epoch({0, o.epochs, s.initial_loss, s.best_loss, elapsed()});

  Adam<T> adam(params, o.adam);
  Rng rng(o.seed);
  std::vector<Index> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  int since_improvement = 0;
  s.stop_reason = fmt::format("ran all {} epochs", o.epochs);
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    if (o.shuffle && bs < n) rng.Shuffle(order.begin(), order.end());
    double total = 0;
    bool bad = false;
    for (Index start = 0; start < n; start += bs) {
      ThrowIfCancelled();  // SIGINT/SIGTERM: abandon the run; the caller writes nothing
      const Index len = std::min(bs, n - start);
      ZeroGradients(params);
      const double loss =
          static_cast<double>(obj.Batch(std::span<const Index>(order.data() + start, static_cast<size_t>(len))));
      if (!std::isfinite(loss) || !GradientsFinite(params)) {
        bad = true;
        break;
      }
      total += loss * static_cast<double>(len);
      adam.Step();
      obj.Project();
      ++s.steps;
    }
    const double epoch_loss = bad ? NAN : total / static_cast<double>(n);
    if (bad || !std::isfinite(epoch_loss)) {
      Restore(params, o.keep_best ? best : last_good);
      s.diverged = true;
      s.stop_reason = fmt::format(
          "diverged in epoch {} (non-finite loss or gradient); kept the {} weights (loss {:.6g}); lower the learning "
          "rate",
          epoch, o.keep_best ? "best" : "last finite", o.keep_best ? s.best_loss : s.final_loss);
      break;
    }
    s.epochs_run = epoch;
    s.final_loss = epoch_loss;
    s.loss_history.push_back(epoch_loss);
    const bool improved =
        epoch_loss < s.best_loss * (1.0 - o.min_delta) || (o.min_delta == 0 && epoch_loss < s.best_loss);
    if (epoch_loss < s.best_loss) {
      s.best_loss = epoch_loss;
      s.best_epoch = epoch;
      if (o.keep_best) CopyInto(params, best);
    }
    if (!o.keep_best) CopyInto(params, last_good);
    since_improvement = improved ? 0 : since_improvement + 1;
    if (o.on_epoch) o.on_epoch({epoch, o.epochs, epoch_loss, s.best_loss, elapsed()});
    if (o.patience > 0 && since_improvement >= o.patience) {
      s.early_stopped = true;
      s.stop_reason = fmt::format("stopped early after {} epochs without improvement", o.patience);
      break;
    }
  }
  if (o.keep_best && !s.diverged) Restore(params, best);
  s.seconds = elapsed();
  return s;
}

template TrainSummary Train<float>(Objective<float>&, const TrainOptions&);
template TrainSummary Train<double>(Objective<double>&, const TrainOptions&);
template double EvaluateLoss<float>(Objective<float>&, Index);
template double EvaluateLoss<double>(Objective<double>&, Index);

}  // namespace unmix::train
