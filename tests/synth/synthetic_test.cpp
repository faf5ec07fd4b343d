#include "unmix/synth/synthetic.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "unmix/core/error.hpp"
#include "unmix/metrics/metrics.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

TEST(GaussianKernel, NormalisedWithRequestedVariance) {
  const MatrixD w = GaussianKernel(11, 2.0);
  EXPECT_NEAR(w.sum(), 1.0, 1e-14);
  double var_x = 0;
  for (Index i = 0; i < 11; ++i)
    for (Index j = 0; j < 11; ++j) var_x += w(i, j) * (j - 5.0) * (j - 5.0);
  EXPECT_NEAR(var_x, 2.0, 2.0 * 0.01);  // truncation at 3.5 sigma costs well under 1%
  EXPECT_NEAR(w(5, 5), w.maxCoeff(), 0);
  EXPECT_NEAR(w(0, 3), w(3, 0), 1e-18);  // symmetric
}

TEST(PatchAbundances, TwoEndmembersPerPatchWithGammaSplit) {
  Rng rng(4);
  const Index a = 5, r = 6;
  const MatrixD x = PatchAbundances(a, r, 0.8, rng);
  ASSERT_EQ(x.rows(), r);
  ASSERT_EQ(x.cols(), a * a * a * a);
  const Index side = a * a;
  std::set<std::pair<Index, Index>> pairs;
  for (Index pi = 0; pi < a; ++pi)
    for (Index pj = 0; pj < a; ++pj) {
      const VectorD first = x.col(pi * a * side + pj * a);
      std::vector<Index> nz;
      for (Index m = 0; m < r; ++m)
        if (first(m) > 0) nz.push_back(m);
      ASSERT_EQ(nz.size(), 2u) << "patch " << pi << "," << pj;
      EXPECT_NEAR(std::max(first(nz[0]), first(nz[1])), 0.8, 1e-15);
      EXPECT_NEAR(std::min(first(nz[0]), first(nz[1])), 0.2, 1e-15);
      pairs.insert({nz[0], nz[1]});
      // every pixel of the patch equals its first pixel
      for (Index i = pi * a; i < (pi + 1) * a; ++i)
        for (Index j = pj * a; j < (pj + 1) * a; ++j)
          EXPECT_EQ((x.col(i * side + j) - first).cwiseAbs().maxCoeff(), 0.0);
    }
  EXPECT_GT(pairs.size(), 5u);  // random pairs, not one repeated choice
}

TEST(BlurAbundances, InteriorIsPlainConvolutionAndBorderIsNormalised) {
  Rng rng(9);
  const Index side = 12, r = 3;
  MatrixD x(r, side * side);
  for (Index k = 0; k < x.cols(); ++k)
    for (Index m = 0; m < r; ++m) x(m, k) = rng.Uniform();
  RescaleToSumOne(x);
  const MatrixD w = GaussianKernel(5, 2.0);
  MatrixD b = BlurAbundances(x, side, w);
  // Interior pixel (6,6): every tap inside the image.
  VectorD expect = VectorD::Zero(r);
  for (Index u = 0; u < 5; ++u)
    for (Index v = 0; v < 5; ++v) expect += w(u, v) * x.col((6 + u - 2) * side + (6 + v - 2));
  EXPECT_LT((b.col(6 * side + 6) - expect).norm(), 1e-14);
  EXPECT_NEAR(b.col(6 * side + 6).sum(), 1.0, 1e-14);
  // Corner (0,0): zero padding loses kernel mass; rescaling gives the normalised convolution.
  double mass = 0;
  expect.setZero();
  for (Index u = 2; u < 5; ++u)
    for (Index v = 2; v < 5; ++v) {
      mass += w(u, v);
      expect += w(u, v) * x.col((u - 2) * side + (v - 2));
    }
  EXPECT_NEAR(b.col(0).sum(), mass, 1e-14);
  RescaleToSumOne(b);
  EXPECT_LT((b.col(0) - expect / mass).norm(), 1e-14);
}

TEST(MakeSyntheticScene, UAdmmNetsDefaults) {
  const auto s = MakeSyntheticScene(SyntheticOptions::UAdmmNets());
  EXPECT_EQ(s.scene.bands(), 224);
  EXPECT_EQ(s.scene.rows, 100);
  EXPECT_EQ(s.scene.cols, 100);
  EXPECT_EQ(s.scene.pixels(), 10000);
  EXPECT_EQ(s.endmembers.count(), 6);
  EXPECT_EQ(s.abundances.values.rows(), 6);
  EXPECT_NO_THROW(s.scene.Validate());
  const MatrixD x = s.abundances.values.cast<double>();
  EXPECT_GE(x.minCoeff(), 0.0);
  EXPECT_LT((x.colwise().sum().array() - 1.0).abs().maxCoeff(), 1e-6);
  // Blur mixes: the largest fraction is below gamma in most pixels near patch edges, and
  // no pixel is left with exactly the unblurred split everywhere.
  EXPECT_LT(x.colwise().maxCoeff().mean(), 0.8);
  // Noise-free by default: data equals A X.
  EXPECT_EQ(s.noise_sigma, 0.0);
  EXPECT_LT((s.scene.data - s.clean).cwiseAbs().maxCoeff(), 1e-6f);
  EXPECT_EQ(s.scene.wavelengths.size(), 224u);
}

TEST(MakeSyntheticScene, SnrMatchesDefinition) {
  for (double snr : {15.0, 25.0, 40.0}) {
    auto o = SyntheticOptions::UAdmmNets();
    o.snr_db = snr;
    o.seed = 3;
    const auto s = MakeSyntheticScene(o);
    const MatrixD clean = s.clean.cast<double>();
    const MatrixD noise = s.scene.data.cast<double>() - clean;
    const double measured =
        10 * std::log10(clean.colwise().squaredNorm().mean() / noise.colwise().squaredNorm().mean());
    EXPECT_NEAR(measured, snr, 0.05) << "2.24 million noise samples: the estimate is tight";
    EXPECT_NEAR(s.realized_snr_db, measured, 0.01);
    EXPECT_NEAR(noise.mean(), 0.0, 5 * s.noise_sigma / std::sqrt(static_cast<double>(noise.size())));
  }
}

TEST(MakeSyntheticScene, SameSeedSameSceneDifferentSeedDifferent) {
  auto o = SyntheticOptions::UAdmmNets();
  o.snr_db = 20;
  o.seed = 17;
  const auto a = MakeSyntheticScene(o), b = MakeSyntheticScene(o);
  EXPECT_EQ(a.scene.data, b.scene.data);
  EXPECT_EQ(a.endmembers.spectra, b.endmembers.spectra);
  o.seed = 18;
  const auto c = MakeSyntheticScene(o);
  EXPECT_NE(a.scene.data, c.scene.data);
}

TEST(GenerateSpectra, SmoothBrightAndApart) {
  SpectraOptions o;
  o.min_angle_deg = 8;
  Rng rng(1);
  const MatrixD e = GenerateSpectra(8, o, rng);
  ASSERT_EQ(e.rows(), 224);
  for (Index j = 0; j < e.cols(); ++j) {
    EXPECT_GE(e.col(j).mean(), o.min_mean_reflectance);
    EXPECT_LE(e.col(j).maxCoeff(), 0.95 + 1e-12);
    EXPECT_GE(e.col(j).minCoeff(), 0.02 - 1e-12);
    // Smooth: adjacent-band steps are small relative to the range (narrowest dip spans ~2 bands).
    const VectorD d = e.col(j).tail(223) - e.col(j).head(223);
    EXPECT_LT(d.cwiseAbs().maxCoeff(), 0.25);
    for (Index k = 0; k < j; ++k) EXPECT_GE(RadToDeg(SpectralAngle(e.col(j), e.col(k))), 8.0 - 1e-9);
  }
}

TEST(GenerateSpectra, ImpossibleAngleIsAClearError) {
  SpectraOptions o;
  o.min_angle_deg = 80;
  o.max_attempts = 200;
  Rng rng(1);
  try {
    GenerateSpectra(10, o, rng);
    FAIL() << "expected OptionError";
  } catch (const OptionError& e) {
    EXPECT_NE(std::string(e.what()).find("80 degrees"), std::string::npos) << e.what();
  }
}

SpectralLibrary SmallLibrary() {
  SpectralLibrary lib;
  Rng rng(2);
  SpectraOptions o;
  o.bands = 50;
  o.min_angle_deg = 3;
  lib.spectra = GenerateSpectra(12, o, rng);
  lib.spectra.col(11) *= 0.05;  // a dark spectrum that must never be picked at random
  lib.wavelengths = GeneratedWavelengths(o);
  for (int i = 0; i < 12; ++i) lib.names.push_back(fmt::format("Mineral{:02d} sample", i));
  lib.source = "small.lib";
  return lib;
}

TEST(MakeSyntheticScene, FromLibraryByNameAndAtRandom) {
  const auto lib = SmallLibrary();
  auto o = SyntheticOptions::UAdmmNets();
  o.patch = 4;
  o.endmembers = 3;
  o.library_names = {"mineral05", "Mineral02", "MINERAL09"};
  auto s = MakeSyntheticScene(o, &lib);
  EXPECT_EQ(s.scene.bands(), 50);
  EXPECT_EQ(s.endmembers.names[0], "Mineral05 sample");
  EXPECT_EQ(s.endmembers.spectra.col(1), lib.spectra.col(2).cast<float>());
  EXPECT_EQ(s.scene.pixels(), 256);

  o.library_names.clear();
  o.endmembers = 6;
  o.spectra.min_angle_deg = 3;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    o.seed = seed;
    s = MakeSyntheticScene(o, &lib);
    for (const auto& n : s.endmembers.names) {
      EXPECT_NE(n, "Mineral11 sample") << "dark picked";
    }
  }
  o.library_names = std::vector<std::string>(6, "Quartz");
  EXPECT_THROW(MakeSyntheticScene(o, &lib), OptionError);
}

TEST(RegionAbundances, OnePureEndmemberPerPixelAndEveryEndmemberUsed) {
  Rng rng(8);
  const Index side = 30, r = 4;
  const MatrixD x = RegionAbundances(side, r, 12, rng);
  ASSERT_EQ(x.rows(), r);
  ASSERT_EQ(x.cols(), side * side);
  std::set<Index> used;
  for (Index j = 0; j < x.cols(); ++j) {
    Index k = 0;
    EXPECT_EQ(x.col(j).maxCoeff(&k), 1.0);
    EXPECT_EQ(x.col(j).sum(), 1.0);
    used.insert(k);
  }
  EXPECT_EQ(used.size(), static_cast<size_t>(r));
  // Cells are connected regions: most pixels share their endmember with the right neighbour.
  Index same = 0;
  for (Index i = 0; i < side; ++i)
    for (Index j = 0; j + 1 < side; ++j) same += x.col(i * side + j) == x.col(i * side + j + 1);
  EXPECT_GT(same, side * (side - 1) * 8 / 10);
}

TEST(MakeSyntheticScene, RegionsWithBrightnessHavePurePixelsScaledWithinTheRange) {
  auto o = SyntheticOptions::UAdmmNets();
  o.layout = SyntheticOptions::Layout::kRegions;
  o.regions = 40;
  o.endmembers = 5;
  o.brightness = 0.2;
  o.seed = 2;
  const auto s = MakeSyntheticScene(o);
  const MatrixD x = s.abundances.values.cast<double>();
  EXPECT_LT((x.colwise().sum().array() - 1.0).abs().maxCoeff(), 1e-6);
  EXPECT_GT((x.colwise().maxCoeff().array() > 0.999).count(), x.cols() / 4) << "pure region interiors";
  // clean = E X diag(s) with s in [0.8, 1.2], and s varies.
  const MatrixD ex = s.endmembers.spectra.cast<double>() * x;
  double lo = 2, hi = 0;
  for (Index j = 0; j < ex.cols(); ++j) {
    const double f = s.clean.col(j).cast<double>().dot(ex.col(j)) / ex.col(j).squaredNorm();
    EXPECT_LT((s.clean.col(j).cast<double>() - f * ex.col(j)).norm(), 1e-5 * ex.col(j).norm());
    lo = std::min(lo, f), hi = std::max(hi, f);
  }
  EXPECT_GE(lo, 0.8 - 1e-6);
  EXPECT_LE(hi, 1.2 + 1e-6);
  EXPECT_LT(lo, 0.81);
  EXPECT_GT(hi, 1.19);
  EXPECT_NE(s.scene.source.find("regions=40"), std::string::npos) << s.scene.source;
  // Deterministic.
  EXPECT_EQ(MakeSyntheticScene(o).scene.data, s.scene.data);
}

TEST(MakeSyntheticScene, BrightnessOffLeavesThePapersSceneAsItWas) {
  auto o = SyntheticOptions::UAdmmNets();
  o.seed = 5;
  o.snr_db = 25;
  const auto a = MakeSyntheticScene(o);
  o.brightness = 0.0;
  o.regions = 7;  // ignored with the patch layout
  EXPECT_EQ(MakeSyntheticScene(o).scene.data, a.scene.data);
  o.brightness = 0.1;
  EXPECT_NE(MakeSyntheticScene(o).scene.data, a.scene.data);
  EXPECT_EQ(MakeSyntheticScene(o).abundances.values, a.abundances.values);
}

TEST(SyntheticOptions, RejectsNonsense) {
  std::string why;
  auto o = SyntheticOptions::UAdmmNets();
  o.patch = 0;
  EXPECT_FALSE(o.IsValid(&why));
  EXPECT_NE(why.find("patch"), std::string::npos);
  o = SyntheticOptions::UAdmmNets();
  o.snr_db = -5;
  EXPECT_FALSE(o.IsValid(&why));
  o.snr_db = std::nan("");
  EXPECT_FALSE(o.IsValid(&why));
  o = SyntheticOptions::UAdmmNets();
  o.gamma = 1.5;
  EXPECT_FALSE(o.IsValid(&why));
  o = SyntheticOptions::UAdmmNets();
  o.endmembers = 300;
  EXPECT_FALSE(o.IsValid(&why));
  EXPECT_THROW(MakeSyntheticScene(o), OptionError);
  o = SyntheticOptions::UAdmmNets();
  o.brightness = 1.0;
  EXPECT_FALSE(o.IsValid(&why));
  EXPECT_NE(why.find("brightness"), std::string::npos);
  o.brightness = -0.1;
  EXPECT_FALSE(o.IsValid(&why));
  o = SyntheticOptions::UAdmmNets();
  o.layout = SyntheticOptions::Layout::kRegions;
  o.regions = 3;  // fewer than the 6 endmembers
  EXPECT_FALSE(o.IsValid(&why));
  EXPECT_NE(why.find("regions"), std::string::npos);
  EXPECT_TRUE(SyntheticOptions::NmfSae().IsValid(&why)) << why;
  EXPECT_EQ(SyntheticOptions::NmfSae().image_side(), 64);
  EXPECT_EQ(SyntheticOptions::NmfSae().kernel(), 9);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
