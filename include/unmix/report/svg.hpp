#pragma once
// Plots drawn as SVG text by unmix itself: line plots (spectra against wavelength, loss curves
// on a log axis) and colour bars. SVG stays sharp at any zoom and in print, needs no plotting
// library, and a plot is a few kilobytes of text inside the HTML report.
#include <string>
#include <string_view>
#include <vector>

namespace unmix::report {

struct Series {
  std::string label;         // legend text
  std::vector<double> x, y;  // same length; non-finite points break the line
  std::string colour = "#0072b2";
  bool dashed = false;
  double width = 1.6;     // stroke width in pixels
  std::string dash = "";  // stroke-dasharray ("" = solid unless `dashed`); wins over `dashed`
};

struct PlotOptions {
  std::string id;     // element id, unique in the page ("plot" when empty)
  std::string title;  // drawn above the plot and used as the SVG <title>
  std::string x_label, y_label;
  bool log_y = false;  // base-10 y axis; points with y <= 0 are left out
  int width = 460;     // pixels
  int height = 290;    // pixels without the legend (legend rows are added below)
};

// An <svg class="plot"> element (no XML declaration: it is meant to sit inside HTML).
std::string LinePlotSvg(const std::vector<Series>& series, const PlotOptions& options);

// A vertical colour bar for maps drawn with MapPng over [lo, hi]: the viridis gradient with
// ticks at 0, 25, 50, 75 and 100 % of the range. <svg class="colourbar">.
std::string ColourBarSvg(const std::string& id, int height, double lo = 0.0, double hi = 1.0,
                         const std::string& label = "abundance");

struct Axis {
  double lo = 0, hi = 1;
  std::vector<double> ticks;  // labelled ticks, ascending, within [lo, hi]
};
// Linear axis with about `target` ticks at 1, 2 or 5 x 10^k steps. `extend` widens [lo, hi] to
// the outer ticks; otherwise the range is kept and only ticks inside it are returned.
Axis LinearAxis(double lo, double hi, int target = 5, bool extend = true);
// Log axis from the decade below lo to the decade above hi, ticks at powers of ten (every
// second or third power when the range spans many decades).
Axis LogAxis(double lo, double hi);

// Tick text: fixed decimals from the step ("0.25", "100"), or "1e-05" style for powers of ten
// outside 1e-3..1e4 on log axes.
std::string FormatTick(double value, double step, bool log_axis = false);

// Ten colour-blind-safe colours: Okabe-Ito's blue, orange, bluish green, vermillion, reddish
// purple and sky blue, then Tol's indigo, olive, wine and teal (no black or grey: references
// are drawn in near-black; no yellow: too pale on white).
const std::vector<std::string>& SeriesPalette();

struct SeriesStyle {
  std::string colour;
  std::string dash;  // stroke-dasharray, "" = solid
};
// Colour and line style of the i-th series: the ten colours solid, then dashed, dotted and
// dash-dotted (40 distinct pairs, repeated beyond).
SeriesStyle SeriesStyleAt(size_t i);

// Escapes & < > " ' for text and attribute values.
std::string XmlEscape(std::string_view text);

}  // namespace unmix::report
