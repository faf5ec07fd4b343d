// Reports opened in a real browser: headless Chromium loads report.html from disk, and the DOM
// it dumps after the load event must hold every map and plot, with every image decoded, every
// plot laid out and no script error. Skips visibly when no Chromium is installed
// (scripts/setup.sh browser installs it; `make test` does).
#include <fmt/format.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "report/report_cli.hpp"
#include "testing.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

namespace fs = std::filesystem;
using testing::RunCli;
using testing::ScratchDir;

using ::unmix::testing::ReportRunArgs;
using ::unmix::testing::Slurp;
using ::unmix::testing::SynthReportScene;

// $UNMIX_CHROMIUM, else chromium / chromium-browser on the PATH; empty when none.
fs::path FindChromium() {
  if (const char* env = std::getenv("UNMIX_CHROMIUM"); env && *env) return env;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(dir) / name;
      if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  return {};
}

#define UNMIX_REQUIRE_CHROMIUM(var)                                                                 \
  const fs::path var = FindChromium();                                                              \
  if (var.empty())                                                                                  \
  GTEST_SKIP() << "no chromium or chromium-browser on the PATH (nor $UNMIX_CHROMIUM): the browser " \
                  "test of report.html is skipped; install it with `scripts/setup.sh browser`"

struct BrowserResult {
  int exit_code = -1;
  std::string out, log;
};

// Runs headless Chromium with its own profile directory (tests run in parallel).
BrowserResult Chromium(const fs::path& exe, const ScratchDir& dir, const std::string& args) {
  static int n = 0;
  const std::string tag = std::to_string(n++);
  const fs::path profile = dir / ("profile-" + tag), out = dir / ("out-" + tag), log = dir / ("log-" + tag);
  const std::string cmd =
      "timeout 180 '" + exe.string() +
      "' --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars "
      "--enable-logging=stderr --v=0 --user-data-dir='" +
      profile.string() + "' " + args + " > '" + out.string() + "' 2> '" + log.string() + "'";
  BrowserResult r;
  const int status = std::system(cmd.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.log = Slurp(log);
  return r;
}

std::string Attribute(const std::string& dom, const std::string& name) {
  const std::regex re(name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(dom, m, re) ? m[1].str() : std::string("(absent)");
}

std::set<std::string> Ids(const std::string& html, const std::string& element) {
  std::set<std::string> ids;
  const std::regex re("<" + element + "[^>]*\\sid=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it)
    ids.insert((*it)[1].str());
  return ids;
}

// Loads `report` in the browser and checks the DOM it rendered.
void ExpectRendered(const fs::path& chromium, const ScratchDir& dir, const fs::path& report,
                    const std::vector<std::string>& must_have) {
  const std::string source = Slurp(report);
  const auto imgs = Ids(source, "img"), svgs = Ids(source, "svg");
  ASSERT_FALSE(imgs.empty());
  ASSERT_FALSE(svgs.empty());
  const auto r = Chromium(chromium, dir, "--dump-dom 'file://" + fs::absolute(report).string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.log.substr(0, 4000);
  const std::string& dom = r.out;
  ASSERT_NE(dom.find("<body"), std::string::npos) << r.log.substr(0, 4000);
  // The page's own check ran after load: every image decoded, every plot has a size.
  EXPECT_EQ(Attribute(dom, "data-check"), "done");
  EXPECT_EQ(Attribute(dom, "data-images-ok"), std::to_string(imgs.size()) + "/" + std::to_string(imgs.size()));
  EXPECT_EQ(Attribute(dom, "data-plots-ok"), std::to_string(svgs.size()) + "/" + std::to_string(svgs.size()));
  EXPECT_EQ(Attribute(dom, "data-script-error"), "(absent)");
  EXPECT_EQ(r.log.find("Uncaught"), std::string::npos) << r.log.substr(0, 4000);
  // Every map and plot of the file is in the rendered DOM.
  const auto dom_imgs = Ids(dom, "img"), dom_svgs = Ids(dom, "svg");
  for (const auto& id : imgs) {
    EXPECT_TRUE(dom_imgs.count(id)) << "img " << id;
  }
  for (const auto& id : svgs) {
    EXPECT_TRUE(dom_svgs.count(id)) << "svg " << id;
  }
  for (const auto& id : must_have) {
    EXPECT_TRUE(dom_imgs.count(id) || dom_svgs.count(id)) << id;
  }
}

// A screenshot of the page as the docs show it: 1400 px wide, not blank.
void ExpectScreenshot(const fs::path& chromium, const ScratchDir& dir, const fs::path& report,
                      const std::string& name) {
  const fs::path shot = dir / name;
  const auto r = Chromium(
      chromium, dir,
      "--screenshot='" + shot.string() + "' --window-size=1400,2400 'file://" + fs::absolute(report).string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.log.substr(0, 4000);
  ASSERT_TRUE(fs::exists(shot)) << r.log.substr(0, 4000);
  GDALAllRegister();
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(shot.c_str(), GA_ReadOnly));
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(ds->GetRasterXSize(), 1400);
  EXPECT_EQ(ds->GetRasterYSize(), 2400);
  std::vector<std::uint8_t> green(1400 * 2400);
  EXPECT_EQ(
      ds->GetRasterBand(2)->RasterIO(GF_Read, 0, 0, 1400, 2400, green.data(), 1400, 2400, GDT_Byte, 0, 0, nullptr),
      CE_None);
  GDALClose(ds);
  EXPECT_GT(std::set<std::uint8_t>(green.begin(), green.end()).size(), 64u) << "the screenshot looks blank";
  if (const char* keep = std::getenv("UNMIX_SCREENSHOT_DIR"); keep && *keep)
    fs::copy_file(shot, fs::path(keep) / name, fs::copy_options::overwrite_existing);
}

TEST(Browser, RunReportShowsEveryMapAndPlot) {
  UNMIX_REQUIRE_CHROMIUM(chromium);
  ScratchDir dir;
  SynthReportScene(dir);
  const auto r = RunCli(ReportRunArgs(dir, "bunet2", "run") + " --epochs 5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> expected = {"scene-preview", "loss-curve"};
  for (int k = 0; k < 4; ++k)
    for (const std::string id : {"map-", "ref-map-", "colourbar-", "spectra-"})
      expected.push_back(id + std::to_string(k));
  ExpectRendered(chromium, dir, dir / "run" / "report.html", expected);
  ExpectScreenshot(chromium, dir, dir / "run" / "report.html", "report-run.png");
}

TEST(Browser, ComparisonShowsEveryMapAndPlot) {
  UNMIX_REQUIRE_CHROMIUM(chromium);
  ScratchDir dir;
  SynthReportScene(dir);
  ASSERT_EQ(RunCli(ReportRunArgs(dir, "vca-fcls", "runs/a")).exit_code, 0);
  ASSERT_EQ(RunCli(ReportRunArgs(dir, "bunet2", "runs/b") + " --epochs 5").exit_code, 0);
  ASSERT_EQ(RunCli("report -q '" + (dir / "runs").string() + "'").exit_code, 0);
  std::vector<std::string> expected = {"scene-preview", "cmp-loss"};
  for (int i = 0; i < 4; ++i) {
    expected.push_back("cmp-ref-map-" + std::to_string(i));
    expected.push_back("cmp-spectra-" + std::to_string(i));
    for (int run = 0; run < 2; ++run) expected.push_back("cmp-map-" + std::to_string(run) + "-" + std::to_string(i));
  }
  ExpectRendered(chromium, dir, dir / "runs" / "report.html", expected);
  ExpectScreenshot(chromium, dir, dir / "runs" / "report.html", "report-comparison.png");
}

// `report` at a desktop width (1280 px) and a phone width (390 px, in an iframe: headless
// Chromium keeps its window at least 500 px wide): every image decoded, every plot laid out, no
// horizontal overflow of the page and no element past the right edge (tables scroll in their own
// box). Screenshots of both are kept under $UNMIX_SCREENSHOT_DIR when set, named `name`-WIDTH.png.
// Returns the DOM of the phone-width page as the frame rendered it.
std::string ExpectFitsDesktopAndPhoneWidths(const fs::path& chromium, const ScratchDir& dir, const fs::path& file,
                                            const std::string& name) {
  const fs::path report = fs::absolute(file);
  const auto imgs = Ids(Slurp(report), "img").size();
  std::string phone_dom;
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{1280, 900}, {390, 844}}) {
    SCOPED_TRACE(fmt::format("{} x {}", w, h));
    const fs::path frame = dir / fmt::format("frame-{}-{}.html", name, w);
    std::ofstream(frame) << fmt::format(
        "<!DOCTYPE html><html><body style=\"margin:0\"><iframe id=\"f\" src=\"file://{}\" width=\"{}\" "
        "height=\"{}\" style=\"border:0\"></iframe><script>document.getElementById('f').addEventListener('load', "
        "function () {{ setTimeout(function () {{ var b = document.getElementById('f').contentDocument.body; "
        "['data-check', 'data-viewport', 'data-overflow-px', 'data-wide-elements', 'data-images-ok', "
        "'data-plots-ok'].forEach(function (k) {{ document.body.setAttribute(k, b.getAttribute(k)); }}); "
        "var g = b.querySelector('#georeference'); if (g) document.body.setAttribute('data-georeference', "
        "g.textContent); }}, 0); }});</script></body></html>",
        report.string(), w, h);
    const auto r = Chromium(chromium, dir,
                            fmt::format("--allow-file-access-from-files --window-size={},{} --dump-dom "
                                        "'file://{}'",
                                        std::max(w, 1280), h + 100, fs::absolute(frame).string()));
    EXPECT_EQ(r.exit_code, 0) << r.log.substr(0, 4000);
    EXPECT_EQ(Attribute(r.out, "data-check"), "done");
    EXPECT_EQ(Attribute(r.out, "data-viewport"), fmt::format("{}x{}", w, h));
    EXPECT_EQ(Attribute(r.out, "data-overflow-px"), "0");
    EXPECT_EQ(Attribute(r.out, "data-wide-elements"), "0");
    EXPECT_EQ(Attribute(r.out, "data-images-ok"), fmt::format("{0}/{0}", imgs));
    const std::string plots = Attribute(r.out, "data-plots-ok");
    EXPECT_EQ(plots.substr(0, plots.find('/')), plots.substr(plots.find('/') + 1)) << plots;
    if (w == 390) phone_dom = r.out;
    // A screenshot at this width: decoded, the requested size, not blank.
    const fs::path shot = dir / fmt::format("{}-{}.png", name, w);
    const auto s = Chromium(chromium, dir,
                            fmt::format("--screenshot='{}' --window-size={},{} 'file://{}'", shot.string(),
                                        std::max(w, 500), 2400, report.string()));
    EXPECT_EQ(s.exit_code, 0) << s.log.substr(0, 4000);
    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(shot.c_str(), GA_ReadOnly));
    EXPECT_NE(ds, nullptr) << shot;
    if (!ds) continue;
    EXPECT_EQ(ds->GetRasterXSize(), std::max(w, 500));
    GDALClose(ds);
    if (const char* keep = std::getenv("UNMIX_SCREENSHOT_DIR"); keep && *keep)
      fs::copy_file(shot, fs::path(keep) / shot.filename(), fs::copy_options::overwrite_existing);
  }
  return phone_dom;
}

TEST(Browser, ComparisonFitsDesktopAndPhoneWidths) {
  UNMIX_REQUIRE_CHROMIUM(chromium);
  ScratchDir dir;
  SynthReportScene(dir);
  for (const std::string m : {"vca-fcls", "nfindr-fcls", "vca-sunsal", "spatial-purity", "spatial-nfindr"})
    ASSERT_EQ(RunCli(ReportRunArgs(dir, m, "runs/" + m)).exit_code, 0);
  ASSERT_EQ(RunCli(ReportRunArgs(dir, "bunet2", "runs/bunet2") + " --epochs 5").exit_code, 0);
  ASSERT_EQ(RunCli("report -q '" + (dir / "runs").string() + "'").exit_code, 0);
  const fs::path report = dir / "runs" / "report.html";
  ExpectFitsDesktopAndPhoneWidths(chromium, dir, report, "comparison");
  // Maps sit in a grid that wraps by design; the loss plot is relative to each first value.
  const std::string html = Slurp(report);
  EXPECT_NE(html.find("class=\"map-grid\""), std::string::npos);
  EXPECT_NE(html.find("loss / first loss"), std::string::npos);
}

// A georeferenced scene's run report (CRS, pixel size and extent under the title) at both widths,
// the georeference line as the browser rendered it.
TEST(Browser, GeoreferencedRunReportFitsDesktopAndPhoneWidths) {
  UNMIX_REQUIRE_CHROMIUM(chromium);
  ScratchDir dir;
  testing::GeoreferencedReportScene(dir);
  const auto r = RunCli("run -q --method bunet2 --epochs 5 --input '" + (dir / "g" / "scene.tif").string() +
                        "' --gt '" + (dir / "g" / "gt.mat").string() + "' --out '" + (dir / "run").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string dom = ExpectFitsDesktopAndPhoneWidths(chromium, dir, dir / "run" / "report.html", "georeferenced");
  EXPECT_EQ(Attribute(dom, "data-georeference"),
            "CRS WGS 84 / UTM zone 33N (EPSG:32633) \u00b7 pixel size 30 \u00d7 20 metre \u00b7 extent x 500000 to "
            "500750, y 4199500 to 4200000 metre");
}

// The page's check is real: a damaged image is counted and the warning shown.
TEST(Browser, DamagedImageIsReported) {
  UNMIX_REQUIRE_CHROMIUM(chromium);
  ScratchDir dir;
  SynthReportScene(dir);
  ASSERT_EQ(RunCli(ReportRunArgs(dir, "vca-fcls", "run")).exit_code, 0);
  std::string html = Slurp(dir / "run" / "report.html");
  const std::string key = "id=\"map-1\"";
  const size_t at = html.find("base64,", html.find(key));
  ASSERT_NE(at, std::string::npos);
  html.replace(at + 7, 40, std::string(40, 'A'));  // the PNG signature is gone
  std::ofstream(dir / "damaged.html", std::ios::binary) << html;
  const auto imgs = Ids(html, "img").size();
  const auto r = Chromium(chromium, dir, "--dump-dom 'file://" + (dir / "damaged.html").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.log.substr(0, 4000);
  EXPECT_EQ(Attribute(r.out, "data-images-ok"), std::to_string(imgs - 1) + "/" + std::to_string(imgs));
  EXPECT_NE(r.out.find("failed to display"), std::string::npos);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
