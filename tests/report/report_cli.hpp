#pragma once
// The scene and `unmix run` arguments shared by the report tests that run the real CLI.
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <string>

#include "testing.hpp"

namespace unmix::testing {

// A 5 x 5-patch synthetic scene with 4 endmembers at 40 dB and its ground truth, in dir/s.
inline void SynthReportScene(const ScratchDir& dir) {
  const auto r = RunCli("synth -q --patch 5 -r 4 --snr 40 --seed 2 --out '" + (dir / "s").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

// `unmix run` of `method` on that scene (scored against its ground truth) into dir/out.
inline std::string ReportRunArgs(const ScratchDir& dir, const std::string& method, const std::string& out) {
  return "run -q --method " + method + " --input '" + (dir / "s" / "scene.hdr").string() + "' --gt '" +
         (dir / "s" / "gt.mat").string() + "' --out '" + (dir / out).string() + "' --seed 1";
}

// The same scene written as a GeoTIFF (dir/g/scene.tif, with dir/g/gt.mat), then given the CRS
// WGS 84 / UTM zone 33N (EPSG:32633), its upper-left corner at (500000, 4200000) and pixels 30 m
// wide and 20 m tall: the extent is x 500000 to 500750, y 4199500 to 4200000.
inline void GeoreferencedReportScene(const ScratchDir& dir) {
  const auto r =
      RunCli("synth -q --patch 5 -r 4 --snr 40 --seed 2 --format gtiff --out '" + (dir / "g").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  GDALAllRegister();
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen((dir / "g" / "scene.tif").c_str(), GA_Update));
  ASSERT_NE(ds, nullptr);
  double gt[6] = {500000, 30, 0, 4200000, 0, -20};
  OGRSpatialReference utm;
  ASSERT_EQ(utm.importFromEPSG(32633), OGRERR_NONE);
  EXPECT_EQ(ds->SetGeoTransform(gt), CE_None);
  EXPECT_EQ(ds->SetSpatialRef(&utm), CE_None);
  GDALClose(ds);
}

}  // namespace unmix::testing
