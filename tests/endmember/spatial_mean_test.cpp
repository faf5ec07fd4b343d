#include "unmix/endmember/spatial_mean.hpp"

#include <gtest/gtest.h>

#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

Scene RandomScene(Index rows, Index cols, Index p, Rng& rng, bool with_mask) {
  Scene s;
  s.rows = rows;
  s.cols = cols;
  s.data.resize(p, rows * cols);
  for (Index k = 0; k < s.data.size(); ++k) s.data.data()[k] = static_cast<float>(rng.Uniform());
  if (with_mask) {
    s.valid.assign(static_cast<size_t>(rows * cols), 1);
    for (Index k = 0; k < rows * cols; k += 7) s.valid[static_cast<size_t>(k)] = 0;
  }
  return s;
}

TEST(SpatialMean, EqualsTheBruteForceWindowMeanOverValidPixels) {
  Rng rng(4);
  for (bool mask : {false, true}) {
    const Scene s = RandomScene(9, 13, 5, rng, mask);
    for (Index window : {1, 3, 7, 21}) {
      const MatrixF m = SpatialMean(s, window);
      const auto idx = s.valid_indices();
      ASSERT_EQ(m.cols(), static_cast<Index>(idx.size()));
      const Index h = window / 2;
      for (size_t j = 0; j < idx.size(); ++j) {
        const Index r0 = idx[j] / s.cols, c0 = idx[j] % s.cols;
        VectorD sum = VectorD::Zero(s.bands());
        int n = 0;
        for (Index r = std::max<Index>(0, r0 - h); r <= std::min(s.rows - 1, r0 + h); ++r)
          for (Index c = std::max<Index>(0, c0 - h); c <= std::min(s.cols - 1, c0 + h); ++c) {
            const Index k = r * s.cols + c;
            if (!s.valid.empty() && !s.valid[static_cast<size_t>(k)]) continue;
            sum += s.data.col(k).cast<double>();
            ++n;
          }
        EXPECT_LT((m.col(static_cast<Index>(j)).cast<double>() - sum / n).cwiseAbs().maxCoeff(), 1e-6)
            << "window " << window << " pixel " << idx[j] << " mask " << mask;
      }
    }
  }
}

TEST(SpatialMean, RejectsEvenWindowsAndMismatchedLayouts) {
  Rng rng(5);
  Scene s = RandomScene(4, 4, 3, rng, false);
  EXPECT_THROW(SpatialMean(s, 4), OptionError);
  EXPECT_THROW(SpatialMean(s, 0), OptionError);
  s.rows = 3;
  EXPECT_THROW(SpatialMean(s, 3), OptionError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
