#include "unmix/run/load.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "unmix/core/error.hpp"

namespace unmix {

namespace {
std::string ImplausibleValues(const Scene& scene) {
  // Reflectance is about 0..1 (0..10000 as scaled integers), radiance up to some 1e4 in common
  // units; raw counts up to 65535. Values beyond 1e7, or all below 1e-6, are none of these.
  double max_abs = 0;
  bool any = false;
  const Index n = scene.pixels(), p = scene.bands();
  for (Index k = 0; k < n; ++k) {
    if (!scene.valid.empty() && !scene.valid[static_cast<size_t>(k)]) continue;
    for (Index b = 0; b < p; ++b) {
      const double v = std::abs(static_cast<double>(scene.data(b, k)));
      if (std::isfinite(v)) max_abs = std::max(max_abs, v), any = true;
    }
  }
  if (!any || (max_abs <= 1e7 && max_abs >= 1e-6) || max_abs == 0) return "";
  return fmt::format(
      "{}: the largest value is {:.3g}, {} any reflectance (0-1, or 0-10000 scaled) or radiance "
      "(up to ~1e4): check the header's data type, byte order and scale factor\n",
      scene.source, max_abs, max_abs > 1e7 ? "far above" : "far below");
}
}  // namespace

Scene LoadScene(const std::string& path, const io::ReadOptions& options, std::vector<std::string>* warnings) {
  Scene scene = io::ReadScene(path, options);
  if (std::string w = ImplausibleValues(scene); !w.empty() && warnings) warnings->push_back(std::move(w));
  return scene;
}

GroundTruth LoadGroundTruth(const std::string& path, const Scene& scene, const io::ReadOptions& options,
                            bool check_simplex, std::vector<std::string>* warnings) {
  GroundTruth gt = io::ReadGroundTruth(path, scene, options);
  if (!check_simplex || !gt.abundances) return gt;
  const Abundances& ab = *gt.abundances;
  const Index n = ab.pixels(), r = ab.count();
  double lo = 0, hi = 0, worst_sum = 1, sum_dev = 0;
  Index lo_k = 0, hi_k = 0, lo_b = 0, hi_b = 0, counted = 0;
  bool first = true;
  for (Index k = 0; k < n; ++k) {
    if (!scene.valid.empty() && !scene.valid[static_cast<size_t>(k)]) continue;
    double sum = 0;
    for (Index j = 0; j < r; ++j) {
      const double v = ab.values(j, k);
      if (!std::isfinite(v)) continue;
      sum += v;
      if (first || v < lo) lo = v, lo_k = k, lo_b = j;
      if (first || v > hi) hi = v, hi_k = k, hi_b = j;
      first = false;
    }
    sum_dev += std::abs(sum - 1.0);
    ++counted;
    if (std::abs(sum - 1.0) > std::abs(worst_sum - 1.0)) worst_sum = sum;
  }
  const auto where = [&](Index k, Index j) {
    return fmt::format("abundance {} of pixel (row {}, col {})", j + 1, k / ab.cols + 1, k % ab.cols + 1);
  };
  constexpr double kTol = 0.02;  // rounding in files written with few decimals (sums)
  constexpr double kValueTol = 0.05;
  if (!first && (lo < -kValueTol || hi > 1 + kValueTol)) {
    const bool high = hi > 1 + kValueTol;
    throw InputError(
        path, "abundances",
        fmt::format("expected values in [0, 1] (fractions of each pixel), found {} = {:.6g}{}: this is not "
                    "an abundance map (an image or a scaled file given as --gt?)",
                    high ? where(hi_k, hi_b) : where(lo_k, lo_b), high ? hi : lo,
                    r > 1 ? fmt::format(" (values {:.4g} to {:.4g} over {} maps)", lo, hi, r) : ""));
  }
  const double mean_dev = counted > 0 ? sum_dev / static_cast<double>(counted) : 0.0;
  if (mean_dev > 0.5)
    throw InputError(
        path, "abundances",
        fmt::format("expected the {} maps to sum to about 1 in each pixel (fractions of it), found sums "
                    "{:.3g} from 1 on average (worst {:.4g}): this is not an abundance map (an image given "
                    "as --gt?)",
                    r, mean_dev, worst_sum));
  if (mean_dev > kTol && warnings)
    warnings->push_back(
        fmt::format("{}: abundances: the {} maps sum to 1 in a pixel only on average within {:.3g} (worst "
                    "{:.4g}): off the simplex; scores that assume sum-to-one (AID, RMSE against sum-to-one methods) "
                    "compare unlike things\n",
                    path, r, mean_dev, worst_sum));
  return gt;
}

}  // namespace unmix
