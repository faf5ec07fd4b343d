#pragma once
// Private helpers shared by the classical chain (endmember/, abundance/, blind/).
//
// Determinism: every parallel loop walks a partition of the pixels that depends only on N (never
// on the thread count), each block is processed serially, and reductions combine per-block partial
// results in block order. Eigen would otherwise parallelise large products itself with a blocking
// that depends on the team size, so every parallel region (and SerialEigen) first sets the
// region-local OpenMP thread count to 1, which keeps Eigen's kernels serial there.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "unmix/abundance/abundance_summary.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/stopwatch.hpp"
#include "unmix/core/types.hpp"

namespace unmix::detail {

// Pixels per block in per-pixel loops; small enough for cache, large enough for GEMM efficiency.
inline constexpr Index kPixelBlock = 256;

// sqrt(rss / (p n)): the RMSE of p x n residuals whose squares sum to `rss`; 0 when n = 0.
inline double Rmse(double rss, Index p, Index n) { return n > 0 ? std::sqrt(rss / static_cast<double>(p * n)) : 0.0; }

inline int ResolveThreads(int requested) { return requested > 0 ? requested : std::max(1, omp_get_max_threads()); }

// Runs `body(workspace, start, length)` over consecutive blocks of `block` items out of `n`, in
// parallel. `make_workspace()` is called once per thread (allocation outside the hot loop). The
// body must not throw.
template <typename MakeWorkspace, typename Body>
void ForEachBlock(Index n, Index block, int threads, MakeWorkspace&& make_workspace, Body&& body) {
  const Index blocks = (n + block - 1) / block;
  if (blocks == 0) return;
  const int team = static_cast<int>(std::min<Index>(threads, blocks));
#pragma omp parallel num_threads(team)
  {
    omp_set_num_threads(1);  // region-local: Eigen stays serial inside
    auto workspace = make_workspace();
#pragma omp for schedule(static)
    for (Index b = 0; b < blocks; ++b) {
      const Index start = b * block;
      body(workspace, start, std::min(block, n - start));
    }
  }
}

// The same partition as ForEachBlock but for reductions: at most 32 chunks whose size depends
// only on n, each reduced serially into its own partial; partials are combined in chunk order.
// `body(workspace, partial, start, length)` accumulates into `partial`; `combine(total, partial)`.
template <typename Partial, typename MakeWorkspace, typename Body, typename Combine>
void ReduceBlocks(Index n, int threads, const Partial& zero, MakeWorkspace&& make_workspace, Body&& body,
                  Combine&& combine, Partial* total) {
  const Index chunk = std::max<Index>(4 * kPixelBlock, (n + 31) / 32);
  const Index chunks = (n + chunk - 1) / chunk;
  std::vector<Partial> partials(static_cast<std::size_t>(chunks), zero);
  const int team = static_cast<int>(std::max<Index>(1, std::min<Index>(threads, chunks)));
#pragma omp parallel num_threads(team)
  {
    omp_set_num_threads(1);
    auto workspace = make_workspace();
#pragma omp for schedule(static)
    for (Index c = 0; c < chunks; ++c) {
      const Index begin = c * chunk, end = std::min(n, begin + chunk);
      for (Index s = begin; s < end; s += kPixelBlock)
        body(workspace, partials[static_cast<std::size_t>(c)], s, std::min(kPixelBlock, end - s));
    }
  }
  *total = zero;
  for (const auto& p : partials) combine(*total, p);
}

// Runs f with Eigen forced serial (dense decompositions of p x p matrices), see the note above.
template <typename F>
void SerialEigen(F&& f) {
#pragma omp parallel num_threads(1)
  {
    omp_set_num_threads(1);
    f();
  }
}

// A p x len double view of columns [start, start+len) of Y: the columns themselves for double
// input, a conversion into `buffer` (preallocated p x kPixelBlock or larger) for float input.
inline Eigen::Ref<const MatrixD> DoubleColumns(const MatrixD& y, Index start, Index len, MatrixD& /*buffer*/) {
  return y.middleCols(start, len);
}
inline Eigen::Ref<const MatrixD> DoubleColumns(const MatrixF& y, Index start, Index len, MatrixD& buffer) {
  buffer.leftCols(len) = y.middleCols(start, len).cast<double>();
  return buffer.leftCols(len);
}

template <typename Derived>
void CheckFinite(const Eigen::MatrixBase<Derived>& m, const std::string& what) {
  if (!m.allFinite()) throw InputError(what + " contains NaN or infinite values");
}

// ---- tiny dense kernels (k <= r, column-major with leading dimension ld, no allocation) ----

// In-place lower Cholesky of the leading k x k block. Returns false if not positive definite.
inline bool Cholesky(double* a, Index k, Index ld) {
  for (Index j = 0; j < k; ++j) {
    double d = a[j + j * ld];
    for (Index m = 0; m < j; ++m) d -= a[j + m * ld] * a[j + m * ld];
    if (!(d > 0.0)) return false;
    d = std::sqrt(d);
    a[j + j * ld] = d;
    for (Index i = j + 1; i < k; ++i) {
      double s = a[i + j * ld];
      for (Index m = 0; m < j; ++m) s -= a[i + m * ld] * a[j + m * ld];
      a[i + j * ld] = s / d;
    }
  }
  return true;
}

// Solves L L^T x = x in place with the factor from Cholesky().
inline void CholeskySolve(const double* l, Index k, Index ld, double* x) {
  for (Index i = 0; i < k; ++i) {
    double s = x[i];
    for (Index m = 0; m < i; ++m) s -= l[i + m * ld] * x[m];
    x[i] = s / l[i + i * ld];
  }
  for (Index i = k - 1; i >= 0; --i) {
    double s = x[i];
    for (Index m = i + 1; m < k; ++m) s -= l[m + i * ld] * x[m];
    x[i] = s / l[i + i * ld];
  }
}

// Euclidean projection of v (length k) onto the unit simplex, in place. `scratch` has >= k doubles.
inline void ProjectOntoSimplex(double* v, Index k, double* scratch) {
  std::copy(v, v + k, scratch);
  std::sort(scratch, scratch + k, [](double a, double b) { return a > b; });
  double cumulative = 0.0, theta = 0.0;
  for (Index i = 0; i < k; ++i) {
    cumulative += scratch[i];
    const double t = (cumulative - 1.0) / static_cast<double>(i + 1);
    if (scratch[i] - t > 0.0) theta = t;
  }
  for (Index i = 0; i < k; ++i) v[i] = std::max(v[i] - theta, 0.0);
}

// ---- Gram-form active-set solver shared by FCLS and NNLS ----

// The Gram matrix G = A^T A (double), made positive definite when needed.
struct GramMatrix {
  MatrixD g;                // r x r, possibly with a ridge added
  double lambda_min = 0.0;  // eigenvalues of A^T A before the ridge
  double lambda_max = 0.0;
  double ridge = 0.0;              // added to the diagonal (0 when not regularised)
  double scale = 1.0;              // max diagonal of G (for relative tolerances), > 0
  MatrixD inverse;                 // G^{-1} (of the regularised G)
  VectorD inverse_ones;            // G^{-1} 1
  double ones_inverse_ones = 0.0;  // 1^T G^{-1} 1
};

// Forms A^T A. If lambda_min <= relative_threshold * lambda_max (duplicate, zero or dependent
// endmembers, r > p), adds relative_threshold * lambda_max (or 1 if A is all zero) to the diagonal.
GramMatrix MakeGram(const MatrixD& a, double relative_threshold);

struct ActiveSetWorkspace {
  explicit ActiveSetWorkspace(Index r) : factor(static_cast<std::size_t>(r * r)), z(r), w(r), grad(r), passive(r) {}
  std::vector<double> factor;
  std::vector<double> z, w, grad;
  std::vector<Index> passive;  // indices of the free set, first `passive_count` entries
};

struct ActiveSetOutcome {
  int iterations = 0;
  bool converged = false;
  double kkt_violation = 0.0;  // most negative multiplier off the support, relative to `scale`
};

// Minimises 0.5 x^T G x - b^T x subject to x >= 0 (and 1^T x = 1 when sum_to_one) by a primal
// active-set method (Lawson-Hanson, extended with the equality constraint). `x` (length r) is
// output only. `tolerance` is relative: a multiplier counts as negative below
// -tolerance * max(gram.scale, |b|_inf).
ActiveSetOutcome SolveActiveSet(const GramMatrix& gram, const double* b, bool sum_to_one, double tolerance,
                                int max_iterations, ActiveSetWorkspace& ws, double* x);

// ---- drivers and checks shared by the abundance solvers (defined in gram_solvers.cpp) ----

// Throws InputError / OptionError for mismatched or unusable A and Y. `method` prefixes messages.
template <typename Scalar>
void ValidateUnmixingInputs(const Matrix<Scalar>& a, const Matrix<Scalar>& y, const std::string& method);

// FCLS (sum_to_one) or NNLS over all pixels; fills `summary` except `method`.
template <typename Scalar>
Matrix<Scalar> SolveAllActiveSet(const Matrix<Scalar>& a, const Matrix<Scalar>& y, bool sum_to_one, double tolerance,
                                 int max_iterations, double gram_regularization, int num_threads,
                                 AbundanceSummary* summary);

// Fills the fields of `summary` every Gram-form solver reports the same way: bands p, endmembers,
// pixels n, the regularisation of A^T A, the RMSE from the residual sum of squares `rss`, and
// the seconds since `clock` started.
void SummarizeGramSolve(const GramMatrix& gram, Index p, Index n, double rss, const Stopwatch& clock,
                        AbundanceSummary* summary);

// Per-thread buffers for one pixel block of the Gram-form solvers. The two p-sized products run
// in the precision of the data (float data are not widened: their own precision is ~1e-7); the
// small r x r algebra is done in double.
template <typename Scalar>
struct BlockWorkspace {
  BlockWorkspace(Index p, Index r)
      : aty(r, kPixelBlock), atb(r, kPixelBlock), x(r, kPixelBlock), residual(p, kPixelBlock), active(r) {}
  // A^T Y_b in double (r x len).
  template <typename YBlock>
  auto AtY(const Matrix<Scalar>& a, const YBlock& yb) {
    const Index len = yb.cols();
    aty.leftCols(len).noalias() = a.transpose() * yb;
    atb.leftCols(len) = aty.leftCols(len).template cast<double>();
    return atb.leftCols(len);
  }
  // sum_n ||y_n - A x_n||^2 over the block.
  template <typename YBlock, typename XBlock>
  double ResidualSquares(const Matrix<Scalar>& a, const YBlock& yb, const XBlock& xb) {
    auto res = residual.leftCols(yb.cols());
    res.noalias() = yb;
    res.noalias() -= a * xb;
    return res.template cast<double>().squaredNorm();
  }
  Matrix<Scalar> aty;
  MatrixD atb, x;
  Matrix<Scalar> residual;
  ActiveSetWorkspace active;
};

// Sum over pixels of ||y_n - A x_n||^2, computed directly (deterministic block reduction).
template <typename Scalar>
double ResidualSumOfSquares(const MatrixD& a, const Matrix<Scalar>& y, const MatrixD& x, int num_threads);

// ---- subspace helpers for the endmember extractors (defined in endmember/subspace.cpp) ----

// Mean of the columns of Y.
template <typename Scalar>
VectorD ColumnMean(const Matrix<Scalar>& y, int num_threads);

// (Y - c 1^T)(Y - c 1^T)^T, symmetric p x p (pass c = 0 for the uncentred Y Y^T).
template <typename Scalar>
MatrixD CenteredGram(const Matrix<Scalar>& y, const VectorD& center, int num_threads);

// U^T (Y - c 1^T): k x N coordinates of the pixels in the orthonormal basis U (p x k).
template <typename Scalar>
MatrixD ProjectColumns(const Matrix<Scalar>& y, const MatrixD& u, const VectorD& center, int num_threads);

// Eigen-decomposition of a symmetric matrix with eigenvalues in descending order.
void SymmetricEigenDescending(const MatrixD& m, VectorD* values, MatrixD* vectors);

// Index of the largest score(n) over n in [0, N) with eligible(n); ties go to the smallest index.
// Returns -1 if nothing is eligible. Serial on purpose: with O(r) work per pixel a scan is cheaper
// than waking a second thread, which on a busy machine can cost a scheduler time slice.
template <typename Score, typename Eligible>
Index ArgMaxPixels(Index n, Score&& score, Eligible&& eligible, double* best_value) {
  Index best = -1;
  double value = -std::numeric_limits<double>::infinity();
  for (Index j = 0; j < n; ++j) {
    if (!eligible(j)) continue;
    const double v = score(j);
    if (best < 0 || v > value) value = v, best = j;
  }
  if (best_value) *best_value = value;
  return best;
}

// Throws OptionError unless 1 <= r <= min(p, N), InputError for non-finite data.
template <typename Scalar>
void ValidateExtractorInputs(const Matrix<Scalar>& y, Index r, const std::string& method);

}  // namespace unmix::detail
