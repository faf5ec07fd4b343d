#include "unmix/report/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "unmix/report/image.hpp"

namespace unmix::report {
namespace {

constexpr double kCharWidth = 6.3;  // average advance of an 11 px sans-serif character

std::string Num(double v) {
  const std::string s = fmt::format("{:.1f}", v);
  return s == "-0.0" ? "0.0" : s;
}

std::string DashAttribute(const Series& s) {
  const std::string dash = !s.dash.empty() ? s.dash : s.dashed ? std::string("6 4") : std::string();
  return dash.empty() ? std::string() : " stroke-dasharray=\"" + XmlEscape(dash) + "\"";
}

std::string Hex(const Rgb& c) { return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]); }

struct LegendLayout {
  std::vector<std::pair<double, double>> origin;  // per series, top-left of its entry
  double height = 0;
};

LegendLayout LayoutLegend(const std::vector<Series>& series, double left, double right, double top) {
  LegendLayout l;
  double x = left, y = top;
  bool any = false;
  for (const auto& s : series) {
    const double w = 26 + kCharWidth * static_cast<double>(s.label.size()) + 14;
    if (any && x + w > right) {
      x = left;
      y += 17;
    }
    l.origin.emplace_back(x, y);
    x += w;
    any = true;
  }
  l.height = any ? y - top + 17 : 0;
  return l;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const std::vector<std::string>& SeriesPalette() {
  static const std::vector<std::string> kPalette = {"#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7",
                                                    "#56b4e9", "#332288", "#999933", "#882255", "#44aa99"};
  return kPalette;
}

SeriesStyle SeriesStyleAt(size_t i) {
  static const char* const kDash[] = {"", "7 3", "2 2.5", "8 3 2 3"};
  const auto& p = SeriesPalette();
  return {p[i % p.size()], kDash[(i / p.size()) % 4]};
}

Axis LinearAxis(double lo, double hi, int target, bool extend) {
  Axis a;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {
    const double pad = lo == 0 ? 0.5 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double r = raw / mag;
  const double step = (r <= 1.0 ? 1.0 : r <= 2.0 ? 2.0 : r <= 5.0 ? 5.0 : 10.0) * mag;
  const double eps = step * 1e-9;
  const double first = std::ceil((lo - eps) / step) * step;
  if (extend) {
    a.lo = std::floor((lo + eps) / step) * step;
    a.hi = std::ceil((hi - eps) / step) * step;
  } else {
    a.lo = lo;
    a.hi = hi;
  }
  for (double t = extend ? a.lo : first; t <= a.hi + eps; t += step) a.ticks.push_back(std::abs(t) < eps ? 0.0 : t);
  return a;
}

Axis LogAxis(double lo, double hi) {
  Axis a;
  if (!(lo > 0) || !std::isfinite(lo)) lo = 1e-3;
  if (!(hi > 0) || !std::isfinite(hi)) hi = 1;
  if (hi < lo) std::swap(lo, hi);
  int d0 = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  int d1 = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  if (d1 <= d0) d1 = d0 + 1;
  a.lo = std::pow(10.0, d0);
  a.hi = std::pow(10.0, d1);
  const int every = d1 - d0 > 12 ? 3 : d1 - d0 > 6 ? 2 : 1;
  for (int d = d0; d <= d1; d += every) a.ticks.push_back(std::pow(10.0, d));
  return a;
}

std::string FormatTick(double value, double step, bool log_axis) {
  if (value == 0) return "0";
  if (log_axis) {
    const int e = static_cast<int>(std::lround(std::log10(value)));
    if (e < -3 || e > 4) return fmt::format("1e{}", e);
    return e < 0 ? fmt::format("{:.{}f}", value, -e) : fmt::format("{:.0f}", value);
  }
  const int decimals = step > 0 ? std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9))) : 2;
  const std::string s = fmt::format("{:.{}f}", value, std::min(decimals, 12));
  return s.find_first_not_of("-0.") == std::string::npos ? std::string("0") : s;  // no "-0.00"
}

std::string LinePlotSvg(const std::vector<Series>& series, const PlotOptions& o) {
  const std::string id = o.id.empty() ? "plot" : o.id;
  const double w = o.width;
  const double left = 64, right = w - 16, top = o.title.empty() ? 12 : 30, bottom = o.height - 44.0;

  // Data range.
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& s : series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      const double x = s.x[i], y = s.y[i];
      if (!std::isfinite(x) || !std::isfinite(y) || (o.log_y && y <= 0)) continue;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  const bool empty = !std::isfinite(x0);
  if (empty) x0 = 0, x1 = 1, y0 = o.log_y ? 0.1 : 0, y1 = 1;
  const Axis ax = LinearAxis(x0, x1, 6, /*extend=*/false);
  const Axis ay = o.log_y ? LogAxis(y0, y1) : LinearAxis(std::min(0.0, y0), y1, 5, true);
  const auto sx = [&](double x) { return left + (x - ax.lo) / (ax.hi - ax.lo) * (right - left); };
  const auto sy = [&](double y) {
    const double t = o.log_y ? (std::log10(y) - std::log10(ay.lo)) / (std::log10(ay.hi) - std::log10(ay.lo))
                             : (y - ay.lo) / (ay.hi - ay.lo);
    return bottom - t * (bottom - top);
  };

  const LegendLayout legend = LayoutLegend(series, left, right, o.height - 4.0);
  const double total_h = o.height + legend.height;
  std::string svg = fmt::format(
      "<svg class=\"plot\" id=\"{0}\" width=\"{1}\" height=\"{2}\" viewBox=\"0 0 {1} {2}\" role=\"img\" "
      "aria-labelledby=\"{0}-title\" font-size=\"11\">\n<title id=\"{0}-title\">{3}</title>\n"
      "<rect width=\"{1}\" height=\"{2}\" fill=\"#ffffff\"/>\n",
      XmlEscape(id), o.width, Num(total_h), XmlEscape(o.title.empty() ? id : o.title));
  if (!o.title.empty())
    svg += fmt::format("<text x=\"{}\" y=\"18\" font-size=\"13\" font-weight=\"600\" fill=\"#222\">{}</text>\n",
                       Num(left), XmlEscape(o.title));

  // Grid and ticks.
  std::string grid, labels;
  const double xstep = ax.ticks.size() > 1 ? ax.ticks[1] - ax.ticks[0] : ax.hi - ax.lo;
  for (double t : ax.ticks) {
    const double x = sx(t);
    grid += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", Num(x), Num(top), Num(bottom));
    labels += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", Num(x), Num(bottom + 15),
                          FormatTick(t, xstep));
  }
  const double ystep = ay.ticks.size() > 1 ? ay.ticks[1] - ay.ticks[0] : ay.hi - ay.lo;
  for (double t : ay.ticks) {
    const double y = sy(t);
    grid += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>", Num(left), Num(y), Num(right));
    labels += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", Num(left - 6), Num(y + 3.5),
                          FormatTick(t, ystep, o.log_y));
  }
  std::string minor;
  if (o.log_y && std::log10(ay.hi / ay.lo) <= 4.5)
    for (double d = ay.lo; d < ay.hi * 0.999; d *= 10)
      for (int m = 2; m <= 9; ++m)
        minor +=
            fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>", Num(left), Num(sy(d * m)), Num(right));
  if (!minor.empty()) svg += "<g stroke=\"#f3f3f3\" stroke-width=\"1\">" + minor + "</g>\n";
  svg += "<g stroke=\"#e2e2e2\" stroke-width=\"1\">" + grid + "</g>\n";
  svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n", Num(left),
                     Num(top), Num(right - left), Num(bottom - top));
  svg += "<g fill=\"#444\">" + labels + "</g>\n";
  if (!o.x_label.empty())
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#222\">{}</text>\n",
                       Num((left + right) / 2), Num(bottom + 32), XmlEscape(o.x_label));
  if (!o.y_label.empty())
    svg +=
        fmt::format("<text transform=\"translate(14 {}) rotate(-90)\" text-anchor=\"middle\" fill=\"#222\">{}</text>\n",
                    Num((top + bottom) / 2), XmlEscape(o.y_label));
  if (empty)
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n",
                       Num((left + right) / 2), Num((top + bottom) / 2));

  // Lines.
  for (const auto& s : series) {
    std::string d;
    bool pen_down = false;
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      const double x = s.x[i], y = s.y[i];
      if (!std::isfinite(x) || !std::isfinite(y) || (o.log_y && y <= 0)) {
        pen_down = false;
        continue;
      }
      d += fmt::format("{}{} {}", pen_down ? "L" : (d.empty() ? "M" : " M"), Num(sx(x)), Num(sy(y)));
      pen_down = true;
    }
    if (d.empty()) continue;
    svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\"{}/>\n",
                       d, XmlEscape(s.colour), s.width, DashAttribute(s));
  }

  // Legend below the axis title, so it never hides data.
  for (size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    const auto [lx, ly] = legend.origin[i];
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>"
        "<text x=\"{}\" y=\"{}\" fill=\"#222\">{}</text>\n",
        Num(lx), Num(ly + 8), Num(lx + 22), Num(ly + 8), XmlEscape(s.colour), std::max(2.0, s.width), DashAttribute(s),
        Num(lx + 27), Num(ly + 12), XmlEscape(s.label));
  }
  svg += "</svg>";
  return svg;
}

std::string ColourBarSvg(const std::string& id, int height, double lo, double hi, const std::string& label) {
  const double top = 6, bottom = height - 6.0, x = 4, bar_w = 14;
  std::string svg = fmt::format(
      "<svg class=\"colourbar\" id=\"{0}\" width=\"76\" height=\"{1}\" viewBox=\"0 0 76 {1}\" role=\"img\" "
      "aria-label=\"colour scale {2} to {3}\" font-size=\"11\">\n<defs><linearGradient id=\"{0}-g\" x1=\"0\" y1=\"1\" "
      "x2=\"0\" y2=\"0\">",
      XmlEscape(id), height, FormatTick(lo, 0.01), FormatTick(hi, 0.01));
  const auto& table = ViridisTable();
  for (int k = 0; k <= 16; ++k) {
    const size_t i = static_cast<size_t>(std::min(255, k * 16));
    svg += fmt::format("<stop offset=\"{:.4f}\" stop-color=\"{}\"/>", static_cast<double>(i) / 255.0, Hex(table[i]));
  }
  svg += fmt::format(
      "</linearGradient></defs>\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{}-g)\" "
      "stroke=\"#888\" stroke-width=\"0.5\"/>\n<g fill=\"#444\">",
      Num(x), Num(top), Num(bar_w), Num(bottom - top), XmlEscape(id));
  for (int k = 0; k <= 4; ++k) {
    const double v = lo + (hi - lo) * k / 4.0, y = bottom - (bottom - top) * k / 4.0;
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#444\"/><text x=\"{3}\" y=\"{4}\">{5}</text>",
        Num(x + bar_w), Num(y), Num(x + bar_w + 4), Num(x + bar_w + 7), Num(y + 3.5), FormatTick(v, (hi - lo) / 100));
  }
  svg += fmt::format(
      "</g>\n<text transform=\"translate(68 {}) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">{}</text>\n</svg>",
      Num((top + bottom) / 2), XmlEscape(label));
  return svg;
}

}  // namespace unmix::report
