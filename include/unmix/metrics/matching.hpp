#pragma once
// Matching estimated endmembers to reference endmembers. Every metric that compares an
// estimate with a reference is computed after this permutation, applied to endmembers and
// abundances alike; reports state which rule was used.
#include <string>
#include <vector>

#include "unmix/core/types.hpp"

namespace unmix {

enum class MatchRule {
  kHungarianSad,        // minimum total spectral angle, optimal assignment (default)
  kGreedyEuclidean,     // repeatedly pair the closest remaining (reference, estimate) by L2 distance
  kHungarianAbundance,  // minimum total abundance-map RMSE, optimal assignment
  kNone,                // estimate j is reference j
};

std::string ToString(MatchRule rule);
// Parses "sad" | "hungarian-sad", "greedy" | "greedy-euclidean", "abundance" | "hungarian-abundance",
// "none". Throws OptionError otherwise.
MatchRule ParseMatchRule(const std::string& s);
// One line for reports, e.g. "Hungarian assignment minimising the sum of SAD".
std::string Describe(MatchRule rule);

// Optimal assignment: cost is n x m with n <= m; returns for each row i the column assigned to it,
// minimising the total cost (Hungarian method with potentials, O(n^2 m)).
std::vector<Index> SolveAssignment(const MatrixD& cost);

struct Matching {
  MatchRule rule = MatchRule::kHungarianSad;
  std::vector<Index> estimate_for_reference;  // size r_ref: estimate index matched to reference i
};

// `cost(i, j)` compares reference i with estimate j. Requires r_est >= r_ref.
Matching MatchFromCost(const MatrixD& cost, MatchRule rule);

// Matches by the rule's criterion. Endmembers are p x r; abundances r x N. The abundance rule needs
// both abundance matrices; the spectral rules need both endmember matrices. Throws OptionError when
// what the rule needs is missing or r_est < r_ref.
Matching MatchEndmembers(const MatrixD* ref_endmembers, const MatrixD* est_endmembers, const MatrixD* ref_abundances,
                         const MatrixD* est_abundances, MatchRule rule);

}  // namespace unmix
