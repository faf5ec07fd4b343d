// report.html from in-memory contents: every element present, self-contained, sensible size.
#include "unmix/report/html_report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "testing.hpp"
#include "unmix/core/rng.hpp"
#include "unmix/report/image.hpp"

namespace unmix::report {
namespace UNMIX_TEST_UNIT {

using ::unmix::testing::CountOf;

using nlohmann::json;

bool HasId(const std::string& html, const std::string& id) {
  return html.find("id=\"" + id + "\"") != std::string::npos;
}

// Every src= and href= points inside the file (data: URIs and #anchors) or to a relative path.
void ExpectSelfContained(const std::string& html) {
  const std::regex attr(R"re((src|href)\s*=\s*"([^"]*)")re", std::regex::icase);
  for (auto it = std::sregex_iterator(html.begin(), html.end(), attr); it != std::sregex_iterator(); ++it) {
    const std::string value = (*it)[2].str();
    EXPECT_EQ(value.find("http:"), std::string::npos) << value.substr(0, 80);
    EXPECT_EQ(value.find("https:"), std::string::npos) << value.substr(0, 80);
    EXPECT_NE(value.rfind("//", 0), 0u) << value.substr(0, 80);
    if ((*it)[1].str() == "src") {
      EXPECT_EQ(value.rfind("data:image/png;base64,", 0), 0u) << value.substr(0, 80);
    }
  }
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url(http"), std::string::npos);
}

DisplayMaps Maps(Index count, Index rows, Index cols, std::uint64_t seed, bool noise) {
  Rng rng(seed);
  MatrixF v(count, rows * cols);
  for (Index k = 0; k < rows * cols; ++k)
    for (Index j = 0; j < count; ++j)
      v(j, k) = noise ? static_cast<float>(rng.Uniform())
                      : static_cast<float>(0.5 + 0.5 * std::sin(0.05 * static_cast<double>(k % cols) * (j + 1)));
  return BlockAverage(v, rows, cols, {}, kMapSide);
}

Endmembers Spectra(Index count, Index bands, double shift) {
  Endmembers e;
  e.spectra.resize(bands, count);
  for (Index b = 0; b < bands; ++b) {
    e.wavelengths.push_back(0.4 + 2.1 * static_cast<double>(b) / static_cast<double>(bands - 1));
    for (Index j = 0; j < count; ++j)
      e.spectra(b, j) = static_cast<float>(0.5 + 0.3 * std::sin(0.03 * static_cast<double>(b) * (j + 1) + shift));
  }
  return e;
}

// A supervised-looking run: three references, four estimates (one unmatched), a loss curve.
RunContents Sample(const std::string& method = "bunet2") {
  RunContents c;
  c.title = method;
  c.run = {{"method", method},
           {"version", "0.1.0"},
           {"input", "scene.hdr"},
           {"ground_truth", "gt.mat"},
           {"seed", 3},
           {"threads", 2},
           {"command", {"unmix", "run", "--method", method, "--input", "my scene.hdr"}},
           {"scene", {{"rows", 40}, {"cols", 60}, {"bands", 50}}},
           {"network", {{"layers", 2}, {"epochs", 30}, {"learning_rates", {1e-4, 1e-4}}}},
           {"timings", {{"total", 1.5}, {"train", 1.2}}},
           {"input_checksums", {{{"role", "input"}, {"path", "scene.hdr"}, {"bytes", 10}, {"sha256", "ab12"}}}},
           {"details", {{"training", {{"epochs", 30}}}}}};
  c.metrics = {
      {"method", method},
      {"units", {{"rmse", "abundance fraction"}}},
      {"matching",
       {{"rule", "hungarian-sad"}, {"description", "optimal assignment"}, {"estimate_for_reference", {2, 0, 1}}}},
      {"endmember_names", {"Alunite", "Kaolinite", "Muscovite"}},
      {"sad_deg", {1.5, 2.5, 3.5}},
      {"sad_deg_mean", 2.5},
      {"sad_rad_mean", 0.0436},
      {"rmse", 0.05},
      {"rmse_per_endmember", {0.04, 0.05, 0.06}},
      {"init_rmse", 0.07},
      {"aad_deg", 4.0},
      {"aid", 0.1},
      {"mae", 3.0}};
  c.estimate_for_reference = {2, 0, 1};
  c.endmembers = Spectra(4, 50, 0.1);
  c.reference_endmembers = Spectra(3, 50, 0.0);
  c.wavelength_units = "micrometers";
  c.maps = Maps(4, 40, 60, 1, false);
  c.reference_maps = Maps(3, 40, 60, 2, false);
  for (int e = 0; e <= 30; ++e) c.loss.push_back(std::exp(-0.1 * e));
  Image8 img;
  img.rows = 40;
  img.cols = 60;
  img.pixels.assign(40 * 60 * 3, 128);
  c.preview_png = EncodePng(img);
  c.preview_caption = "true colour";
  return c;
}

TEST(RunReport, EveryElementPresentAndSelfContained) {
  const std::string html = RenderRunReport(Sample());
  ExpectSelfContained(html);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* id : {"scene-preview", "metrics-table", "endmember-table", "loss-curve", "settings-table",
                         "timings-table", "checksums-table", "command-line", "check-failed"})
    EXPECT_TRUE(HasId(html, id)) << id;
  for (int k = 0; k < 3; ++k)
    for (const std::string id : {"map-", "ref-map-", "colourbar-", "spectra-", "endmember-"})
      EXPECT_TRUE(HasId(html, id + std::to_string(k))) << id << k;
  // The fourth estimate matched no reference: its map and spectrum, without a reference.
  EXPECT_TRUE(HasId(html, "map-3"));
  EXPECT_TRUE(HasId(html, "spectra-3"));
  EXPECT_FALSE(HasId(html, "ref-map-3"));
  EXPECT_EQ(CountOf(html, "<img "), 1u + 4u + 3u);
  EXPECT_EQ(CountOf(html, "<svg class=\"plot\""), 4u + 1u);
  EXPECT_EQ(CountOf(html, "<script>"), 1u);
  // Reference order, with the matched estimate and its SAD.
  EXPECT_LT(html.find("1. Alunite"), html.find("2. Kaolinite"));
  EXPECT_NE(html.find("estimate E3 &middot; SAD 1.50"), std::string::npos);
  EXPECT_NE(html.find("optimal assignment"), std::string::npos);
  EXPECT_NE(html.find("wavelength (\xc2\xb5m)"), std::string::npos);
  EXPECT_NE(html.find("&#39;my scene.hdr&#39;"), std::string::npos);  // the command line, quoted for a shell
  EXPECT_NE(html.find("network.layers"), std::string::npos);
  EXPECT_EQ(html.find("details.training"), std::string::npos);  // the full run.json is in <details> instead
}

TEST(RunReport, WithoutGroundTruthOrTraining) {
  RunContents c = Sample("vca-fcls");
  c.metrics = nullptr;
  c.estimate_for_reference.clear();
  c.reference_endmembers.reset();
  c.reference_maps.reset();
  c.loss.clear();
  c.notes.push_back("preview <missing>");
  const std::string html = RenderRunReport(c);
  ExpectSelfContained(html);
  EXPECT_FALSE(HasId(html, "metrics-table"));
  EXPECT_FALSE(HasId(html, "loss-curve"));
  EXPECT_FALSE(HasId(html, "ref-map-0"));
  for (int k = 0; k < 4; ++k) {
    EXPECT_TRUE(HasId(html, "map-" + std::to_string(k)));
  }
  EXPECT_NE(html.find("no ground truth"), std::string::npos);
  EXPECT_TRUE(HasId(html, "notes"));
  EXPECT_NE(html.find("preview &lt;missing&gt;"), std::string::npos);
}

TEST(RunReport, MethodNamesAreEscaped) {
  const std::string html = RenderRunReport(Sample("<script>alert(1)</script>"));
  EXPECT_EQ(CountOf(html, "<script>"), 1u);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)"), std::string::npos);
}

TEST(ComparisonReport, TablesMapsSpectraAndLoss) {
  std::vector<RunContents> runs = {Sample("bunet2"), Sample("vca-fcls"), Sample("l1-nmf")};
  runs[1].loss.clear();
  runs[1].metrics["sad_deg"] = {0.5, 2.0, 9.0};
  const std::string html = RenderComparisonReport(runs, {"a/report.html", "", "c/report.html"});
  ExpectSelfContained(html);
  for (const char* id : {"comparison-table", "sad-table", "rmse-table", "cmp-loss", "runs-table", "scene-preview"})
    EXPECT_TRUE(HasId(html, id)) << id;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(HasId(html, "cmp-ref-map-" + std::to_string(i)));
    EXPECT_TRUE(HasId(html, "cmp-spectra-" + std::to_string(i)));
    for (int r = 0; r < 3; ++r) {
      EXPECT_TRUE(HasId(html, "cmp-map-" + std::to_string(r) + "-" + std::to_string(i)));
    }
  }
  EXPECT_NE(html.find("<a href=\"a/report.html\">bunet2</a>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"c/report.html\">l1-nmf</a>"), std::string::npos);
  // The best SAD per endmember is bold: vca-fcls for the first two, the others tie on the third.
  EXPECT_NE(html.find("<td class=\"num best\">0.50</td>"), std::string::npos);
  // Two curves on the loss plot (vca-fcls trained nothing).
  const size_t loss_at = html.find("id=\"cmp-loss\"");
  const std::string loss_svg = html.substr(loss_at, html.find("</svg>", loss_at) - loss_at);
  EXPECT_EQ(CountOf(loss_svg, "<path "), 2u);
}

TEST(ComparisonReport, SameMethodTwiceUsesFolderNames) {
  std::vector<RunContents> runs = {Sample("vca-fcls"), Sample("vca-fcls")};
  runs[0].folder = "runs/seed1";
  runs[1].folder = "runs/seed2";
  const std::string html = RenderComparisonReport(runs);
  EXPECT_NE(html.find(">seed1<"), std::string::npos);
  EXPECT_NE(html.find(">seed2<"), std::string::npos);
}

// A 1000 x 1000 scene: maps are reduced to 250 x 250 for display, so even pure noise (the worst
// case for PNG compression) keeps the report at a few megabytes.
TEST(RunReport, MegapixelSceneGivesAFewMegabytes) {
  const Index side = 1000, r = 6;
  RunContents c = Sample();
  c.maps = Maps(r, side, side, 5, true);
  c.reference_maps = Maps(r, side, side, 6, true);
  c.endmembers = Spectra(r, 224, 0.1);
  c.reference_endmembers = Spectra(r, 224, 0.0);
  c.estimate_for_reference = {0, 1, 2, 3, 4, 5};
  c.metrics["estimate_for_reference"] = c.estimate_for_reference;
  c.metrics["endmember_names"] = {"a", "b", "c", "d", "e", "f"};
  EXPECT_EQ(c.maps->rows, 250);
  Scene s;
  s.rows = s.cols = side;
  s.data.resize(3, side * side);
  Rng rng(7);
  for (Index k = 0; k < s.pixels(); ++k)
    for (int b = 0; b < 3; ++b) s.data(b, k) = static_cast<float>(rng.Uniform());
  const ScenePreview p = MakeScenePreview(s, kPreviewSide);
  EXPECT_EQ(p.image.cols, 334);  // 1000 / 3, rounded up
  c.preview_png = EncodePng(p.image);
  const std::string html = RenderRunReport(c);
  EXPECT_EQ(CountOf(html, "<img "), 1u + 2u * r);
  RecordProperty("report_bytes", static_cast<int>(html.size()));
  std::printf("1000 x 1000 noise scene, r = 6 with reference: report.html %.2f MB\n", html.size() / 1e6);
  EXPECT_LT(html.size(), 4'000'000u);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::report
