#pragma once
// Central finite-difference check of an objective's analytic gradient, in double precision,
// over every entry of every parameter.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "unmix/train/trainer.hpp"

namespace unmix::testing {

struct GradientCheckResult {
  double max_rel_error = 0;
  std::string worst;  // "param[i]"
  Index entries = 0;
};

// Five-point stencil (error O(h^4)), so the check can be strict without a tiny step.
inline GradientCheckResult CheckGradients(train::Objective<double>& obj, double h = 1e-5) {
  const auto params = obj.Parameters();
  std::vector<Index> all(static_cast<size_t>(obj.Samples()));
  std::iota(all.begin(), all.end(), Index{0});
  auto loss = [&] {
    train::ZeroGradients(params);
    return obj.Batch(all);
  };
  train::ZeroGradients(params);
  obj.Batch(all);
  std::vector<MatrixD> analytic;
  for (const auto& p : params) analytic.push_back(*p.grad);
  GradientCheckResult r;
  for (size_t i = 0; i < params.size(); ++i) {
    auto& v = *params[i].value;
    for (Index k = 0; k < v.size(); ++k) {
      const double saved = v.data()[k];
      auto at = [&](double offset) {
        v.data()[k] = saved + offset;
        return loss();
      };
      const double numeric = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
      v.data()[k] = saved;
      const double a = analytic[i].data()[k];
      const double err = std::abs(a - numeric) / std::max({std::abs(a), std::abs(numeric), 1e-4});
      if (err > r.max_rel_error) {
        r.max_rel_error = err;
        r.worst = params[i].name + "[" + std::to_string(k) + "] analytic " + std::to_string(a) + " numeric " +
                  std::to_string(numeric);
      }
      ++r.entries;
    }
  }
  train::ZeroGradients(params);
  return r;
}

}  // namespace unmix::testing
