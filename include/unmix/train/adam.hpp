#pragma once
// Adam (Kingma & Ba) with parameter groups. Moments are kept per parameter; the bias-corrected
// step follows the common formulation lr * m_hat / (sqrt(v_hat) + eps).
#include <cmath>
#include <string>
#include <vector>

#include "unmix/train/parameters.hpp"

namespace unmix::train {

struct AdamOptions {
  std::vector<double> group_learning_rates = {1e-3};  // one per parameter group
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  bool IsValid(std::string* why) const;
};

template <typename T>
class Adam {
 public:
  Adam(const ParameterList<T>& params, const AdamOptions& options) : params_(params), options_(options) {
    for (const auto& p : params_) {
      m_.push_back(Matrix<T>::Zero(p.value->rows(), p.value->cols()));
      v_.push_back(Matrix<T>::Zero(p.value->rows(), p.value->cols()));
    }
  }

  void Step() {
    ++t_;
    const double c1 = 1.0 - std::pow(options_.beta1, t_);
    const double c2 = 1.0 - std::pow(options_.beta2, t_);
    const T b1 = static_cast<T>(options_.beta1), b2 = static_cast<T>(options_.beta2);
    for (size_t i = 0; i < params_.size(); ++i) {
      const auto& p = params_[i];
      const double lr = options_.group_learning_rates[static_cast<size_t>(p.group)];
      const T step = static_cast<T>(lr / c1);
      const T inv_sqrt_c2 = static_cast<T>(1.0 / std::sqrt(c2));
      const T eps = static_cast<T>(options_.epsilon);
      auto& m = m_[i];
      auto& v = v_[i];
      m = b1 * m + (T(1) - b1) * *p.grad;
      v = b2 * v + (T(1) - b2) * p.grad->cwiseAbs2();
      p.value->array() -= step * m.array() / (v.array().sqrt() * inv_sqrt_c2 + eps);
    }
  }

  long steps() const { return t_; }

 private:
  ParameterList<T> params_;
  AdamOptions options_;
  std::vector<Matrix<T>> m_, v_;
  long t_ = 0;
};

}  // namespace unmix::train
