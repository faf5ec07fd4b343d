#include "unmix/endmember/purity_mean.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "unmix/abundance/nnls.hpp"
#include "unmix/core/error.hpp"

namespace unmix {

bool purity::Options::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (!(exponent > 0) || !std::isfinite(exponent))
    return fail(fmt::format("purity exponent must be a finite number > 0 (got {})", exponent));
  if (num_threads < 0) return fail("num_threads must be >= 0 (0 = automatic)");
  return true;
}

purity::Result PurityWeightedEndmembers(const MatrixF& endmembers, const MatrixF& pixels,
                                        const purity::Options& options) {
  std::string why;
  if (!options.IsValid(&why)) throw OptionError("purity-weighted endmembers: " + why);
  if (endmembers.cols() < 1 || endmembers.rows() != pixels.rows() || pixels.cols() < 1)
    throw OptionError(fmt::format("purity-weighted endmembers: {} x {} endmembers for {} x {} pixels",
                                  endmembers.rows(), endmembers.cols(), pixels.rows(), pixels.cols()));
  nnls::Options no;
  no.num_threads = options.num_threads;
  const MatrixF h = Nnls<float>(endmembers, pixels, no).abundances;
  const Index r = endmembers.cols(), n = pixels.cols();
  MatrixD w(n, r);  // pixels x endmembers, so that Y W is the weighted sum
  for (Index j = 0; j < n; ++j) {
    const double s = h.col(j).cast<double>().sum();
    for (Index k = 0; k < r; ++k) {
      const double x = s > 0 ? std::clamp(static_cast<double>(h(k, j)) / s, 0.0, 1.0) : 0.0;
      w(j, k) = std::pow(x, options.exponent);
    }
  }
  purity::Result out;
  out.total_weight = w.colwise().sum().transpose();
  // Sums in double, a block of pixels at a time: no double copy of the scene.
  constexpr Index kBlock = 4096;
  MatrixD sums = MatrixD::Zero(pixels.rows(), r);
  for (Index b = 0; b < n; b += kBlock) {
    const Index m = std::min(kBlock, n - b);
    sums.noalias() += pixels.middleCols(b, m).cast<double>() * w.middleRows(b, m);
  }
  out.endmembers = endmembers;
  for (Index k = 0; k < r; ++k)
    if (out.total_weight(k) > 0) out.endmembers.col(k) = (sums.col(k) / out.total_weight(k)).cast<float>();
  return out;
}

}  // namespace unmix
