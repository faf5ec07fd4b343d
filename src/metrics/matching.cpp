#include "unmix/metrics/matching.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "unmix/core/error.hpp"
#include "unmix/metrics/metrics.hpp"

namespace unmix {

std::string ToString(MatchRule rule) {
  switch (rule) {
    case MatchRule::kHungarianSad:
      return "hungarian-sad";
    case MatchRule::kGreedyEuclidean:
      return "greedy-euclidean";
    case MatchRule::kHungarianAbundance:
      return "hungarian-abundance";
    case MatchRule::kNone:
      return "none";
  }
  return "unknown";
}

MatchRule ParseMatchRule(const std::string& s) {
  if (s == "sad" || s == "hungarian-sad") return MatchRule::kHungarianSad;
  if (s == "greedy" || s == "greedy-euclidean") return MatchRule::kGreedyEuclidean;
  if (s == "abundance" || s == "hungarian-abundance") return MatchRule::kHungarianAbundance;
  if (s == "none") return MatchRule::kNone;
  throw OptionError(
      fmt::format("--match: unknown rule '{}' (expected hungarian-sad, greedy-euclidean, hungarian-abundance "
                  "or none)",
                  s));
}

std::string Describe(MatchRule rule) {
  switch (rule) {
    case MatchRule::kHungarianSad:
      return "optimal one-to-one assignment minimising the sum of spectral angles (Hungarian)";
    case MatchRule::kGreedyEuclidean:
      return "greedy: repeatedly pair the closest remaining reference and estimate by Euclidean "
             "distance";
    case MatchRule::kHungarianAbundance:
      return "optimal one-to-one assignment minimising the sum of abundance-map RMSE (Hungarian)";
    case MatchRule::kNone:
      return "none: estimate j is compared with reference j";
  }
  return "";
}

std::vector<Index> SolveAssignment(const MatrixD& cost) {
  // Shortest augmenting path with row/column potentials; rows are assigned one at a time.
  const Index n = cost.rows(), m = cost.cols();
  if (n > m) throw OptionError("assignment: more rows than columns");
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(static_cast<size_t>(n + 1), 0), v(static_cast<size_t>(m + 1), 0);
  std::vector<Index> p(static_cast<size_t>(m + 1), 0), way(static_cast<size_t>(m + 1), 0);
  for (Index i = 1; i <= n; ++i) {
    p[0] = i;
    Index j0 = 0;
    std::vector<double> minv(static_cast<size_t>(m + 1), inf);
    std::vector<char> used(static_cast<size_t>(m + 1), 0);
    do {
      used[static_cast<size_t>(j0)] = 1;
      const Index i0 = p[static_cast<size_t>(j0)];
      double delta = inf;
      Index j1 = 0;
      for (Index j = 1; j <= m; ++j) {
        if (used[static_cast<size_t>(j)]) continue;
        const double cur = cost(i0 - 1, j - 1) - u[static_cast<size_t>(i0)] - v[static_cast<size_t>(j)];
        if (cur < minv[static_cast<size_t>(j)]) {
          minv[static_cast<size_t>(j)] = cur;
          way[static_cast<size_t>(j)] = j0;
        }
        if (minv[static_cast<size_t>(j)] < delta) {
          delta = minv[static_cast<size_t>(j)];
          j1 = j;
        }
      }
      for (Index j = 0; j <= m; ++j) {
        if (used[static_cast<size_t>(j)]) {
          u[static_cast<size_t>(p[static_cast<size_t>(j)])] += delta;
          v[static_cast<size_t>(j)] -= delta;
        } else {
          minv[static_cast<size_t>(j)] -= delta;
        }
      }
      j0 = j1;
    } while (p[static_cast<size_t>(j0)] != 0);
    do {
      const Index j1 = way[static_cast<size_t>(j0)];
      p[static_cast<size_t>(j0)] = p[static_cast<size_t>(j1)];
      j0 = j1;
    } while (j0);
  }
  std::vector<Index> assign(static_cast<size_t>(n), -1);
  for (Index j = 1; j <= m; ++j)
    if (p[static_cast<size_t>(j)] > 0) assign[static_cast<size_t>(p[static_cast<size_t>(j)] - 1)] = j - 1;
  return assign;
}

namespace {

std::vector<Index> GreedyAssignment(const MatrixD& cost) {
  const Index n = cost.rows(), m = cost.cols();
  std::vector<Index> assign(static_cast<size_t>(n), -1);
  std::vector<char> row_done(static_cast<size_t>(n), 0), col_done(static_cast<size_t>(m), 0);
  for (Index k = 0; k < n; ++k) {
    double best = std::numeric_limits<double>::infinity();
    Index bi = -1, bj = -1;
    for (Index i = 0; i < n; ++i) {
      if (row_done[static_cast<size_t>(i)]) continue;
      for (Index j = 0; j < m; ++j)
        if (!col_done[static_cast<size_t>(j)] && cost(i, j) < best) {
          best = cost(i, j);
          bi = i;
          bj = j;
        }
    }
    row_done[static_cast<size_t>(bi)] = 1;
    col_done[static_cast<size_t>(bj)] = 1;
    assign[static_cast<size_t>(bi)] = bj;
  }
  return assign;
}

}  // namespace

Matching MatchFromCost(const MatrixD& cost, MatchRule rule) {
  Matching m;
  m.rule = rule;
  if (cost.rows() > cost.cols())
    throw OptionError(fmt::format("matching: {} reference endmembers but only {} estimated", cost.rows(), cost.cols()));
  if (!cost.allFinite()) throw OptionError("matching: the cost matrix holds NaN or Inf");
  switch (rule) {
    case MatchRule::kNone:
      for (Index i = 0; i < cost.rows(); ++i) m.estimate_for_reference.push_back(i);
      break;
    case MatchRule::kGreedyEuclidean:
      m.estimate_for_reference = GreedyAssignment(cost);
      break;
    default:
      m.estimate_for_reference = SolveAssignment(cost);
  }
  return m;
}

Matching MatchEndmembers(const MatrixD* ref_e, const MatrixD* est_e, const MatrixD* ref_a, const MatrixD* est_a,
                         MatchRule rule) {
  bool spectral = rule == MatchRule::kHungarianSad || rule == MatchRule::kGreedyEuclidean;
  const bool have_e = ref_e && est_e, have_a = ref_a && est_a;
  if (rule == MatchRule::kNone) {
    const Index r = have_e ? ref_e->cols() : have_a ? ref_a->rows() : 0;
    const Index re = have_e ? est_e->cols() : have_a ? est_a->rows() : 0;
    return MatchFromCost(MatrixD::Zero(r, re), rule);
  }
  // Without the endmembers a spectral rule cannot apply; fall back to the abundance rule.
  if (spectral && !have_e && have_a) {
    rule = MatchRule::kHungarianAbundance;
    spectral = false;
  }
  if (spectral) {
    if (!have_e) throw OptionError("matching: endmembers are needed for a spectral matching rule");
    if (ref_e->rows() != est_e->rows())
      throw OptionError(
          fmt::format("matching: reference endmembers have {} bands, estimates {}", ref_e->rows(), est_e->rows()));
    MatrixD cost(ref_e->cols(), est_e->cols());
    for (Index i = 0; i < cost.rows(); ++i)
      for (Index j = 0; j < cost.cols(); ++j)
        cost(i, j) = rule == MatchRule::kHungarianSad ? SpectralAngle(ref_e->col(i), est_e->col(j))
                                                      : (ref_e->col(i) - est_e->col(j)).norm();
    return MatchFromCost(cost, rule);
  }
  if (!have_a) throw OptionError("matching: abundances are needed for the abundance matching rule");
  if (ref_a->cols() != est_a->cols())
    throw OptionError(
        fmt::format("matching: reference abundances cover {} pixels, estimates {}", ref_a->cols(), est_a->cols()));
  MatrixD cost(ref_a->rows(), est_a->rows());
  const double n = static_cast<double>(std::max<Index>(ref_a->cols(), 1));
  for (Index i = 0; i < cost.rows(); ++i)
    for (Index j = 0; j < cost.cols(); ++j) cost(i, j) = std::sqrt((ref_a->row(i) - est_a->row(j)).squaredNorm() / n);
  return MatchFromCost(cost, MatchRule::kHungarianAbundance);
}

}  // namespace unmix
