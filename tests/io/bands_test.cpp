// Band selection by range list and by the water-vapour windows.
#include "unmix/io/bands.hpp"

#include <gtest/gtest.h>

#include "io_test_util.hpp"
#include "testing.hpp"
#include "unmix/core/error.hpp"

namespace unmix::io {
namespace UNMIX_TEST_UNIT {

using testing::CodedScene;
using testing::CodedValue;

TEST(BandSpec, ParsesRangesIntoSortedUniqueIndices) {
  EXPECT_EQ(ParseBandSpec("1-3,10,20-22", 30), (std::vector<Index>{0, 1, 2, 9, 19, 20, 21}));
  EXPECT_EQ(ParseBandSpec(" 5 , 2-3 ,3-4", 10), (std::vector<Index>{1, 2, 3, 4}));
  EXPECT_EQ(ParseBandSpec("7", 7), (std::vector<Index>{6}));
}

TEST(BandSpec, RejectsBadItemsNamingThem) {
  auto message = [](const std::string& spec) {
    try {
      ParseBandSpec(spec, 10);
    } catch (const OptionError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(""), "--bands: the band list is empty");
  EXPECT_EQ(message("0"), "--bands: band 0 is out of range 1..10");
  EXPECT_EQ(message("3-11"), "--bands: band 11 is out of range 1..10");
  EXPECT_EQ(message("5-2"), "--bands: range '5-2' runs backwards");
  EXPECT_EQ(message("1,,2"), "--bands: empty item in '1,,2' (two commas in a row?)");
  EXPECT_EQ(message("a-3"), "--bands: 'a-3' is not a band number or range like 3 or 10-20");
  EXPECT_EQ(message("-3"), "--bands: '-3' is not a band number or range like 3 or 10-20");
}

TEST(SelectBands, KeepsDataWavelengthsAndNamesTogether) {
  Scene s = CodedScene(2, 3, 5);
  s.wavelengths = {1, 2, 3, 4, 5};
  s.band_names = {"a", "b", "c", "d", "e"};
  SelectBands(s, "2,4-5");
  ASSERT_EQ(s.bands(), 3);
  EXPECT_EQ(s.wavelengths, (std::vector<double>{2, 4, 5}));
  EXPECT_EQ(s.band_names, (std::vector<std::string>{"b", "d", "e"}));
  EXPECT_EQ(s.data(1, 4), CodedValue(3, 1, 1));
  s.Validate();
}

TEST(WaterVapour, RemovesTheAbsorptionWindowsInMicrometresOrNanometres) {
  Scene um = CodedScene(1, 2, 8);
  um.wavelengths = {0.38, 0.5, 1.339, 1.34, 1.45, 1.8, 1.971, 2.46};
  um.wavelength_units = "micrometers";
  Scene nm = um;
  for (auto& w : nm.wavelengths) w *= 1000.0;
  nm.wavelength_units = "";  // guessed from the values

  EXPECT_EQ(WaterVaporFreeBands(um), (std::vector<Index>{0, 1, 2, 6, 7}));
  EXPECT_EQ(WaterVaporFreeBands(nm), (std::vector<Index>{0, 1, 2, 6, 7}));
  WaterVaporOptions edges;
  edges.trim_edges = true;
  EXPECT_EQ(WaterVaporFreeBands(um, edges), (std::vector<Index>{1, 2, 6}));

  RemoveWaterVaporBands(nm, edges);
  EXPECT_EQ(nm.wavelengths, (std::vector<double>{500, 1339, 1971}));
  EXPECT_EQ(nm.data(2, 1), CodedValue(6, 0, 1));
}

TEST(WaterVapour, NeedsWavelengths) {
  Scene s = CodedScene(1, 1, 3);
  s.source = "x.mat";
  try {
    RemoveWaterVaporBands(s);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("x.mat: wavelengths: unknown", 0), 0u) << e.what();
  }
  s.wavelengths = {1, 2, 3};
  s.wavelength_units = "index";
  EXPECT_THROW(RemoveWaterVaporBands(s), InputError);
  s.wavelengths = {1.35, 1.4, 1.8};
  s.wavelength_units = "micrometers";
  EXPECT_THROW(RemoveWaterVaporBands(s), InputError);  // nothing would remain
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::io
