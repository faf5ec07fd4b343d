#include "unmix/endmember/nfindr.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "endmember/classical_synthetic.hpp"
#include "unmix/core/error.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using testing::MakeScene;

class NFindrNoiseFree : public ::testing::TestWithParam<int> {};

TEST_P(NFindrNoiseFree, FindsThePurePixels) {
  const Index r = GetParam();
  const auto scene = MakeScene(120, r, 2000, testing::kNoiseFree, 300 + r);
  const auto result = NFindr(scene.pixels, r);
  EXPECT_TRUE(result.summary.converged) << result.summary.BriefReport();
  EXPECT_FALSE(result.summary.rank_deficient);
  const std::set<Index> picked(result.indices.begin(), result.indices.end());
  EXPECT_EQ(picked, std::set<Index>(scene.pure.begin(), scene.pure.end()));
  for (double angle : testing::MatchedAnglesDeg(scene.endmembers, result.endmembers))
    EXPECT_LT(angle, 1e-4);  // identical vectors; acos resolution near 0
}

INSTANTIATE_TEST_SUITE_P(RangeOfR, NFindrNoiseFree, ::testing::Range(2, 9));

TEST(NFindr, SwapsFromAPoorStartReachThePurePixels) {
  // Start from mixed pixels: the swaps alone must find the pure ones (noise-free data), and the
  // volume must end above the start's.
  for (std::uint64_t seed = 40; seed < 46; ++seed) {
    const auto scene = MakeScene(80, 6, 3000, testing::kNoiseFree, seed, 0.3);
    nfindr::Options o;
    for (Index j = 0; static_cast<Index>(o.initial_indices.size()) < 6; ++j)
      if (std::find(scene.pure.begin(), scene.pure.end(), j) == scene.pure.end()) o.initial_indices.push_back(j);
    const auto result = NFindr(scene.pixels, 6, o);
    EXPECT_TRUE(result.summary.used_initial_indices);
    EXPECT_TRUE(result.summary.converged);
    EXPECT_GE(result.summary.iterations, 1);
    const std::set<Index> picked(result.indices.begin(), result.indices.end());
    EXPECT_EQ(picked, std::set<Index>(scene.pure.begin(), scene.pure.end())) << "seed " << seed;
    nfindr::Options frozen = o;
    frozen.max_iterations = 0;
    const auto start = NFindr(scene.pixels, 6, frozen);
    EXPECT_EQ(start.indices, o.initial_indices);
    EXPECT_FALSE(start.summary.converged);
    EXPECT_GT(result.summary.log_volume, start.summary.log_volume);
  }
}

TEST(NFindr, DegenerateOrInvalidStart) {
  const auto scene = MakeScene(40, 3, 300, testing::kNoiseFree, 52);
  nfindr::Options o;
  // Three copies of one spectrum: degenerate, so the greedy start is used instead.
  MatrixD y = scene.pixels;
  y.col(1) = y.col(0);
  y.col(2) = y.col(0);
  o.initial_indices = {0, 1, 2};
  const auto result = NFindr(y, 3, o);
  EXPECT_FALSE(result.summary.used_initial_indices);
  EXPECT_EQ(std::set<Index>(result.indices.begin(), result.indices.end()),
            std::set<Index>(scene.pure.begin(), scene.pure.end()));
  o.initial_indices = {0, 0, 2};
  EXPECT_THROW(NFindr(y, 3, o), OptionError);
  o.initial_indices = {0, 1};
  EXPECT_THROW(NFindr(y, 3, o), OptionError);
  o.initial_indices = {0, 1, 300};
  EXPECT_THROW(NFindr(y, 3, o), OptionError);
}

TEST(NFindr, NoisySceneAt30dB) {
  const auto scene = MakeScene(198, 5, 5000, 30.0, 47);
  const auto result = NFindr(scene.pixels, 5);
  for (double angle : testing::MatchedAnglesDeg(scene.endmembers, result.endmembers)) EXPECT_LT(angle, 3.0);
}

TEST(NFindr, SameResultForAnyThreadCount) {
  const auto scene = MakeScene(100, 5, 3000, 25.0, 48);
  nfindr::Options one, two;
  one.num_threads = 1;
  two.num_threads = 2;
  const auto a = NFindr(scene.pixels, 5, one);
  const auto b = NFindr(scene.pixels, 5, two);
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_EQ(a.summary.log_volume, b.summary.log_volume);
}

TEST(NFindr, SingleEndmemberIsThePixelNearestTheMean) {
  const auto scene = MakeScene(30, 3, 500, 30.0, 49);
  const auto result = NFindr(scene.pixels, 1);
  const VectorD mean = scene.pixels.rowwise().mean();
  Index nearest = 0;
  (scene.pixels.colwise() - mean).colwise().squaredNorm().minCoeff(&nearest);
  ASSERT_EQ(result.indices.size(), 1u);
  EXPECT_EQ(result.indices[0], nearest);
}

TEST(NFindr, RankDeficientDataAreFlagged) {
  const auto scene = MakeScene(60, 3, 500, testing::kNoiseFree, 50);
  const auto result = NFindr(scene.pixels, 5);
  EXPECT_TRUE(result.summary.rank_deficient);
  EXPECT_TRUE(result.endmembers.allFinite());
  EXPECT_EQ(std::set<Index>(result.indices.begin(), result.indices.end()).size(), 5u);

  const MatrixD equal = VectorD::LinSpaced(40, 0.1, 0.5).replicate(1, 100);
  const auto flat = NFindr(equal, 3);
  EXPECT_TRUE(flat.summary.rank_deficient);
  EXPECT_TRUE(flat.endmembers.allFinite());
}

TEST(NFindr, RejectsBadCountsAndOptions) {
  const auto scene = MakeScene(20, 3, 30, 30.0, 51);
  EXPECT_THROW(NFindr(scene.pixels, 0), OptionError);
  EXPECT_THROW(NFindr(scene.pixels, 21), OptionError);
  EXPECT_THROW(NFindr(MatrixD(scene.pixels.leftCols(3)), 4), OptionError);
  nfindr::Options o;
  o.tolerance = -1.0;
  EXPECT_THROW(NFindr(scene.pixels, 3, o), OptionError);
  MatrixD bad = scene.pixels;
  bad(1, 1) = std::nan("");
  EXPECT_THROW(NFindr(bad, 3), InputError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
