#include "unmix/endmember/spatial_mean.hpp"

#include <algorithm>
#include <string>

#include "unmix/core/error.hpp"

namespace unmix {

MatrixF SpatialMean(const Scene& scene, Index window) {
  if (window < 1 || window % 2 == 0)
    throw OptionError("spatial mean: the window must be an odd number of pixels >= 1 (got " + std::to_string(window) +
                      ")");
  const Index rows = scene.rows, cols = scene.cols, p = scene.bands(), n = scene.pixels();
  if (rows * cols != n) throw OptionError("spatial mean: the scene's rows x cols does not match its pixel count");
  const Index h = window / 2;
  const auto valid = [&](Index k) { return scene.valid.empty() || scene.valid[static_cast<size_t>(k)] != 0; };
  // Two passes of running sums in double (band values and valid counts): along each row, then
  // along each column of the row sums.
  MatrixD sum = MatrixD::Zero(p, n);
  VectorD count = VectorD::Zero(n);
  MatrixD row_sum(p, n);
  VectorD row_count(n);
  for (Index r = 0; r < rows; ++r) {
    VectorD run = VectorD::Zero(p);
    double run_n = 0;
    // window [c - h, c + h]: add c + h, remove c - h - 1
    for (Index c = -h; c < cols; ++c) {
      const Index add = c + h, drop = c - h - 1;
      if (add < cols && valid(r * cols + add)) run += scene.data.col(r * cols + add).cast<double>(), run_n += 1;
      if (drop >= 0 && valid(r * cols + drop)) run -= scene.data.col(r * cols + drop).cast<double>(), run_n -= 1;
      if (c >= 0) row_sum.col(r * cols + c) = run, row_count(r * cols + c) = run_n;
    }
  }
  for (Index c = 0; c < cols; ++c) {
    VectorD run = VectorD::Zero(p);
    double run_n = 0;
    for (Index r = -h; r < rows; ++r) {
      const Index add = r + h, drop = r - h - 1;
      if (add < rows) run += row_sum.col(add * cols + c), run_n += row_count(add * cols + c);
      if (drop >= 0) run -= row_sum.col(drop * cols + c), run_n -= row_count(drop * cols + c);
      if (r >= 0) sum.col(r * cols + c) = run, count(r * cols + c) = run_n;
    }
  }
  const auto idx = scene.valid_indices();
  MatrixF out(p, static_cast<Index>(idx.size()));
  for (size_t j = 0; j < idx.size(); ++j) {
    const Index k = idx[j];
    // A valid pixel counts itself, so count >= 1.
    out.col(static_cast<Index>(j)) = (sum.col(k) / count(k)).cast<float>();
  }
  return out;
}

}  // namespace unmix
