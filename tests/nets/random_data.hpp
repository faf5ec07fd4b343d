#pragma once
// Random positive matrices and simplex points for the network tests.
#include "unmix/core/rng.hpp"
#include "unmix/core/types.hpp"

namespace unmix::nets {

inline MatrixD RandomPositive(Index rows, Index cols, Rng& rng, double lo = 0.05, double hi = 1.0) {
  MatrixD m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = rng.Uniform(lo, hi);
  return m;
}

// Columns on the probability simplex, every entry at least about 0.01 / r.
inline MatrixD RandomSimplex(Index r, Index n, Rng& rng) {
  MatrixD x = RandomPositive(r, n, rng, 0.01, 1.0);
  return x.array().rowwise() / x.colwise().sum().array();
}

}  // namespace unmix::nets
