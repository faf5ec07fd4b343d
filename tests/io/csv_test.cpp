// Endmember CSV files and CSV spectral libraries: round trips and errors that name the line
// and column.
#include "unmix/io/csv.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "io_test_util.hpp"
#include "testing.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/library.hpp"

namespace fs = std::filesystem;

namespace unmix::io {
namespace UNMIX_TEST_UNIT {

using testing::InputErrorMessage;
using testing::ScratchDir;

using ::unmix::testing::Contains;

Endmembers Sample() {
  Endmembers e;
  e.spectra.resize(3, 2);
  e.spectra << 0.1f, 1.0f / 3.0f, 0.2f, 2.0f / 3.0f, 0.3f, 1e-7f;
  e.names = {"dry, grass", "water \"clear\""};
  e.wavelengths = {0.4, 0.5, 0.6};
  return e;
}

TEST(EndmembersCsv, RoundTripIsExactWithWavelengthsAndQuotedNames) {
  ScratchDir dir;
  const Endmembers e = Sample();
  WriteEndmembersCsv(dir / "e.csv", e);
  const std::string text = testing::ReadText(dir / "e.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')), R"(wavelength,"dry, grass","water ""clear""")");
  const Endmembers back = ReadEndmembersCsv(dir / "e.csv");
  EXPECT_EQ(back.spectra, e.spectra);  // shortest round-trip formatting: bit-exact
  EXPECT_EQ(back.names, e.names);
  EXPECT_EQ(back.wavelengths, e.wavelengths);
}

TEST(EndmembersCsv, WithoutWavelengthsOrHeader) {
  ScratchDir dir;
  Endmembers e = Sample();
  e.wavelengths.clear();
  e.names.clear();
  WriteEndmembersCsv(dir / "e.csv", e);
  EXPECT_EQ(testing::ReadText(dir / "e.csv").substr(0, 6), "E1,E2\n");
  EXPECT_EQ(ReadEndmembersCsv(dir / "e.csv").spectra, e.spectra);

  testing::WriteText(dir / "bare.csv", "# a comment\n1,2\n\n3,4\r\n");
  const Endmembers bare = ReadEndmembersCsv(dir / "bare.csv");
  EXPECT_EQ(bare.count(), 2);
  EXPECT_EQ(bare.bands(), 2);
  EXPECT_TRUE(bare.names.empty());
  EXPECT_TRUE(bare.wavelengths.empty());
  EXPECT_EQ(bare.spectra(1, 0), 3.0f);
}

TEST(EndmembersCsv, ErrorsNameLineAndColumn) {
  ScratchDir dir;
  testing::WriteText(dir / "ragged.csv", "wavelength,a,b\n0.4,1,2\n0.5,3\n");
  std::string msg = InputErrorMessage([&] { ReadEndmembersCsv(dir / "ragged.csv"); });
  EXPECT_TRUE(Contains(msg, "ragged.csv: line 3: expected 3 fields (as on line 1), found 2")) << msg;

  testing::WriteText(dir / "word.csv", "wavelength,a\n0.4,1\n0.5,abc\n");
  msg = InputErrorMessage([&] { ReadEndmembersCsv(dir / "word.csv"); });
  EXPECT_TRUE(Contains(msg, "word.csv: line 3, column 2: expected a number, found 'abc'")) << msg;

  testing::WriteText(dir / "empty_field.csv", "a,b\n1,\n");
  msg = InputErrorMessage([&] { ReadEndmembersCsv(dir / "empty_field.csv"); });
  EXPECT_TRUE(Contains(msg, "line 2, column 2: empty value")) << msg;

  testing::WriteText(dir / "nan.csv", "a,b\n1,nan\n");
  msg = InputErrorMessage([&] { ReadEndmembersCsv(dir / "nan.csv"); });
  EXPECT_TRUE(Contains(msg, "not a finite number")) << msg;

  testing::WriteText(dir / "quote.csv", "a,\"b\n1,2\n");
  msg = InputErrorMessage([&] { ReadEndmembersCsv(dir / "quote.csv"); });
  EXPECT_TRUE(Contains(msg, "line 1: a quoted field is not closed")) << msg;

  testing::WriteText(dir / "header_only.csv", "wavelength,a\n");
  msg = InputErrorMessage([&] { ReadEndmembersCsv(dir / "header_only.csv"); });
  EXPECT_TRUE(Contains(msg, "no rows of numbers")) << msg;

  testing::WriteText(dir / "wl_only.csv", "wavelength\n1\n");
  msg = InputErrorMessage([&] { ReadEndmembersCsv(dir / "wl_only.csv"); });
  EXPECT_TRUE(Contains(msg, "no endmember columns")) << msg;

  msg = InputErrorMessage([&] { ReadEndmembersCsv(dir / "missing.csv"); });
  EXPECT_TRUE(Contains(msg, "missing.csv: file not found")) << msg;
}

TEST(LibraryCsv, SortsRowsByWavelengthAndReadsUnits) {
  ScratchDir dir;
  testing::WriteText(dir / "lib.csv",
                     "wavelength (nm),calcite,\"kaolinite, well\"\n"
                     "700,0.7,0.17\n400,0.4,0.14\n550,0.55,0.155\n");
  const SpectralLibrary lib = ReadSpectralLibrary(dir / "lib.csv");
  EXPECT_EQ(lib.wavelengths, (std::vector<double>{400, 550, 700}));
  EXPECT_EQ(lib.wavelength_units, "nanometers");
  EXPECT_EQ(lib.names, (std::vector<std::string>{"calcite", "kaolinite, well"}));
  EXPECT_DOUBLE_EQ(lib.spectra(0, 0), 0.4);
  EXPECT_DOUBLE_EQ(lib.spectra(2, 1), 0.17);
  EXPECT_EQ(lib.Find("KAO"), 1);

  testing::WriteText(dir / "noheader.csv", "1,2\n3,4\n");
  EXPECT_TRUE(Contains(InputErrorMessage([&] { ReadSpectralLibrary(dir / "noheader.csv"); }), "expected a header row"));
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::io
