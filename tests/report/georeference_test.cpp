// The scene's CRS, pixel size and extent in run.json and report.html, through the real `unmix`
// binary: a GeoTIFF with an EPSG code, ENVI headers with `map info` (UTM and geographic) and with
// the `coordinate system string` GDAL writes, the comparison page, a rebuilt report without the
// input, and scenes without georeferencing, which show none of it.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "report/report_cli.hpp"
#include "testing.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

namespace fs = std::filesystem;
using testing::RunCli;
using testing::ScratchDir;

using ::unmix::testing::GeoreferencedReportScene;
using ::unmix::testing::Slurp;
using ::unmix::testing::SynthReportScene;

nlohmann::json RunJson(const fs::path& folder) { return nlohmann::json::parse(Slurp(folder / "run.json")); }

// The text of the page's georeference line (<p id="georeference">), or "(absent)".
std::string GeoLine(const fs::path& report) {
  const std::string html = Slurp(report);
  const std::regex re("<p class=\"sub\" id=\"georeference\">([^<]*)</p>");
  std::smatch m;
  return std::regex_search(html, m, re) ? m[1].str() : std::string("(absent)");
}

// `unmix run --method vca-fcls` of `scene` scored against `gt` into `out`.
void RunVcaFcls(const fs::path& scene, const fs::path& gt, const fs::path& out) {
  const auto r = RunCli("run -q --method vca-fcls --input '" + scene.string() + "' --gt '" + gt.string() + "' --out '" +
                        out.string() + "' --seed 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void ExpectNoGeoreference(const fs::path& folder) {
  EXPECT_FALSE(RunJson(folder).contains("georeference"));
  const std::string html = Slurp(folder / "report.html");
  EXPECT_EQ(GeoLine(folder / "report.html"), "(absent)");
  EXPECT_FALSE(testing::Contains(html, "pixel size"));
  EXPECT_FALSE(testing::Contains(html, "CRS "));
  EXPECT_FALSE(testing::Contains(html, "extent x"));
}

constexpr const char* kUtmLine =
    "CRS WGS 84 / UTM zone 33N (EPSG:32633) &middot; pixel size 30 &times; 20 metre &middot; extent x 500000 to "
    "500750, y 4199500 to 4200000 metre";

TEST(GeoreferencedReport, GeoTiffShowsCrsPixelSizeAndExtent) {
  ScratchDir dir;
  GeoreferencedReportScene(dir);
  RunVcaFcls(dir / "g" / "scene.tif", dir / "g" / "gt.mat", dir / "runs" / "a");
  const fs::path a = dir / "runs" / "a";

  const auto geo = RunJson(a)["georeference"];
  EXPECT_EQ(geo["crs"], "WGS 84 / UTM zone 33N");
  EXPECT_EQ(geo["crs_code"], "EPSG:32633");
  EXPECT_EQ(geo["units"], "metre");
  EXPECT_EQ(geo["pixel_size"], nlohmann::json({30.0, 20.0}));
  EXPECT_EQ(geo["extent"],
            nlohmann::json({{"min_x", 500000.0}, {"min_y", 4199500.0}, {"max_x", 500750.0}, {"max_y", 4200000.0}}));
  EXPECT_EQ(geo["rotated"], false);
  EXPECT_EQ(GeoLine(a / "report.html"), kUtmLine);
  const auto info = RunCli("info '" + (dir / "g" / "scene.tif").string() + "'");
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_TRUE(testing::Contains(info.output, "projection   WGS 84 / UTM zone 33N (EPSG:32633)\n")) << info.output;
  EXPECT_TRUE(testing::Contains(info.output, "geotransform origin (500000, 4200000), pixel size (30, -20)"))
      << info.output;

  // The abundance maps carry the same grid and CRS.
  GDALAllRegister();
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen((a / "abundances.tif").c_str(), GA_ReadOnly));
  ASSERT_NE(ds, nullptr);
  double t[6] = {};
  ASSERT_EQ(ds->GetGeoTransform(t), CE_None);
  EXPECT_EQ(std::vector<double>(t, t + 6), (std::vector<double>{500000, 30, 0, 4200000, 0, -20}));
  ASSERT_NE(ds->GetSpatialRef(), nullptr);
  EXPECT_STREQ(ds->GetSpatialRef()->GetAuthorityCode(nullptr), "32633");
  GDALClose(ds);

  // The line comes from run.json: a rebuilt report shows it with the input gone, and so does a
  // comparison of two runs of the scene.
  RunVcaFcls(dir / "g" / "scene.tif", dir / "g" / "gt.mat", dir / "runs" / "b");
  fs::remove(dir / "g" / "scene.tif");
  fs::remove(a / "report.html");
  auto r = RunCli("report -q '" + a.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(GeoLine(a / "report.html"), kUtmLine);
  r = RunCli("report -q '" + (dir / "runs").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(GeoLine(dir / "runs" / "report.html"), kUtmLine);
}

TEST(GeoreferencedReport, ScenesWithoutGeoreferencingShowNone) {
  ScratchDir dir;
  // ENVI without map info, and a GeoTIFF without a CRS or geotransform.
  SynthReportScene(dir);
  RunVcaFcls(dir / "s" / "scene.hdr", dir / "s" / "gt.mat", dir / "envi");
  ExpectNoGeoreference(dir / "envi");
  auto r = RunCli("synth -q --patch 5 -r 4 --snr 40 --seed 2 --format gtiff --out '" + (dir / "t").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  RunVcaFcls(dir / "t" / "scene.tif", dir / "t" / "gt.mat", dir / "tif");
  ExpectNoGeoreference(dir / "tif");
  r = RunCli("report -q '" + (dir / "envi").string() + "' '" + (dir / "tif").string() + "' --out '" +
             (dir / "cmp").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(GeoLine(dir / "cmp" / "report.html"), "(absent)");
}

// An ENVI header as ENVI writes it: `map info` alone (the CRS is named after the EPSG entry it
// equals), UTM and geographic.
TEST(GeoreferencedReport, EnviMapInfoShowsCrsPixelSizeAndExtent) {
  ScratchDir dir;
  SynthReportScene(dir);
  const fs::path hdr = dir / "s" / "scene.hdr";
  const std::string header = Slurp(hdr);
  struct Case {
    std::string map_info, line;
  };
  const std::vector<Case> cases = {
      {"{UTM, 1.000, 1.000, 600000.000, 5000000.000, 2.5, 4.0, 33, North, WGS-84, units=Meters}",
       "CRS WGS 84 / UTM zone 33N (EPSG:32633) &middot; pixel size 2.5 &times; 4 metre &middot; extent x 600000 to "
       "600062.5, y 4999900 to 5000000 metre"},
      // Reference pixel (3, 2) at (15.002, 45.999): the upper-left corner is (15, 46).
      {"{Geographic Lat/Lon, 3.0, 2.0, 15.002, 45.999, 0.001, 0.001, WGS-84, units=Degrees}",
       "CRS WGS 84 (EPSG:4326) &middot; pixel size 0.001 &times; 0.001 degree &middot; extent x 15 to 15.025, y "
       "45.975 to 46 degree"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].map_info);
    std::ofstream(hdr, std::ios::binary) << header << "map info = " << cases[i].map_info << "\n";
    const fs::path out = dir / ("run" + std::to_string(i));
    RunVcaFcls(hdr, dir / "s" / "gt.mat", out);
    EXPECT_EQ(GeoLine(out / "report.html"), cases[i].line);
    EXPECT_TRUE(RunJson(out).contains("georeference"));
    // `unmix info` names the CRS as the report does.
    const auto info = RunCli("info '" + hdr.string() + "'");
    ASSERT_EQ(info.exit_code, 0) << info.output;
    EXPECT_TRUE(testing::Contains(info.output, "projection   " + cases[i].line.substr(4, cases[i].line.find(')') - 3)))
        << info.output;
  }
}

// The header GDAL writes for a georeferenced scene: `map info` and `coordinate system string`.
TEST(GeoreferencedReport, EnviCoordinateSystemStringShowsCrsPixelSizeAndExtent) {
  ScratchDir dir;
  GeoreferencedReportScene(dir);
  GDALAllRegister();
  GDALDataset* src = static_cast<GDALDataset*>(GDALOpen((dir / "g" / "scene.tif").c_str(), GA_ReadOnly));
  ASSERT_NE(src, nullptr);
  GDALDriver* envi = GetGDALDriverManager()->GetDriverByName("ENVI");
  ASSERT_NE(envi, nullptr);
  GDALDataset* copy = envi->CreateCopy((dir / "e.img").c_str(), src, FALSE, nullptr, nullptr, nullptr);
  ASSERT_NE(copy, nullptr);
  GDALClose(copy);
  GDALClose(src);
  const std::string header = Slurp(dir / "e.hdr");
  ASSERT_TRUE(testing::Contains(header, "map info")) << header.substr(0, 2000);
  ASSERT_TRUE(testing::Contains(header, "coordinate system string")) << header.substr(0, 2000);
  fs::remove(dir / "e.img.aux.xml");  // only the header speaks
  RunVcaFcls(dir / "e.hdr", dir / "g" / "gt.mat", dir / "run");
  EXPECT_EQ(GeoLine(dir / "run" / "report.html"), kUtmLine);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
