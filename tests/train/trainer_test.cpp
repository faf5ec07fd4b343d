#include "unmix/train/trainer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"

namespace unmix::train {
namespace UNMIX_TEST_UNIT {

// Least squares: min_w mean_i (a_i^T w - b_i)^2 over samples, solution known.
class LeastSquares : public Objective<double> {
 public:
  LeastSquares(Index dim, Index samples, std::uint64_t seed, double scale = 1.0) : a_(dim, samples) {
    Rng rng(seed);
    truth_ = MatrixD(dim, 1);
    for (Index i = 0; i < dim; ++i) truth_(i) = rng.Normal();
    for (Index k = 0; k < a_.size(); ++k) a_.data()[k] = scale * rng.Normal();
    b_ = a_.transpose() * truth_;
    w_ = MatrixD::Zero(dim, 1);
    g_ = MatrixD::Zero(dim, 1);
  }
  ParameterList<double> Parameters() override { return {{"w", &w_, &g_, 0}}; }
  Index Samples() const override { return a_.cols(); }
  double Batch(std::span<const Index> batch) override {
    double loss = 0;
    for (Index k : batch) {
      const double r = a_.col(k).dot(w_.col(0)) - b_(k);
      loss += r * r;
      g_ += (2.0 * r / static_cast<double>(batch.size())) * a_.col(k);
      seen_.push_back(k);
    }
    return loss / static_cast<double>(batch.size());
  }
  void Project() override {
    if (clip_) w_ = w_.cwiseMin(0.5);
  }
  MatrixD w_, g_, truth_;
  std::vector<Index> seen_;
  bool clip_ = false;

 private:
  MatrixD a_, b_;
};

TEST(Train, AdamConvergesOnLeastSquares) {
  LeastSquares obj(5, 200, 1);
  TrainOptions o;
  o.epochs = 300;
  o.batch_size = 20;
  o.adam.group_learning_rates = {0.05};
  const auto s = Train(obj, o);
  EXPECT_LT((obj.w_ - obj.truth_).norm(), 1e-3) << s.BriefReport();
  EXPECT_LT(s.best_loss, 1e-6);
  EXPECT_EQ(s.epochs_run, 300);
  EXPECT_EQ(s.steps, 300 * 10);
  EXPECT_EQ(s.loss_history.size(), 301u);
  EXPECT_FALSE(s.diverged);
}

TEST(Train, SameSeedSameOrderDifferentSeedDifferentOrder) {
  LeastSquares a(3, 50, 2), b(3, 50, 2), c(3, 50, 2);
  TrainOptions o;
  o.epochs = 3;
  o.batch_size = 7;
  Train(a, o);
  Train(b, o);
  o.seed = 1;
  Train(c, o);
  EXPECT_EQ(a.seen_, b.seen_);
  EXPECT_EQ(a.w_, b.w_);
  EXPECT_NE(a.seen_, c.seen_);
  // Every epoch visits every sample exactly once (after the initial full evaluation).
  std::vector<int> count(50, 0);
  for (size_t i = 50; i < 100; ++i) ++count[static_cast<size_t>(a.seen_[i])];
  for (int n : count) {
    EXPECT_EQ(n, 1);
  }
}

TEST(Train, ProjectionRunsAfterEveryStep) {
  LeastSquares obj(4, 40, 3);
  obj.clip_ = true;
  TrainOptions o;
  o.epochs = 50;
  o.adam.group_learning_rates = {0.1};
  Train(obj, o);
  EXPECT_LE(obj.w_.maxCoeff(), 0.5);
}

TEST(Train, DivergenceStopsWithBestWeightsKept) {
  // Huge learning rate on badly scaled data: the loss blows up to inf.
  LeastSquares obj(4, 40, 4, 1e150);
  TrainOptions o;
  o.epochs = 100;
  o.adam.group_learning_rates = {1e200};
  const auto s = Train(obj, o);
  EXPECT_TRUE(s.diverged) << s.BriefReport();
  EXPECT_NE(s.stop_reason.find("diverged"), std::string::npos);
  EXPECT_TRUE(obj.w_.allFinite());
  EXPECT_EQ(obj.w_, MatrixD::Zero(4, 1));  // the initial weights were the best seen
}

TEST(Train, KeepsBestWeightsNotLast) {
  LeastSquares obj(4, 40, 5);
  TrainOptions o;
  o.epochs = 30;
  o.adam.group_learning_rates = {3.0};  // oscillates: later epochs are worse than some earlier
  const auto s = Train(obj, o);
  ASSERT_FALSE(s.diverged);
  const double final_weights_loss = EvaluateLoss(obj, 0);
  EXPECT_LE(final_weights_loss, s.initial_loss);
  EXPECT_EQ(s.best_loss, *std::min_element(s.loss_history.begin(), s.loss_history.end()));
}

TEST(Train, EarlyStoppingAfterPatience) {
  LeastSquares obj(3, 30, 6);
  TrainOptions o;
  o.epochs = 10000;
  o.patience = 5;
  o.min_delta = 1e-3;
  o.adam.group_learning_rates = {0.05};
  const auto s = Train(obj, o);
  EXPECT_TRUE(s.early_stopped);
  EXPECT_LT(s.epochs_run, 10000);
}

TEST(Train, InvalidOptionsAreRefused) {
  LeastSquares obj(3, 30, 7);
  TrainOptions o;
  o.adam.group_learning_rates = {};
  EXPECT_THROW(Train(obj, o), OptionError);
  o.adam.group_learning_rates = {-1};
  EXPECT_THROW(Train(obj, o), OptionError);
  o.adam.group_learning_rates = {1e-3};
  o.epochs = -1;
  EXPECT_THROW(Train(obj, o), OptionError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::train
