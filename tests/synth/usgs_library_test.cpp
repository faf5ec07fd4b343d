// Synthetic scenes from the real USGS library, when ../shared/data is present.
#include <gtest/gtest.h>

#include "testing.hpp"
#include "unmix/io/library.hpp"
#include "unmix/metrics/metrics.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

TEST(SyntheticFromUsgs, NmfSaePresetPicksItsSixMinerals) {
  UNMIX_REQUIRE_SHARED_FILE(path, "usgs_library/USGS_1995_Library.mat");
  const SpectralLibrary lib = io::ReadSpectralLibrary(path);
  auto o = SyntheticOptions::NmfSae();
  o.snr_db = 25;
  const auto s = MakeSyntheticScene(o, &lib);
  EXPECT_EQ(s.scene.pixels(), 4096);
  EXPECT_EQ(s.scene.bands(), 224);
  const std::vector<std::string> expect = {"Carnallite", "Ammonio-jarosite", "Almandine",
                                           "Brucite",    "Axinite",          "Chlorite"};
  ASSERT_EQ(s.endmembers.names.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(s.endmembers.names[i].rfind(expect[i], 0), 0u) << s.endmembers.names[i];
  }
  // Wavelengths come from the library, ascending.
  ASSERT_EQ(s.scene.wavelengths.size(), 224u);
  EXPECT_TRUE(std::is_sorted(s.scene.wavelengths.begin(), s.scene.wavelengths.end()));
}

TEST(SyntheticFromUsgs, RandomPicksRespectTheMinimumAngle) {
  UNMIX_REQUIRE_SHARED_FILE(path, "usgs_library/USGS_1995_Library.mat");
  const SpectralLibrary lib = io::ReadSpectralLibrary(path);
  auto o = SyntheticOptions::UAdmmNets();
  o.spectra.min_angle_deg = 8;
  o.seed = 11;
  const auto s = MakeSyntheticScene(o, &lib);
  const MatrixD e = s.endmembers.spectra.cast<double>();
  for (Index i = 0; i < e.cols(); ++i) {
    EXPECT_GE(e.col(i).mean(), 0.1);
    for (Index j = 0; j < i; ++j) {
      EXPECT_GE(RadToDeg(SpectralAngle(e.col(i), e.col(j))), 8.0 - 1e-3);
    }
  }
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
