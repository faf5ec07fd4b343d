// SVG plots: axes, ticks, series, legend, escaping, and well-formed XML.
#include "unmix/report/svg.hpp"

#include <cpl_minixml.h>
#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <set>

#include "testing.hpp"

namespace unmix::report {
namespace UNMIX_TEST_UNIT {

using ::unmix::testing::CountOf;

bool WellFormed(const std::string& xml) {
  CPLXMLNode* root = CPLParseXMLString(xml.c_str());
  if (!root) return false;
  CPLDestroyXMLNode(root);
  return true;
}

TEST(Axes, LinearTicksAtOneTwoFiveSteps) {
  Axis a = LinearAxis(0, 0.93, 5, true);
  EXPECT_DOUBLE_EQ(a.lo, 0);
  EXPECT_DOUBLE_EQ(a.hi, 1.0);
  ASSERT_EQ(a.ticks.size(), 6u);
  EXPECT_NEAR(a.ticks[1], 0.2, 1e-12);
  a = LinearAxis(0.4, 2.5, 6, false);  // range kept, ticks inside it
  EXPECT_DOUBLE_EQ(a.lo, 0.4);
  EXPECT_DOUBLE_EQ(a.hi, 2.5);
  EXPECT_NEAR(a.ticks.front(), 0.5, 1e-12);
  EXPECT_NEAR(a.ticks.back(), 2.5, 1e-12);
  a = LinearAxis(3, 3, 5, true);  // a single value still gets a range
  EXPECT_LT(a.lo, 3);
  EXPECT_GT(a.hi, 3);
}

TEST(Axes, LogDecades) {
  Axis a = LogAxis(0.003, 2.0);
  EXPECT_DOUBLE_EQ(a.lo, 1e-3);
  EXPECT_DOUBLE_EQ(a.hi, 10);
  ASSERT_EQ(a.ticks.size(), 5u);
  a = LogAxis(1e-12, 1e3);  // many decades: every third power
  EXPECT_LE(a.ticks.size(), 7u);
  a = LogAxis(5, 5);
  EXPECT_LT(a.lo, 5);
  EXPECT_GT(a.hi, 5);
}

TEST(Axes, TickText) {
  EXPECT_EQ(FormatTick(0.25, 0.05), "0.25");
  EXPECT_EQ(FormatTick(1.0, 0.2), "1.0");
  EXPECT_EQ(FormatTick(200, 50), "200");
  EXPECT_EQ(FormatTick(-1e-17, 0.1), "0");
  EXPECT_EQ(FormatTick(1e-5, 0, true), "1e-5");
  EXPECT_EQ(FormatTick(0.001, 0, true), "0.001");
  EXPECT_EQ(FormatTick(100, 0, true), "100");
}

TEST(LinePlot, SeriesLegendTitleAndEscaping) {
  Series est{"estimate (SAD 2.5\xc2\xb0)", {0.4, 0.5, 0.6, 0.7}, {0.1, 0.3, 0.2, 0.4}, "#0072b2", false, 1.6};
  Series ref{"reference: a<b & \"c\"", {0.4, 0.5, 0.6, 0.7}, {0.12, 0.28, 0.22, 0.38}, "#222222", true, 1.4};
  PlotOptions o;
  o.id = "spectra-0";
  o.title = "Kaolinite spectrum";
  o.x_label = "wavelength (\xc2\xb5m)";
  o.y_label = "value";
  const std::string svg = LinePlotSvg({est, ref}, o);
  EXPECT_TRUE(WellFormed(svg)) << svg;
  EXPECT_EQ(svg.rfind("<svg class=\"plot\" id=\"spectra-0\"", 0), 0u);
  EXPECT_NE(svg.find("<title id=\"spectra-0-title\">Kaolinite spectrum</title>"), std::string::npos);
  EXPECT_EQ(CountOf(svg, "<path "), 2u);
  EXPECT_NE(svg.find("reference: a&lt;b &amp; &quot;c&quot;"), std::string::npos);
  EXPECT_NE(svg.find("SAD 2.5\xc2\xb0"), std::string::npos);
  EXPECT_EQ(CountOf(svg, "stroke-dasharray"), 2u);  // the dashed line and its legend swatch
  EXPECT_EQ(svg.find("http"), std::string::npos);   // no namespace URL, nothing to fetch
}

TEST(LinePlot, GapsAndLogAxisDropPoints) {
  Series s{"loss", {0, 1, 2, 3, 4, 5}, {1.0, 0.5, std::nan(""), 0.1, 0.0, 0.01}, "#000", false, 1.5};
  PlotOptions o;
  o.id = "loss-curve";
  o.log_y = true;
  const std::string svg = LinePlotSvg({s}, o);
  EXPECT_TRUE(WellFormed(svg));
  // NaN and the zero (no logarithm) each break the line: three runs of points.
  const std::regex d("<path d=\"([^\"]*)\"");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, d));
  EXPECT_EQ(CountOf(m[1].str(), "M"), 3u) << m[1].str();
  EXPECT_NE(svg.find(">0.01<"), std::string::npos);  // a decade label
  EXPECT_NE(svg.find(">1<"), std::string::npos);
}

TEST(LinePlot, EmptyPlotSaysSo) {
  const std::string svg = LinePlotSvg({}, PlotOptions{});
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_NE(svg.find("no data"), std::string::npos);
}

TEST(ColourBar, GradientTicksAndUniqueIds) {
  const std::string a = ColourBarSvg("colourbar-0", 200), b = ColourBarSvg("colourbar-1", 200);
  EXPECT_TRUE(WellFormed(a));
  EXPECT_NE(a.find("id=\"colourbar-0-g\""), std::string::npos);
  EXPECT_NE(a.find("url(#colourbar-0-g)"), std::string::npos);
  EXPECT_NE(b.find("url(#colourbar-1-g)"), std::string::npos);
  EXPECT_EQ(CountOf(a, "<stop "), 17u);
  EXPECT_NE(a.find("stop-color=\"#440154\""), std::string::npos);
  EXPECT_NE(a.find("stop-color=\"#fde725\""), std::string::npos);
  for (const char* t : {">0<", ">0.25<", ">0.50<", ">0.75<", ">1.00<"}) {
    EXPECT_NE(a.find(t), std::string::npos) << t;
  }
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::report

namespace unmix::report {
namespace UNMIX_TEST_UNIT {

// Twenty series get twenty different colour and line-style pairs, from the colour-blind-safe set.
TEST(SeriesStyle, TwentyDistinctPairsFromTheSafePalette) {
  std::set<std::pair<std::string, std::string>> pairs;
  const std::set<std::string> safe = {"#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7",
                                      "#56b4e9", "#332288", "#999933", "#882255", "#44aa99"};
  for (size_t i = 0; i < 20; ++i) {
    const SeriesStyle s = SeriesStyleAt(i);
    EXPECT_TRUE(safe.count(s.colour)) << s.colour;
    pairs.emplace(s.colour, s.dash);
  }
  EXPECT_EQ(pairs.size(), 20u);
  Series a{"a", {0, 1}, {0, 1}, "#0072b2", false, 1.6, "7 3"};
  EXPECT_NE(LinePlotSvg({a}, {}).find("stroke-dasharray=\"7 3\""), std::string::npos);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::report
