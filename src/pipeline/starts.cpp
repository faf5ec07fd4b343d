// The starts of the blind methods, the supervised split, and the unsupervised fit criterion.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "pipeline/internal.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/abundance/nnls.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"
#include "unmix/endmember/nfindr.hpp"
#include "unmix/endmember/purity_mean.hpp"
#include "unmix/endmember/spatial_mean.hpp"
#include "unmix/endmember/vca.hpp"

namespace unmix::internal {

Split SplitPixels(Index n, Index n_train, std::uint64_t seed) {
  std::vector<Index> order(static_cast<size_t>(n));
  for (Index i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  Rng rng(seed ^ 0x7261696e73706c74ULL);  // own stream: the split does not shift VCA's draws
  rng.Shuffle(order.begin(), order.end());
  Split s;
  s.train.assign(order.begin(), order.begin() + n_train);
  s.test.assign(order.begin() + n_train, order.end());
  std::sort(s.train.begin(), s.train.end());
  std::sort(s.test.begin(), s.test.end());
  return s;
}

Index SupervisedTrainCount(const RunOptions& o, Index n) {
  const Index n_train = o.train_pixels > 0 ? o.train_pixels : std::min<Index>(1000, n / 2);
  if (n_train < 1 || n_train >= n)
    throw OptionError(
        fmt::format("{} training pixels of {} valid leaves none to test on (need 1 <= train < {})", n_train, n, n));
  return n_train;
}

MatrixF SpatialNFindr(const Scene& scene, Index r, RunResult& out) {
  constexpr Index kWindow = 7;
  const MatrixF mean = SpatialMean(scene, kWindow);
  const auto res = NFindr<float>(mean, r);
  out.reports.push_back(res.summary.BriefReport());
  Json(out.details)["spatial_nfindr"] = {{"window", kWindow},
                                         {"indices", res.indices},
                                         {"swaps", res.summary.iterations},
                                         {"rank_deficient", res.summary.rank_deficient}};
  return res.endmembers.cwiseMax(0.0f);
}

MatrixF SpatialPurity(const Scene& scene, const MatrixF& y, Index r, const RunOptions& o, RunResult& out) {
  const MatrixF e0 = SpatialNFindr(scene, r, out);
  purity::Options po;
  po.exponent = o.purity_exponent;
  po.num_threads = o.threads;
  const auto res = PurityWeightedEndmembers(e0, y, po);
  std::vector<double> weights(res.total_weight.data(), res.total_weight.data() + res.total_weight.size());
  Json(out.details)["purity"] = {{"exponent", po.exponent}, {"total_weight", weights}};
  out.reports.push_back(fmt::format("purity-weighted means (q = {:g}): effective pure pixels per endmember {:.1f}",
                                    po.exponent, fmt::join(weights, ", ")));
  return res.endmembers.cwiseMax(0.0f);
}

MatrixF ScaledSimplexAbundances(const MatrixF& e, const MatrixF& y, RunResult& out) {
  auto res = Nnls<float>(e, y);
  out.reports.push_back(res.summary.BriefReport());
  MatrixF x = std::move(res.abundances);
  Index zero = 0;
  for (Index j = 0; j < x.cols(); ++j) {
    const float s = x.col(j).sum();
    if (s > 0)
      x.col(j) /= s;
    else
      ++zero;
  }
  Json(out.details)["scaled_abundances"] = {{"zero_pixels", zero}};
  return x;
}

BlindFit BlindFitOf(const MatrixF& e, const MatrixF& y) {
  BlindFit f;
  f.abundances = Nnls<float>(e, y).abundances;
  const double entries = static_cast<double>(std::max<Index>(y.size(), 1));
  f.rmse = std::sqrt((y - e * f.abundances).cast<double>().squaredNorm() / entries);
  for (Index j = 0; j < f.abundances.cols(); ++j) {
    const float s = f.abundances.col(j).sum();
    if (s > 0) f.abundances.col(j) /= s;
  }
  return f;
}

MatrixF BlindStart(const Scene& scene, const MatrixF& y, Index r, const RunOptions& o, RunResult& out) {
  struct Candidate {
    std::string name;
    MatrixF endmembers;
    double fit = 0;      // reconstruction RMSE with FCLS abundances
    std::string report;  // the extractor's BriefReport()
  };
  auto fit = [&](const MatrixF& e) {
    const MatrixF x = Fcls<float>(e, y).abundances;
    return std::sqrt((y - e * x).squaredNorm() / static_cast<double>(y.size()));
  };
  auto vca = [&](std::uint64_t seed) {
    vca::Options vo;
    vo.seed = seed;
    const auto v = Vca<float>(y, r, vo);
    return Candidate{fmt::format("VCA (seed {})", seed), v.endmembers.cwiseMax(0.0f), 0.0, v.summary.BriefReport()};
  };
  auto nfindr = [&] {
    const auto res = NFindr<float>(y, r);
    return Candidate{"N-FINDR", res.endmembers.cwiseMax(0.0f), 0.0, res.summary.BriefReport()};
  };
  if (o.init == Init::kGroundTruth)
    throw OptionError(
        fmt::format("--init gt starts a network from the reference endmembers; {} has no such start", o.method));
  const Init how = o.init == Init::kAuto ? Init::kVca : o.init;
  std::vector<Candidate> candidates;
  if (how == Init::kVca) {
    candidates.push_back(vca(o.seed));
  } else if (how == Init::kNFindr) {
    candidates.push_back(nfindr());
  } else if (how == Init::kSpatialNFindr) {
    candidates.push_back({"spatial N-FINDR", SpatialNFindr(scene, r, out), 0.0, ""});  // reports itself
  } else if (how == Init::kSpatialPurity) {
    candidates.push_back({"spatial N-FINDR, purity-weighted", SpatialPurity(scene, y, r, o, out), 0.0, ""});
  } else {
    candidates.push_back(nfindr());
    for (std::uint64_t k = 0; k < 10; ++k) candidates.push_back(vca(o.seed + k));
  }
  // The fit (FCLS over every pixel) is only needed to choose among several candidates.
  size_t best = 0;
  nlohmann::json fits = nlohmann::json::array();
  for (size_t i = 0; candidates.size() > 1 && i < candidates.size(); ++i) {
    candidates[i].fit = fit(candidates[i].endmembers);
    fits.push_back({{"start", candidates[i].name}, {"reconstruction_rmse", candidates[i].fit}});
    if (candidates[i].fit < candidates[best].fit) best = i;
  }
  if (!candidates[best].report.empty()) out.reports.push_back(candidates[best].report);
  Json(out.details)["init"] = candidates[best].name;
  Json(out.details)["start"] = {
      {"rule", std::string(Name(how))}, {"chosen", candidates[best].name}, {"candidates", fits}};
  return candidates[best].endmembers;
}

}  // namespace unmix::internal
