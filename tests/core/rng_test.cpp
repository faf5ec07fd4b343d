#include "unmix/core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace unmix {
namespace UNMIX_TEST_UNIT {

TEST(Rng, SameSeedSameSequence) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, NormalHasUnitMoments) {
  Rng rng(7);
  const int n = 200000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.Normal();
    s += x;
    s2 += x * x;
  }
  EXPECT_NEAR(s / n, 0.0, 0.01);
  EXPECT_NEAR(s2 / n, 1.0, 0.02);
}

TEST(Rng, BelowIsUniform) {
  Rng rng(3);
  std::vector<int> counts(6, 0);
  for (int i = 0; i < 60000; ++i) ++counts[rng.Below(6)];
  for (int c : counts) {
    EXPECT_NEAR(c, 10000, 400);
  }
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
