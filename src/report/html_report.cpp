#include "unmix/report/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "unmix/report/svg.hpp"
#include "unmix/version.hpp"

namespace unmix::report {
namespace {

using nlohmann::json;

std::string H(std::string_view s) { return XmlEscape(s); }

// ---- reading the JSON documents ---------------------------------------------------------------

std::optional<double> Number(const json& j, const std::vector<const char*>& path) {
  const json* p = &j;
  for (const char* key : path) {
    if (!p->is_object() || !p->contains(key)) return std::nullopt;
    p = &(*p)[key];
  }
  if (!p->is_number()) return std::nullopt;
  return p->get<double>();
}

std::optional<double> NumberAt(const json& j, const char* key, size_t i) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_array() || i >= j[key].size() || !j[key][i].is_number())
    return std::nullopt;
  return j[key][i].get<double>();
}

std::string String(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::string Fixed(std::optional<double> v, int decimals) {
  return v ? fmt::format("{:.{}f}", *v, decimals) : std::string("&ndash;");
}

std::string ValueText(const json& v) {
  if (v.is_null()) return "&ndash;";
  if (v.is_string()) return v.get<std::string>().empty() ? "&ndash;" : H(v.get<std::string>());
  if (v.is_number_float()) return fmt::format("{:.6g}", v.get<double>());
  if (v.is_array()) {
    bool scalars = true;
    for (const auto& e : v) scalars = scalars && !e.is_structured();
    if (scalars && v.size() <= 32) {
      std::string s;
      for (const auto& e : v) s += (s.empty() ? "" : ", ") + ValueText(e);
      return s.empty() ? "&ndash;" : s;
    }
    if (scalars) return fmt::format("[{} values]", v.size());
  }
  return H(v.dump());
}

void Flatten(const json& j, const std::string& prefix, const std::set<std::string>& skip,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object() && (!prefix.empty() || !j.empty())) {
    for (const auto& [k, v] : j.items()) {
      if (prefix.empty() && skip.count(k)) continue;
      Flatten(v, prefix.empty() ? k : prefix + "." + k, skip, out);
    }
    return;
  }
  out.emplace_back(prefix, ValueText(j));
}

// ---- endmembers in display order --------------------------------------------------------------

struct Row {
  Index est = -1;  // estimate index, or -1
  Index ref = -1;  // reference index, or -1
  std::string name;
  std::optional<double> sad_deg, rmse;
};

Index EstimateCount(const RunContents& c) {
  if (c.maps) return c.maps->count();
  if (c.endmembers) return c.endmembers->count();
  return 0;
}

std::string EstimateName(const RunContents& c, Index j) {
  const auto k = static_cast<size_t>(j);
  if (c.endmembers && k < c.endmembers->names.size() && !c.endmembers->names[k].empty()) return c.endmembers->names[k];
  if (c.maps && k < c.maps->names.size() && !c.maps->names[k].empty()) return c.maps->names[k];
  return fmt::format("E{}", j + 1);
}

std::string ReferenceName(const RunContents& c, Index i) {
  const auto k = static_cast<size_t>(i);
  if (c.metrics.contains("endmember_names") && c.metrics["endmember_names"].is_array() &&
      k < c.metrics["endmember_names"].size() && c.metrics["endmember_names"][k].is_string())
    return c.metrics["endmember_names"][k].get<std::string>();
  if (c.reference_endmembers) return c.reference_endmembers->name(i);
  if (c.reference_maps && k < c.reference_maps->names.size()) return c.reference_maps->names[k];
  return fmt::format("reference {}", i + 1);
}

// Reference order when the run was matched to ground truth, then any unmatched estimates.
std::vector<Row> Rows(const RunContents& c) {
  std::vector<Row> rows;
  const Index r = EstimateCount(c);
  std::vector<bool> shown(static_cast<size_t>(std::max<Index>(r, 0)), false);
  for (size_t i = 0; i < c.estimate_for_reference.size(); ++i) {
    Row row;
    row.ref = static_cast<Index>(i);
    row.est = c.estimate_for_reference[i];
    if (row.est < 0 || row.est >= r)
      row.est = -1;
    else
      shown[static_cast<size_t>(row.est)] = true;
    row.name = ReferenceName(c, row.ref);
    row.sad_deg = NumberAt(c.metrics, "sad_deg", i);
    row.rmse = NumberAt(c.metrics, "rmse_per_endmember", i);
    rows.push_back(row);
  }
  for (Index j = 0; j < r; ++j)
    if (!shown[static_cast<size_t>(j)]) rows.push_back({j, -1, EstimateName(c, j), std::nullopt, std::nullopt});
  return rows;
}

// ---- pieces of the page -----------------------------------------------------------------------

std::string RowValues(const DisplayMaps& m, Index k, std::vector<float>* out) {
  out->resize(static_cast<size_t>(m.rows * m.cols));
  double sum = 0, top = 0;
  Index n = 0;
  for (Index p = 0; p < m.rows * m.cols; ++p) {
    const float v = m.values(k, p);
    (*out)[static_cast<size_t>(p)] = v;
    if (!std::isnan(v)) sum += v, top = std::max(top, static_cast<double>(v)), ++n;
  }
  return n ? fmt::format("mean {:.3f}, max {:.3f}", sum / static_cast<double>(n), top) : std::string("no data");
}

struct MapSize {
  int width, height;
};

// Small images are enlarged by a whole factor (every pixel the same size on screen) to about
// `side` pixels, mid-sized ones stretched to `side`, larger ones shown at their own size.
MapSize DisplaySize(Index rows, Index cols, int side) {
  const Index longest = std::max<Index>(1, std::max(rows, cols));
  if (2 * longest <= side) {
    const Index k = side / longest;
    return {static_cast<int>(cols * k), static_cast<int>(rows * k)};
  }
  const double s = longest < side ? static_cast<double>(side) / static_cast<double>(longest) : 1.0;
  return {static_cast<int>(std::lround(static_cast<double>(cols) * s)),
          static_cast<int>(std::lround(static_cast<double>(rows) * s))};
}
MapSize DisplaySize(const DisplayMaps& m, int side) { return DisplaySize(m.rows, m.cols, side); }

std::string MapImg(const DisplayMaps& m, Index k, const std::string& id, const std::string& alt, int side) {
  std::vector<float> v;
  const std::string stats = RowValues(m, k, &v);
  const MapSize s = DisplaySize(m, side);
  return fmt::format("<img class=\"map\" id=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\" title=\"{} ({})\" src=\"{}\">",
                     H(id), s.width, s.height, H(alt), H(alt), stats,
                     DataUri("image/png", MapPng(v.data(), m.rows, m.cols)));
}

std::string Figure(const std::string& content, const std::string& caption) {
  return "<figure>" + content + "<figcaption>" + caption + "</figcaption></figure>";
}

std::string UnitsLabel(const std::string& units, bool have_wavelengths) {
  if (!have_wavelengths) return "band";
  std::string u;
  for (char ch : units) u += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (u.find("micro") != std::string::npos || u == "um") return "wavelength (\xc2\xb5m)";
  if (u.find("nano") != std::string::npos || u == "nm") return "wavelength (nm)";
  return units.empty() ? "wavelength" : "wavelength (" + units + ")";
}

std::vector<double> SpectrumX(const Endmembers& e) {
  std::vector<double> x;
  if (static_cast<Index>(e.wavelengths.size()) == e.bands()) return e.wavelengths;
  for (Index b = 0; b < e.bands(); ++b) x.push_back(static_cast<double>(b + 1));
  return x;
}

std::vector<double> Column(const Endmembers& e, Index j) {
  std::vector<double> y;
  for (Index b = 0; b < e.bands(); ++b) y.push_back(e.spectra(b, j));
  return y;
}

std::string SadText(std::optional<double> sad) { return sad ? fmt::format("SAD {:.2f}\xc2\xb0", *sad) : std::string(); }

// The loss curve, at most ~2000 points (every k-th epoch plus the last) to keep the SVG small.
Series LossSeries(const std::vector<double>& loss, const std::string& label, const std::string& colour) {
  Series s;
  s.label = label;
  s.colour = colour;
  const size_t step = std::max<size_t>(1, loss.size() / 2000);
  for (size_t i = 0; i < loss.size(); i += step) {
    s.x.push_back(static_cast<double>(i));
    s.y.push_back(loss[i]);
  }
  if (!loss.empty() && s.x.back() != static_cast<double>(loss.size() - 1)) {
    s.x.push_back(static_cast<double>(loss.size() - 1));
    s.y.push_back(loss.back());
  }
  return s;
}

bool AllPositive(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return !(x <= 0); });
}

// A plot of training losses against the epoch, on a log y axis (and so labelled) when `log_y`.
PlotOptions LossPlotOptions(std::string id, std::string title, const std::string& y_label, bool log_y, int width,
                            int height) {
  return {.id = std::move(id),
          .title = std::move(title),
          .x_label = "epoch (0 = initial weights)",
          .y_label = log_y ? y_label + " (log scale)" : y_label,
          .log_y = log_y,
          .width = width,
          .height = height};
}

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { overflow-wrap: anywhere; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d1d1f;
       background: #f5f5f3; margin: 0; }
main { max-width: 1320px; margin: 0 auto; padding: 22px 28px 36px; }
h1 { font-size: 24px; margin: 0 0 2px; }
h2 { font-size: 18px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 0 0 6px; flex-basis: 100%; }
.sub { color: #555; margin: 0; }
.chips span { display: inline-block; background: #fff; border: 1px solid #d9d9d6; border-radius: 14px;
              padding: 2px 10px; margin: 8px 6px 0 0; font-variant-numeric: tabular-nums; }
nav { margin: 12px 0 0; font-size: 13px; }
nav a { margin-right: 14px; color: #205493; }
section { background: #fff; border: 1px solid #e2e2de; border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
.lead { color: #555; margin: 0 0 12px; max-width: 95ch; }
.row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.row > div { flex: 1 1 480px; min-width: 0; }
figure.preview { flex: 0 0 auto; }
figure { margin: 0; }
figcaption { color: #555; font-size: 12px; margin-top: 4px; max-width: 420px; }
img.map, img.preview { image-rendering: pixelated; max-width: 100%; height: auto; display: block; border: 1px solid #c8c8c8;
  background: repeating-conic-gradient(#e8e8e8 0 25%, #fff 0 50%) 50% / 10px 10px; }
.endmember { display: flex; flex-wrap: wrap; gap: 14px 22px; align-items: flex-start; padding: 14px 0 10px;
             border-top: 1px solid #ececec; }
.endmember:first-of-type { border-top: none; padding-top: 4px; }
.maps { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; }
/* Comparison maps: a grid of equal cells that wraps by design, the colour bar in its own column. */
.cmp-maps { flex: 1 1 100%; min-width: 0; display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 10px; align-items: start; }
.map-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(var(--cell, 150px), 1fr)); gap: 10px; }
.map-grid figure img.map { width: 100%; }
.map-grid figcaption { overflow-wrap: anywhere; }
svg.plot { max-width: 100%; height: auto; }
.badge { font-weight: normal; color: #555; font-size: 13px; margin-left: 8px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 0 0 12px; display: block;
        max-width: 100%; overflow-x: auto; overflow-wrap: normal; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
th { background: #f7f7f5; font-weight: 600; }
td.num, th.num { text-align: right; }
td.best { font-weight: 700; }
td.hash { font-family: ui-monospace, monospace; font-size: 11.5px; word-break: break-all; }
.notes { background: #fff8e1; border-color: #ecd28a; }
.notes ul { margin: 0; padding-left: 20px; }
pre { background: #f6f6f6; padding: 10px; overflow: auto; font-size: 12px; max-height: 520px; white-space: pre-wrap; }
details summary { cursor: pointer; color: #205493; margin: 6px 0; }
footer { color: #777; font-size: 12px; margin-top: 22px; }
#check-failed { display: none; background: #fdecea; border: 1px solid #e0a09a; padding: 8px 12px; border-radius: 6px; }
@media (max-width: 640px) {
  main { padding: 12px 8px 24px; }
  section { padding: 12px 10px; margin: 10px 0; }
  h1 { font-size: 20px; }
  .map-grid { grid-template-columns: repeat(auto-fill, minmax(100px, 1fr)); }
}
@media print { body { background: #fff; } section { break-inside: avoid; border: none; } nav { display: none; } }
)css";

// Marks the page after load so a reader (or a test) can tell every image decoded and every plot
// has a size; shows a warning when one did not (e.g. a truncated file). The page needs no script.
constexpr const char* kScript = R"js(
(function () {
  var body = document.body;
  window.addEventListener('error', function (e) { body.setAttribute('data-script-error', String(e.message)); });
  window.addEventListener('load', function () {
    var imgs = document.querySelectorAll('img'), svgs = document.querySelectorAll('svg'), ok = 0, drawn = 0;
    imgs.forEach(function (i) { if (i.complete && i.naturalWidth > 0) ok++; });
    svgs.forEach(function (s) { var r = s.getBoundingClientRect(); if (r.width > 0 && r.height > 0) drawn++; });
    body.setAttribute('data-images-ok', ok + '/' + imgs.length);
    body.setAttribute('data-plots-ok', drawn + '/' + svgs.length);
    if (ok < imgs.length || drawn < svgs.length) {
      var w = document.getElementById('check-failed');
      w.textContent = (imgs.length - ok) + ' image(s) and ' + (svgs.length - drawn) +
                      ' plot(s) failed to display: the file may be damaged.';
      w.style.display = 'block';
    }
    var root = document.documentElement, wide = 0;
    document.querySelectorAll('main *').forEach(function (e) {
      if (e.getBoundingClientRect().right > root.clientWidth + 0.5 && !e.closest('table, pre')) wide++;
    });
    body.setAttribute('data-viewport', root.clientWidth + 'x' + root.clientHeight);
    body.setAttribute('data-overflow-px', String(Math.max(0, root.scrollWidth - root.clientWidth)));
    body.setAttribute('data-wide-elements', String(wide));
    body.setAttribute('data-check', 'done');
  });
})();
)js";

std::string PageStart(const std::string& title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"unmix {}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n"
      "<div id=\"check-failed\" role=\"alert\"></div>\n",
      kVersion, H(title), kStyle);
}

std::string PageEnd(const std::string& footer) {
  return fmt::format("<footer>{}</footer>\n</main>\n<script>{}</script>\n</body>\n</html>\n", footer, kScript);
}

std::string NotesSection(const std::vector<std::string>& notes) {
  if (notes.empty()) return "";
  std::string s = "<section id=\"notes\" class=\"notes\"><h2>Missing from this report</h2><ul>";
  for (const auto& n : notes) s += "<li>" + H(n) + "</li>";
  return s + "</ul></section>\n";
}

// PNG width and height from its IHDR chunk (0 x 0 when the bytes are not a PNG).
MapSize PngSize(const std::string& png) {
  if (png.size() < 24 || png.compare(1, 3, "PNG") != 0) return {0, 0};
  auto be32 = [&](size_t at) {
    int v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

std::string PreviewFigure(const RunContents& c) {
  const MapSize png = PngSize(c.preview_png);
  const MapSize shown = png.width > 0 ? DisplaySize(png.height, png.width, 320) : MapSize{0, 0};
  const std::string size =
      shown.width > 0 ? fmt::format(" width=\"{}\" height=\"{}\"", shown.width, shown.height) : std::string();
  return fmt::format("<figure class=\"preview\" style=\"max-width: {}px\">{}<figcaption>{}</figcaption></figure>",
                     std::max(shown.width, 320),
                     fmt::format("<img class=\"preview\" id=\"scene-preview\" alt=\"scene preview\"{} src=\"{}\">",
                                 size, DataUri("image/png", c.preview_png)),
                     H(c.preview_caption.empty() ? std::string("scene preview") : c.preview_caption));
}

// "CRS ... · pixel size ... · extent ..." from run.json's "georeference", or "" when absent.
std::string GeoreferenceText(const json& run) {
  if (!run.is_object() || !run.contains("georeference") || !run["georeference"].is_object()) return "";
  const json& g = run["georeference"];
  const std::string units = String(g, "units");
  const std::string u = units.empty() ? std::string() : " " + H(units);
  std::vector<std::string> parts;
  if (!String(g, "crs").empty())
    parts.push_back("CRS " + H(String(g, "crs")) +
                    (String(g, "crs_code").empty() ? std::string() : " (" + H(String(g, "crs_code")) + ")"));
  if (const auto px = NumberAt(g, "pixel_size", 0), py = NumberAt(g, "pixel_size", 1); px && py)
    parts.push_back(fmt::format("pixel size {:.6g} &times; {:.6g}{}", *px, *py, u));
  if (g.contains("extent") && g["extent"].is_object()) {
    const json& e = g["extent"];
    const auto x0 = Number(e, {"min_x"}), y0 = Number(e, {"min_y"}), x1 = Number(e, {"max_x"}),
               y1 = Number(e, {"max_y"});
    if (x0 && y0 && x1 && y1)
      parts.push_back(fmt::format("extent x {:.10g} to {:.10g}, y {:.10g} to {:.10g}{}", *x0, *x1, *y0, *y1, u));
  }
  if (g.value("rotated", false)) parts.push_back("rotated grid");
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : " &middot; ") + p;
  return s.empty() ? s : "<p class=\"sub\" id=\"georeference\">" + s + "</p>";
}

struct MetricRow {
  const char* label;
  std::vector<const char*> path;
  const char* unit_key;  // key of metrics.json "units", or null
  const char* unit;      // fallback unit text
  int decimals;
  const char* init_key;  // init_* counterpart, or null
};

const std::vector<MetricRow>& MetricRows() {
  static const std::vector<MetricRow> rows = {
      {"SAD, mean over endmembers", {"sad_deg_mean"}, nullptr, "degrees", 3, "init_sad_deg_mean"},
      {"SAD, mean over endmembers", {"sad_rad_mean"}, nullptr, "radians", 4, "init_sad_rad_mean"},
      {"abundance RMSE", {"rmse"}, "rmse", "abundance fraction", 4, "init_rmse"},
      {"abundance RMSE, global", {"rmse_global"}, "rmse_global", "abundance fraction", 4, nullptr},
      {"abundance MAE \xc3\x97 100", {"mae"}, "mae", "abundance fraction \xc3\x97 100", 3, "init_mae"},
      {"AAD", {"aad_deg"}, "aad", "degrees", 3, "init_aad_deg"},
      {"AID", {"aid"}, "aid", "nats", 4, "init_aid"},
      {"reconstruction RMSE", {"reconstruction", "rmse"}, nullptr, "scene units", 5, nullptr},
      {"reconstruction relative error",
       {"reconstruction", "relative_frobenius"},
       nullptr,
       "|Y - AX|_F / |Y|_F",
       4,
       nullptr},
      {"reconstruction angle, mean over pixels", {"reconstruction", "mean_angle_deg"}, nullptr, "degrees", 3, nullptr},
  };
  return rows;
}

std::string MetricsTable(const json& m) {
  bool any_init = false;
  for (const auto& r : MetricRows()) any_init = any_init || (r.init_key && Number(m, {r.init_key}));
  std::string t = "<table id=\"metrics-table\"><thead><tr><th>metric</th><th class=\"num\">result</th>";
  if (any_init) t += "<th class=\"num\">start</th>";
  t += "<th>unit</th></tr></thead><tbody>";
  for (const auto& r : MetricRows()) {
    const auto v = Number(m, r.path);
    if (!v) continue;
    std::string unit = r.unit;
    if (r.unit_key && m.contains("units") && !String(m["units"], r.unit_key).empty())
      unit = String(m["units"], r.unit_key);
    t += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td>", r.label, Fixed(v, r.decimals));
    if (any_init)
      t += fmt::format("<td class=\"num\">{}</td>", r.init_key ? Fixed(Number(m, {r.init_key}), r.decimals) : "");
    t += fmt::format("<td>{}</td></tr>", H(unit));
  }
  if (const auto n = Number(m, {"abundance_pixels"}))
    t += fmt::format(
        "<tr><td>pixels the abundance scores cover</td><td class=\"num\">{:.0f}</td>{}<td>held-out "
        "pixels (the rest trained the network)</td></tr>",
        *n, any_init ? "<td></td>" : "");
  t += "</tbody></table>";
  if (m.contains("matching"))
    t += fmt::format(
        "<p class=\"lead\">Matching: <b>{}</b> &mdash; {}. Every score compares each reference "
        "endmember with the estimate matched to it.{}</p>",
        H(String(m["matching"], "rule")), H(String(m["matching"], "description")),
        any_init ? " <i>start</i>: the initialisation the method refined (e.g. VCA + FCLS)." : "");
  return t;
}

std::string Shell(const json& command) {
  if (!command.is_array()) return "";
  std::string s;
  for (const auto& a : command) {
    const std::string arg = a.is_string() ? a.get<std::string>() : a.dump();
    const bool plain =
        !arg.empty() &&
        arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./=,:+@%") ==
            std::string::npos;
    if (!s.empty()) s += ' ';
    s += plain ? arg : "'" + arg + "'";
  }
  return s;
}

std::string SettingsSection(const RunContents& c) {
  std::string s = "<section id=\"settings\"><h2>Settings</h2>";
  if (!c.run.is_object()) return s + "<p class=\"lead\">run.json is missing: the settings are unknown.</p></section>\n";
  if (c.run.contains("command"))
    s += "<p class=\"lead\">Command line:</p><pre id=\"command-line\">" + H(Shell(c.run["command"])) + "</pre>";
  std::vector<std::pair<std::string, std::string>> rows;
  Flatten(c.run, "", {"command", "details", "reports", "input_checksums", "timings", "preview", "outputs"}, rows);
  s += "<div class=\"row\"><div><h3>Options</h3><table id=\"settings-table\"><tbody>";
  for (const auto& [k, v] : rows) s += fmt::format("<tr><th>{}</th><td>{}</td></tr>", H(k), v);
  s += "</tbody></table></div>";
  if (c.run.contains("timings") && c.run["timings"].is_object()) {
    s += "<div><h3>Timings</h3><table id=\"timings-table\"><thead><tr><th>stage</th><th class=\"num\">seconds</th>"
         "</tr></thead><tbody>";
    for (const auto& [k, v] : c.run["timings"].items())
      if (v.is_number()) s += fmt::format("<tr><td>{}</td><td class=\"num\">{:.3f}</td></tr>", H(k), v.get<double>());
    s += "</tbody></table></div>";
  }
  s += "</div>";
  if (c.run.contains("input_checksums") && c.run["input_checksums"].is_array() && !c.run["input_checksums"].empty()) {
    s += "<h3>Input files</h3><table id=\"checksums-table\"><thead><tr><th>role</th><th>file</th><th "
         "class=\"num\">bytes</th><th>SHA-256</th></tr></thead><tbody>";
    for (const auto& f : c.run["input_checksums"])
      s += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"hash\">{}</td></tr>",
                       H(String(f, "role")), H(String(f, "path")), f.contains("bytes") ? f["bytes"].dump() : "",
                       H(String(f, "sha256")));
    s += "</tbody></table>";
  }
  if (c.run.contains("reports") && c.run["reports"].is_array() && !c.run["reports"].empty()) {
    s += "<h3>What each stage reported</h3><pre>";
    for (const auto& line : c.run["reports"]) s += H(line.is_string() ? line.get<std::string>() : line.dump()) + "\n";
    s += "</pre>";
  }
  s += "<details><summary>run.json in full</summary><pre>" + H(c.run.dump(2)) + "</pre></details></section>\n";
  return s;
}

std::string Footer(const RunContents* c) {
  std::string s = fmt::format(
      "Written by unmix {}. Maps are reduced for display (block means); the full-resolution "
      "values are in the run folder's abundance raster.",
      kVersion);
  if (c && c->run.contains("outputs") && c->run["outputs"].is_array()) {
    s += " Files of this run:";
    for (const auto& f : c->run["outputs"])
      if (f.is_string()) s += " <code>" + H(f.get<std::string>()) + "</code>";
  }
  return s;
}

}  // namespace

std::string RenderRunReport(const RunContents& c) {
  const std::vector<Row> rows = Rows(c);
  const json& run = c.run;
  const json& m = c.metrics;
  std::string title = c.title.empty() ? "unmix run" : c.title;
  std::string page = PageStart("unmix report: " + title);

  // Header: what ran on what, and the headline scores.
  page += "<header><h1>" + H(title) + "</h1><p class=\"sub\">";
  std::vector<std::string> facts;
  if (!String(run, "input").empty()) facts.push_back(H(String(run, "input")));
  if (run.contains("scene") && run["scene"].is_object())
    facts.push_back(fmt::format("{} &times; {} pixels, {} bands", ValueText(run["scene"].value("rows", json())),
                                ValueText(run["scene"].value("cols", json())),
                                ValueText(run["scene"].value("bands", json()))));
  else if (c.maps)
    facts.push_back(fmt::format("{} &times; {} pixels{}", c.maps->source_rows, c.maps->source_cols,
                                c.endmembers ? fmt::format(", {} bands", c.endmembers->bands()) : ""));
  facts.push_back(fmt::format("r = {}", EstimateCount(c)));
  if (!String(run, "version").empty()) facts.push_back("unmix " + H(String(run, "version")));
  for (size_t i = 0; i < facts.size(); ++i) page += (i ? " &middot; " : "") + facts[i];
  page += "</p>" + GeoreferenceText(run) + "<p class=\"chips\">";
  if (const auto v = Number(m, {"sad_deg_mean"})) page += fmt::format("<span>SAD {:.2f}&deg;</span>", *v);
  if (const auto v = Number(m, {"rmse"})) page += fmt::format("<span>RMSE {:.4f}</span>", *v);
  if (const auto v = Number(m, {"aad_deg"})) page += fmt::format("<span>AAD {:.2f}&deg;</span>", *v);
  if (const auto v = Number(m, {"aid"})) page += fmt::format("<span>AID {:.4f}</span>", *v);
  if (const auto v = Number(run, {"timings", "total"})) page += fmt::format("<span>{:.2f} s</span>", *v);
  if (!m.is_object()) page += "<span>no ground truth: no scores</span>";
  page += "</p><nav><a href=\"#overview\">overview</a><a href=\"#endmembers\">endmembers</a>";
  if (!c.loss.empty()) page += "<a href=\"#training\">training</a>";
  page += "<a href=\"#settings\">settings</a></nav></header>\n";
  page += NotesSection(c.notes);

  // Overview: scene and scores side by side.
  page += "<section id=\"overview\"><h2>Scene and scores</h2><div class=\"row\">";
  if (!c.preview_png.empty()) page += PreviewFigure(c);
  page += "<div>";
  if (m.is_object())
    page += MetricsTable(m);
  else
    page += "<p class=\"lead\">No ground truth was given to this run, so there are no scores.</p>";
  if (!rows.empty()) {
    page +=
        "<table id=\"endmember-table\"><thead><tr><th>#</th><th>endmember</th><th class=\"num\">estimate</th>"
        "<th class=\"num\">SAD (&deg;)</th><th class=\"num\">abundance RMSE</th></tr></thead><tbody>";
    for (size_t k = 0; k < rows.size(); ++k)
      page += fmt::format(
          "<tr><td>{}</td><td><a href=\"#endmember-{}\">{}</a></td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
          k + 1, k, H(rows[k].name), rows[k].est >= 0 ? fmt::format("E{}", rows[k].est + 1) : "&ndash;",
          Fixed(rows[k].sad_deg, 2), Fixed(rows[k].rmse, 4));
    page += "</tbody></table>";
  }
  page += "</div></div></section>\n";

  // One block per endmember: estimated map, reference map, colour bar, spectra.
  page += "<section id=\"endmembers\"><h2>Endmembers</h2><p class=\"lead\">";
  page += c.estimate_for_reference.empty()
              ? "Each estimated endmember: its abundance map (viridis, fixed 0 to 1 scale; checkered where there is no "
                "data) and its spectrum."
              : "Each reference endmember with the estimate matched to it: the estimated abundance map beside the "
                "reference map (viridis, fixed 0 to 1 scale; checkered where there is no data), and the estimated "
                "spectrum over the reference spectrum with the spectral angle (SAD) in the legend.";
  if (c.maps && c.maps->factor > 1)
    page += fmt::format(" Maps: {} &times; {} pixels shown as {} &times; {} (mean of {} &times; {} blocks).",
                        c.maps->source_rows, c.maps->source_cols, c.maps->rows, c.maps->cols, c.maps->factor,
                        c.maps->factor);
  page += "</p>";
  const std::string x_label =
      c.endmembers ? UnitsLabel(c.wavelength_units,
                                static_cast<Index>(c.endmembers->wavelengths.size()) == c.endmembers->bands())
                   : "band";
  constexpr int kSide = 220;
  for (size_t k = 0; k < rows.size(); ++k) {
    const Row& row = rows[k];
    page += fmt::format("<div class=\"endmember\" id=\"endmember-{}\"><h3>{}. {}<span class=\"badge\">{}{}</span></h3>",
                        k, k + 1, H(row.name), row.est >= 0 ? fmt::format("estimate E{}", row.est + 1) : "no estimate",
                        row.sad_deg ? " &middot; " + SadText(row.sad_deg) : "");
    page += "<div class=\"maps\">";
    int bar_height = 0;
    if (c.maps && row.est >= 0) {
      page += Figure(MapImg(*c.maps, row.est, fmt::format("map-{}", k), "estimated abundance of " + row.name, kSide),
                     "estimate");
      bar_height = DisplaySize(*c.maps, kSide).height;
    }
    if (c.reference_maps && row.ref >= 0 && row.ref < c.reference_maps->count()) {
      page += Figure(
          MapImg(*c.reference_maps, row.ref, fmt::format("ref-map-{}", k), "reference abundance of " + row.name, kSide),
          "reference");
      bar_height = std::max(bar_height, DisplaySize(*c.reference_maps, kSide).height);
    }
    if (bar_height > 0) page += ColourBarSvg(fmt::format("colourbar-{}", k), std::max(bar_height, 140));
    page += "</div>";
    if (c.endmembers && row.est >= 0) {
      std::vector<Series> series;
      Series est;
      est.label = "estimate" + (row.sad_deg ? " (" + SadText(row.sad_deg) + ")" : std::string());
      est.x = SpectrumX(*c.endmembers);
      est.y = Column(*c.endmembers, row.est);
      est.colour = "#0072b2";
      est.width = 1.8;
      series.push_back(est);
      if (c.reference_endmembers && row.ref >= 0 && row.ref < c.reference_endmembers->count() &&
          c.reference_endmembers->bands() == c.endmembers->bands()) {
        Series ref;
        ref.label = "reference: " + row.name;
        ref.x = est.x;
        ref.y = Column(*c.reference_endmembers, row.ref);
        ref.colour = "#222222";
        ref.dashed = true;
        ref.width = 1.4;
        series.push_back(ref);
      }
      PlotOptions po;
      po.id = fmt::format("spectra-{}", k);
      po.title = row.name + " spectrum";
      po.x_label = x_label;
      po.y_label = "value (scene units)";
      po.width = 470;
      po.height = 260;
      page += LinePlotSvg(series, po);
    }
    page += "</div>\n";
  }
  if (rows.empty()) page += "<p class=\"lead\">No endmembers or abundances were found.</p>";
  page += "</section>\n";

  if (!c.loss.empty()) {
    const PlotOptions po =
        LossPlotOptions("loss-curve", "training loss per epoch", "loss", AllPositive(c.loss), 640, 320);
    page += "<section id=\"training\"><h2>Training</h2>";
    page += LinePlotSvg({LossSeries(c.loss, title, "#0072b2")}, po);
    const auto best = std::min_element(c.loss.begin(), c.loss.end());
    page += fmt::format("<p class=\"lead\">{} epochs; first loss {:.6g}, last {:.6g}, lowest {:.6g} at epoch {}.</p>",
                        c.loss.size() - 1, c.loss.front(), c.loss.back(), *best, best - c.loss.begin());
    page += "</section>\n";
  }
  page += SettingsSection(c);
  page += PageEnd(Footer(&c));
  return page;
}

std::string RenderComparisonReport(const std::vector<RunContents>& runs, const std::vector<std::string>& links) {
  std::string page = PageStart(fmt::format("unmix comparison: {} runs", runs.size()));
  // Labels: the method, or the folder name when two runs share a method.
  std::vector<std::string> labels;
  std::map<std::string, int> seen;
  for (const auto& r : runs) ++seen[r.title];
  for (size_t i = 0; i < runs.size(); ++i) {
    std::string l = runs[i].title.empty() ? fmt::format("run {}", i + 1) : runs[i].title;
    if (seen[runs[i].title] > 1 && !runs[i].folder.empty()) l = runs[i].folder.filename().string();
    labels.push_back(l);
  }
  const RunContents* ref = nullptr;  // the run whose reference the others are compared with
  for (const auto& r : runs)
    if (!r.estimate_for_reference.empty() && (r.reference_maps || r.reference_endmembers || r.metrics.is_object())) {
      ref = &r;
      break;
    }
  const Index n_ref = ref ? static_cast<Index>(ref->estimate_for_reference.size()) : 0;
  Index n_rows = n_ref;
  if (!ref)
    for (const auto& r : runs) n_rows = std::max(n_rows, EstimateCount(r));
  std::vector<std::string> names;
  for (Index i = 0; i < n_rows; ++i) names.push_back(ref ? ReferenceName(*ref, i) : fmt::format("E{}", i + 1));
  // Estimate of run `r` shown in row i.
  auto estimate_of = [&](const RunContents& r, Index i) -> Index {
    if (ref) {
      if (static_cast<size_t>(i) < r.estimate_for_reference.size())
        return r.estimate_for_reference[static_cast<size_t>(i)];
      return -1;
    }
    return i < EstimateCount(r) ? i : -1;
  };

  page += fmt::format("<header><h1>Comparison of {} runs</h1><p class=\"sub\">", runs.size());
  std::set<std::string> inputs;
  for (const auto& r : runs)
    if (!String(r.run, "input").empty()) inputs.insert(String(r.run, "input"));
  if (inputs.size() == 1)
    page += "scene " + H(*inputs.begin()) + " &middot; ";
  else if (inputs.size() > 1)
    page += fmt::format("{} different inputs &middot; ", inputs.size());
  std::string geo;
  for (const auto& r : runs)
    if (geo.empty()) geo = GeoreferenceText(r.run);
  page += fmt::format(
      "unmix {}</p>{}<nav><a href=\"#scores\">scores</a><a href=\"#maps\">maps</a><a "
      "href=\"#spectra\">spectra</a><a href=\"#training\">training</a><a href=\"#runs\">runs</a></nav>"
      "</header>\n",
      kVersion, geo);
  std::vector<std::string> notes;
  if (inputs.size() > 1) notes.push_back("the runs read different input files; their scores may not be comparable");
  if (!ref)
    notes.push_back(
        "no run has ground truth: endmembers are shown in each run's own order and rows need not "
        "correspond to the same material");
  for (size_t i = 0; i < runs.size(); ++i)
    for (const auto& n : runs[i].notes) notes.push_back(labels[i] + ": " + n);
  page += NotesSection(notes);

  // Scores: one row per run, the best value of each column in bold.
  struct Col {
    const char* head;
    std::vector<const char*> path;
    int decimals;
    bool from_run;
  };
  const std::vector<Col> cols = {{"SAD (&deg;)", {"sad_deg_mean"}, 3, false},
                                 {"RMSE", {"rmse"}, 4, false},
                                 {"MAE &times; 100", {"mae"}, 3, false},
                                 {"AAD (&deg;)", {"aad_deg"}, 3, false},
                                 {"AID (nats)", {"aid"}, 4, false},
                                 {"reconstruction rel. error", {"reconstruction", "relative_frobenius"}, 4, false},
                                 {"time (s)", {"timings", "total"}, 2, true}};
  page +=
      "<section id=\"scores\"><h2>Scores</h2><div class=\"row\"><div>"
      "<table id=\"comparison-table\"><thead><tr><th>run</th>";
  for (const auto& col : cols) page += fmt::format("<th class=\"num\">{}</th>", col.head);
  page += "</tr></thead><tbody>";
  std::vector<std::optional<double>> best(cols.size());
  for (const auto& r : runs)
    for (size_t k = 0; k < cols.size(); ++k)
      if (const auto v = Number(cols[k].from_run ? r.run : r.metrics, cols[k].path))
        best[k] = best[k] ? std::min(*best[k], *v) : *v;
  for (size_t i = 0; i < runs.size(); ++i) {
    const std::string link = i < links.size() && !links[i].empty()
                                 ? fmt::format("<a href=\"{}\">{}</a>", H(links[i]), H(labels[i]))
                                 : H(labels[i]);
    page += "<tr><td>" + link + "</td>";
    for (size_t k = 0; k < cols.size(); ++k) {
      const auto v = Number(cols[k].from_run ? runs[i].run : runs[i].metrics, cols[k].path);
      const bool is_best = v && best[k] && *v == *best[k] && runs.size() > 1;
      page += fmt::format("<td class=\"num{}\">{}</td>", is_best ? " best" : "", Fixed(v, cols[k].decimals));
    }
    page += "</tr>";
  }
  page += "</tbody></table>";
  if (ref && ref->metrics.contains("matching"))
    page += "<p class=\"lead\">Every run is matched to the reference by: " +
            H(String(ref->metrics["matching"], "description")) +
            ". SAD: mean spectral angle to the reference endmembers; RMSE: abundance RMSE (mean over pixels of the "
            "per-pixel RMSE, abundance fraction); MAE in abundance fraction &times; 100; AAD: abundance angle; AID: "
            "symmetric KL divergence. Lower is better; the best of each column is bold.</p>";
  // The papers' per-endmember tables.
  for (const auto& [key, id, caption, decimals] : std::vector<std::tuple<const char*, const char*, const char*, int>>{
           {"sad_deg", "sad-table", "SAD per endmember (degrees)", 2},
           {"rmse_per_endmember", "rmse-table", "abundance RMSE per endmember", 4}}) {
    if (!ref) break;
    bool any = false;
    for (const auto& r : runs) any = any || (r.metrics.is_object() && r.metrics.contains(key));
    if (!any) continue;
    page += fmt::format("<h3>{}</h3><table id=\"{}\"><thead><tr><th>run</th>", caption, id);
    for (const auto& n : names) page += "<th class=\"num\">" + H(n) + "</th>";
    page += "</tr></thead><tbody>";
    std::vector<std::optional<double>> col_best(names.size());
    for (const auto& r : runs)
      for (size_t i = 0; i < names.size(); ++i)
        if (const auto v = NumberAt(r.metrics, key, i)) col_best[i] = col_best[i] ? std::min(*col_best[i], *v) : *v;
    for (size_t ri = 0; ri < runs.size(); ++ri) {
      page += "<tr><td>" + H(labels[ri]) + "</td>";
      for (size_t i = 0; i < names.size(); ++i) {
        const auto v = NumberAt(runs[ri].metrics, key, i);
        const bool is_best = v && col_best[i] && *v == *col_best[i] && runs.size() > 1;
        page += fmt::format("<td class=\"num{}\">{}</td>", is_best ? " best" : "", Fixed(v, decimals));
      }
      page += "</tr>";
    }
    page += "</tbody></table>";
  }
  page += "</div>";
  // The scene, from the first run that has a preview.
  for (const auto& r : runs)
    if (!r.preview_png.empty()) {
      page += PreviewFigure(r);
      break;
    }
  page += "</div></section>\n";

  // Maps: per endmember, the reference and every run side by side.
  // Grid cells of at least `side` px: as many per line as fit, the rest on the next (by design).
  const int side = runs.size() <= 4 ? 180 : runs.size() <= 6 ? 150 : 120;
  page +=
      "<section id=\"maps\"><h2>Abundance maps</h2><p class=\"lead\">One row per endmember: the reference (when "
      "known) and each run's matched estimate, viridis on a fixed 0 to 1 scale; checkered where there is no "
      "data.</p>";
  for (Index i = 0; i < n_rows; ++i) {
    page += fmt::format(
        "<div class=\"endmember\" id=\"cmp-endmember-{}\"><h3>{}. {}</h3><div class=\"cmp-maps\">"
        "<div class=\"map-grid\" style=\"--cell: {}px\">",
        i, i + 1, H(names[static_cast<size_t>(i)]), side);
    int bar = 0;
    if (ref && ref->reference_maps && i < ref->reference_maps->count()) {
      page += Figure(MapImg(*ref->reference_maps, i, fmt::format("cmp-ref-map-{}", i),
                            "reference abundance of " + names[static_cast<size_t>(i)], side),
                     "<b>reference</b>");
      bar = DisplaySize(*ref->reference_maps, side).height;
    }
    for (size_t ri = 0; ri < runs.size(); ++ri) {
      const Index j = estimate_of(runs[ri], i);
      if (!runs[ri].maps || j < 0 || j >= runs[ri].maps->count()) continue;
      const auto rmse = ref ? NumberAt(runs[ri].metrics, "rmse_per_endmember", static_cast<size_t>(i)) : std::nullopt;
      page += Figure(MapImg(*runs[ri].maps, j, fmt::format("cmp-map-{}-{}", ri, i),
                            labels[ri] + ": abundance of " + names[static_cast<size_t>(i)], side),
                     H(labels[ri]) + (rmse ? fmt::format("<br>RMSE {:.4f}", *rmse) : std::string()));
      bar = std::max(bar, DisplaySize(*runs[ri].maps, side).height);
    }
    page += "</div>";
    if (bar > 0) page += ColourBarSvg(fmt::format("cmp-colourbar-{}", i), std::max(bar, 120));
    page += "</div></div>\n";
  }
  page += "</section>\n";

  // Spectra: per endmember, the reference and every run's matched estimate.
  page += "<section id=\"spectra\"><h2>Endmember spectra</h2><div class=\"row\">";
  for (Index i = 0; i < n_rows; ++i) {
    std::vector<Series> series;
    const Endmembers* axis = nullptr;
    if (ref && ref->reference_endmembers && i < ref->reference_endmembers->count()) {
      Series s;
      s.label = "reference";
      s.x = SpectrumX(*ref->reference_endmembers);
      if (ref->endmembers && ref->endmembers->bands() == ref->reference_endmembers->bands())
        s.x = SpectrumX(*ref->endmembers);
      s.y = Column(*ref->reference_endmembers, i);
      s.colour = "#222222";
      s.dashed = true;
      s.width = 1.4;
      series.push_back(s);
    }
    for (size_t ri = 0; ri < runs.size(); ++ri) {
      const Index j = estimate_of(runs[ri], i);
      if (!runs[ri].endmembers || j < 0 || j >= runs[ri].endmembers->count()) continue;
      if (!axis) axis = &*runs[ri].endmembers;
      Series s;
      const auto sad = ref ? NumberAt(runs[ri].metrics, "sad_deg", static_cast<size_t>(i)) : std::nullopt;
      s.label = labels[ri] + (sad ? " (" + SadText(sad) + ")" : std::string());
      s.x = SpectrumX(*runs[ri].endmembers);
      s.y = Column(*runs[ri].endmembers, j);
      const SeriesStyle style = SeriesStyleAt(ri);
      s.colour = style.colour;
      s.dash = style.dash;
      series.push_back(s);
    }
    if (series.empty()) continue;
    PlotOptions po;
    po.id = fmt::format("cmp-spectra-{}", i);
    po.title = names[static_cast<size_t>(i)];
    const RunContents& units_from = ref ? *ref : runs.front();
    po.x_label =
        axis ? UnitsLabel(units_from.wavelength_units, static_cast<Index>(axis->wavelengths.size()) == axis->bands())
             : "band";
    po.y_label = "value (scene units)";
    po.width = 620;
    po.height = 300;
    page += LinePlotSvg(series, po);
  }
  page += "</div></section>\n";

  // Loss curves of the trained runs.
  std::vector<Series> losses;
  bool log_y = true;
  size_t longest = 0;
  for (size_t ri = 0; ri < runs.size(); ++ri)
    if (!runs[ri].loss.empty()) {
      // Relative to the first value: objectives of different scales and lengths share one axis.
      const double first = runs[ri].loss.front();
      std::vector<double> rel = runs[ri].loss;
      if (std::isfinite(first) && first != 0)
        for (double& v : rel) v /= first;
      const SeriesStyle style = SeriesStyleAt(ri);
      Series s = LossSeries(
          rel, fmt::format("{} ({} epochs, first {:.4g})", labels[ri], runs[ri].loss.size() - 1, first), style.colour);
      s.dash = style.dash;
      losses.push_back(s);
      log_y = log_y && AllPositive(rel);
      longest = std::max(longest, runs[ri].loss.size() - 1);
    }
  page += "<section id=\"training\"><h2>Training</h2>";
  if (losses.empty()) {
    page += "<p class=\"lead\">None of these runs trained a network.</p>";
  } else {
    page += LinePlotSvg(losses, LossPlotOptions("cmp-loss", "training loss relative to its first value",
                                                "loss / first loss", log_y, 760, 340));
    page += fmt::format(
        "<p class=\"lead\">Each network's own objective divided by its value at epoch 0, so curves "
        "of different scales and lengths (up to {} epochs) share one axis: they show how far and how "
        "fast each loss fell, not which is lower. The legend gives each run's epochs and first "
        "value.</p>",
        longest);
  }
  page += "</section>\n";

  // The runs and their settings.
  page +=
      "<section id=\"runs\"><h2>Runs</h2><table id=\"runs-table\"><thead><tr><th>run</th><th>method</th><th>folder"
      "</th><th class=\"num\">r</th><th class=\"num\">seed</th><th class=\"num\">threads</th><th "
      "class=\"num\">epochs</th><th>version</th></tr></thead><tbody>";
  for (size_t i = 0; i < runs.size(); ++i) {
    const json& r = runs[i].run;
    auto epochs = Number(r, {"network", "epochs"});
    if (!epochs && !runs[i].loss.empty()) epochs = static_cast<double>(runs[i].loss.size() - 1);
    page += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
        "class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
        H(labels[i]), H(String(r, "method")), H(runs[i].folder.string()), EstimateCount(runs[i]),
        r.contains("seed") ? ValueText(r["seed"]) : "&ndash;",
        r.contains("threads") ? ValueText(r["threads"]) : "&ndash;",
        epochs ? fmt::format("{:.0f}", *epochs) : "&ndash;", H(String(r, "version")));
  }
  page +=
      "</tbody></table><p class=\"lead\">Each run's own report (linked from the scores table) lists every "
      "setting, timing and input checksum.</p></section>\n";
  page += PageEnd(Footer(nullptr));
  return page;
}

}  // namespace unmix::report
