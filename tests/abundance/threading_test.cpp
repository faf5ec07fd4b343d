// The solvers keep Eigen serial inside their parallel regions by lowering the OpenMP thread
// count region-locally; the caller's setting must be untouched afterwards.
#include <gtest/gtest.h>
#include <omp.h>

#include "abundance/reference_solvers.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/abundance/sunsal.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

TEST(Threading, CallerThreadCountIsUnchanged) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(3);
  Rng rng(1);
  const MatrixD a = testing::RandomEndmembers(50, 4, rng);
  const MatrixD y = testing::RandomPixels(a, 2000, rng);
  Fcls(a, y);
  Sunsal(a, y);
  EXPECT_EQ(omp_get_max_threads(), 3);
  omp_set_num_threads(before);
}

TEST(Threading, ExplicitThreadCountsGiveIdenticalResults) {
  Rng rng(2);
  const MatrixD a = testing::RandomEndmembers(198, 6, rng);
  const MatrixD y = testing::RandomPixels(a, 5000, rng);
  fcls::Options base;
  base.num_threads = 1;
  const auto ref = Fcls(a, y, base);
  for (int t : {2, 3, 5}) {
    fcls::Options o;
    o.num_threads = t;
    EXPECT_TRUE(Fcls(a, y, o).abundances == ref.abundances) << t << " threads";
  }
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
