#pragma once
// A network's learnable tensors as seen by optimisers: each a named matrix, its gradient, and
// the parameter group it belongs to (groups carry their own learning rate).
#include <string>
#include <vector>

#include "unmix/core/types.hpp"

namespace unmix::train {

template <typename T>
struct Parameter {
  std::string name;
  Matrix<T>* value = nullptr;
  Matrix<T>* grad = nullptr;
  int group = 0;
};

template <typename T>
using ParameterList = std::vector<Parameter<T>>;

template <typename T>
Index CountParameters(const ParameterList<T>& params) {
  Index n = 0;
  for (const auto& p : params) n += p.value->size();
  return n;
}

template <typename T>
void ZeroGradients(const ParameterList<T>& params) {
  for (const auto& p : params) p.grad->setZero();
}

// Copies of the parameter values, for best-weights tracking and rollback.
template <typename T>
std::vector<Matrix<T>> Snapshot(const ParameterList<T>& params) {
  std::vector<Matrix<T>> s;
  s.reserve(params.size());
  for (const auto& p : params) s.push_back(*p.value);
  return s;
}

template <typename T>
void Restore(const ParameterList<T>& params, const std::vector<Matrix<T>>& snapshot) {
  for (size_t i = 0; i < params.size(); ++i) *params[i].value = snapshot[i];
}

template <typename T>
void CopyInto(const ParameterList<T>& params, std::vector<Matrix<T>>& snapshot) {
  for (size_t i = 0; i < params.size(); ++i) snapshot[i] = *params[i].value;  // same sizes: no allocation
}

}  // namespace unmix::train
