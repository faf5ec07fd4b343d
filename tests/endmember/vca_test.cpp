#include "unmix/endmember/vca.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "endmember/classical_synthetic.hpp"
#include "unmix/core/error.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::MakeScene;
using testing::MatchedAnglesDeg;

class VcaNoiseFree : public ::testing::TestWithParam<int> {};

TEST_P(VcaNoiseFree, RecoversTheTrueEndmembers) {
  const Index r = GetParam();
  const auto scene = MakeScene(150, r, 2000, testing::kNoiseFree, 100 + r);
  const auto result = Vca(scene.pixels, r);
  EXPECT_TRUE(result.summary.high_snr_projection) << result.summary.BriefReport();
  for (double angle : MatchedAnglesDeg(scene.endmembers, result.endmembers)) {
    EXPECT_LT(angle, 0.5);
  }
  // ... by picking exactly the pure pixels.
  const std::set<Index> picked(result.indices.begin(), result.indices.end());
  EXPECT_EQ(picked, std::set<Index>(scene.pure.begin(), scene.pure.end()));
}

TEST_P(VcaNoiseFree, LowSnrProjectionAlsoRecoversThem) {
  const Index r = GetParam();
  const auto scene = MakeScene(120, r, 2000, testing::kNoiseFree, 200 + r);
  vca::Options o;
  o.snr_db = 0.0;  // forces the affine (PCA) projection
  const auto result = Vca(scene.pixels, r, o);
  EXPECT_FALSE(result.summary.high_snr_projection);
  for (double angle : MatchedAnglesDeg(scene.endmembers, result.endmembers)) {
    EXPECT_LT(angle, 0.5);
  }
}

INSTANTIATE_TEST_SUITE_P(RangeOfR, VcaNoiseFree, ::testing::Range(3, 9));

TEST(Vca, NoisySceneAt30dB) {
  const auto scene = MakeScene(198, 5, 5000, 30.0, 31);
  const auto result = Vca(scene.pixels, 5);
  const auto angles = MatchedAnglesDeg(scene.endmembers, result.endmembers);
  for (double angle : angles) {
    EXPECT_LT(angle, 3.0) << result.summary.BriefReport();
  }
  EXPECT_NEAR(result.summary.snr_db, 30.0, 3.0);
}

TEST(Vca, DeterministicForSeedAndThreadCount) {
  const auto scene = MakeScene(100, 6, 3000, 25.0, 32);
  vca::Options one, two;
  one.num_threads = 1;
  two.num_threads = 2;
  const auto a = Vca(scene.pixels, 6, one);
  const auto b = Vca(scene.pixels, 6, two);
  const auto c = Vca(scene.pixels, 6, one);
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_TRUE(a.endmembers == b.endmembers);
  EXPECT_TRUE(a.endmembers == c.endmembers);
}

TEST(Vca, RawEndmembersArePixels) {
  const auto scene = MakeScene(100, 4, 1000, 30.0, 33);
  vca::Options o;
  o.projected_endmembers = false;
  const auto result = Vca(scene.pixels, 4, o);
  for (Index k = 0; k < 4; ++k)
    EXPECT_TRUE(result.endmembers.col(k) == scene.pixels.col(result.indices[static_cast<std::size_t>(k)]));
}

TEST(Vca, FloatInputPicksTheSamePixels) {
  const auto scene = MakeScene(150, 5, 2000, testing::kNoiseFree, 34);
  const MatrixF yf = scene.pixels.cast<float>();
  const auto rf = Vca(yf, 5);
  const std::set<Index> picked(rf.indices.begin(), rf.indices.end());
  EXPECT_EQ(picked, std::set<Index>(scene.pure.begin(), scene.pure.end()));
}

TEST(Vca, ZeroPixelsAreNotSelected) {
  auto scene = MakeScene(100, 4, 1000, testing::kNoiseFree, 35);
  for (Index j = 0; j < 1000; j += 10)
    if (std::find(scene.pure.begin(), scene.pure.end(), j) == scene.pure.end()) scene.pixels.col(j).setZero();
  const auto result = Vca(scene.pixels, 4);
  const std::set<Index> picked(result.indices.begin(), result.indices.end());
  EXPECT_EQ(picked, std::set<Index>(scene.pure.begin(), scene.pure.end()));
  EXPECT_TRUE(result.endmembers.allFinite());
}

TEST(Vca, MoreEndmembersThanTheDataSpanIsFlagged) {
  const auto scene = MakeScene(100, 3, 1000, testing::kNoiseFree, 36);
  const auto result = Vca(scene.pixels, 6);
  EXPECT_TRUE(result.summary.rank_deficient);
  EXPECT_TRUE(result.endmembers.allFinite());
  const std::set<Index> distinct(result.indices.begin(), result.indices.end());
  EXPECT_EQ(distinct.size(), 6u);
}

TEST(Vca, AllEqualPixelsAreFlagged) {
  const MatrixD y = VectorD::LinSpaced(40, 0.1, 0.5).replicate(1, 100);
  const auto result = Vca(y, 3);
  EXPECT_TRUE(result.summary.rank_deficient);
  ASSERT_TRUE(result.endmembers.allFinite());
  for (Index k = 0; k < 3; ++k) EXPECT_LT((result.endmembers.col(k) - y.col(0)).norm(), 1e-10 * y.col(0).norm());
  const std::set<Index> distinct(result.indices.begin(), result.indices.end());
  EXPECT_EQ(distinct.size(), 3u);
}

TEST(Vca, SingleEndmember) {
  const auto scene = MakeScene(50, 1, 100, testing::kNoiseFree, 37);
  const auto result = Vca(scene.pixels, 1);
  ASSERT_EQ(result.indices.size(), 1u);
  EXPECT_LT(testing::SpectralAngleDeg(result.endmembers.col(0), scene.endmembers.col(0)), 1e-6);
}

TEST(Vca, RejectsBadCountsAndData) {
  const auto scene = MakeScene(20, 3, 30, 30.0, 38);
  EXPECT_THROW(Vca(scene.pixels, 0), OptionError);
  EXPECT_THROW(Vca(scene.pixels, -2), OptionError);
  EXPECT_THROW(Vca(scene.pixels, 21), OptionError);                      // r > p
  EXPECT_THROW(Vca(MatrixD(scene.pixels.leftCols(4)), 5), OptionError);  // r > N
  EXPECT_THROW(Vca(MatrixD(MatrixD::Zero(20, 30)), 3), InputError);
  MatrixD bad = scene.pixels;
  bad(0, 0) = std::numeric_limits<double>::infinity();
  EXPECT_THROW(Vca(bad, 3), InputError);
  vca::Options o;
  o.snr_db = std::nan("");
  EXPECT_THROW(Vca(scene.pixels, 3, o), OptionError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
