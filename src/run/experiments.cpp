// The experiment runner: every variant on every condition for every seed, the summary over
// seeds, the experiment folder (raw.csv, summary.csv, summary.json, plots) and the results page.
#include "unmix/run/experiments.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <tuple>

#include "io/csv_table.hpp"
#include "run/stats.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/stopwatch.hpp"
#include "unmix/report/svg.hpp"
#include "unmix/report/svg_png.hpp"
#include "unmix/run/run_folder.hpp"
#include "unmix/version.hpp"

namespace unmix {
namespace {

namespace fs = std::filesystem;
using internal::Stat;
using internal::Summarise;
using io::detail::CsvField;

// The numbers of one run that the experiments report.
// Methods given the true endmembers (supervised) report no SAD: it would be 0 by construction.
MetricRow RowOf(const RunResult& r, const nlohmann::json& m, double seconds, bool known_endmembers) {
  MetricRow row;
  for (const char* key :
       {"rmse", "aad_deg", "aid", "sad_deg_mean", "sad_rad_mean", "init_rmse", "init_sad_deg_mean", "init_aad_deg"}) {
    if (known_endmembers && std::string(key).find("sad_") != std::string::npos) continue;
    if (m.contains(key) && m[key].is_number()) row[key] = m[key].get<double>();
  }
  if (!known_endmembers && m.contains("sad_deg") && m.contains("endmember_names"))
    for (size_t j = 0; j < m["sad_deg"].size() && j < m["endmember_names"].size(); ++j)
      row["sad_deg." + m["endmember_names"][j].get<std::string>()] = m["sad_deg"][j].get<double>();
  row["seconds"] = seconds;
  if (r.timings.count("train")) row["train_seconds"] = r.timings.at("train");
  if (r.timings.count("inference")) row["inference_seconds"] = r.timings.at("inference");
  return row;
}

// The values of each (condition, variant, metric) over seeds.
using Cells = std::map<std::tuple<size_t, size_t, std::string>, std::vector<double>>;
Cells CellsOf(const std::vector<ExperimentValue>& values) {
  Cells cells;
  for (const auto& v : values) cells[{v.condition, v.variant, v.metric}].push_back(v.value);
  return cells;
}

// mean ± std with the decimals the mean's size calls for.
std::string MeanStd(double mean, double std) {
  const double a = std::fabs(mean);
  if (a != 0 && (a < 1e-3 || a >= 1e5)) return fmt::format("{:.3e} ± {:.1e}", mean, std);
  const int decimals = a < 1 ? 4 : a < 100 ? 3 : 1;
  return fmt::format("{:.{}f} ± {:.{}f}", mean, decimals, std, decimals);
}

const std::map<std::string, std::string>& MetricNames() {
  static const std::map<std::string, std::string> names = {{"rmse", "abundance RMSE"},
                                                           {"aad_deg", "AAD (deg)"},
                                                           {"aid", "AID"},
                                                           {"sad_deg_mean", "mean SAD (deg)"},
                                                           {"sad_rad_mean", "mean SAD (rad)"},
                                                           {"init_rmse", "start RMSE"},
                                                           {"init_sad_deg_mean", "start mean SAD (deg)"},
                                                           {"seconds", "time (s)"},
                                                           {"train_seconds", "training (s)"},
                                                           {"inference_seconds", "inference (s)"}};
  return names;
}

std::string MetricName(const std::string& key) {
  const auto it = MetricNames().find(key);
  if (it != MetricNames().end()) return it->second;
  if (key.rfind("sad_deg.", 0) == 0) return "SAD " + key.substr(8) + " (deg)";
  return key;
}

// The plots of a sweep: one line per variant, mean over seeds; returns summary.json's "plots".
nlohmann::json WritePlots(const ExperimentResults& res, const Cells& cells, const fs::path& dir) {
  const nlohmann::json& s = res.summary;
  const std::string name = s["name"];
  nlohmann::json plots = nlohmann::json::array();
  if (s["x_label"].get<std::string>().empty() || res.conditions.size() < 2) return plots;
  const int seeds = s["seeds"];
  for (const std::string metric : s["plot_metrics"]) {
    std::vector<report::Series> series;
    for (size_t vi = 0; vi < res.variants.size(); ++vi) {
      report::Series line;
      line.label = res.variants[vi].label;
      for (size_t ci = 0; ci < res.conditions.size(); ++ci) {
        const auto it = cells.find({ci, vi, metric});
        if (it == cells.end()) continue;
        line.x.push_back(res.conditions[ci].x);
        line.y.push_back(Summarise(it->second).mean);
      }
      if (line.x.empty()) continue;
      line.colour = report::SeriesPalette()[vi % report::SeriesPalette().size()];
      line.dashed = vi >= report::SeriesPalette().size();
      series.push_back(std::move(line));
    }
    if (series.empty()) continue;
    report::PlotOptions po;
    po.id = name + "-" + metric;
    po.title = fmt::format("{}: {} ({}{})", s["reproduces"].get<std::string>(), MetricName(metric),
                           seeds == 1 ? "1 run" : fmt::format("mean of {} runs", seeds),
                           s["quick"].get<bool>() ? ", quick" : "");
    po.x_label = s["x_label"];
    po.y_label = MetricName(metric);
    po.width = 640;
    po.height = 360;
    const std::string svg = report::LinePlotSvg(series, po);
    const std::string base = po.id;
    WriteFileAtomic(dir / (base + ".svg"), svg);
    report::WriteSvgAsPng(svg, dir / (base + ".png"));
    plots.push_back({{"metric", metric}, {"png", base + ".png"}, {"svg", base + ".svg"}});
  }
  return plots;
}

// One markdown table: rows = variants (and the paper's numbers), columns = metrics, for one
// condition.
std::string MarkdownTable(const nlohmann::json& s, const std::string& condition) {
  std::map<std::pair<std::string, std::string>, nlohmann::json> cell;  // (variant, metric)
  for (const auto& r : s["results"])
    if (r["condition"] == condition) cell[{r["variant"].get<std::string>(), r["metric"].get<std::string>()}] = r;
  std::vector<std::string> metrics;
  for (const auto& m : s["metrics"]) {
    bool any = false;
    for (const auto& v : s["variants"]) any = any || cell.count({v["label"].get<std::string>(), m.get<std::string>()});
    if (any) metrics.push_back(m.get<std::string>());
  }
  std::string out = "| method |";
  for (const auto& m : metrics) out += " " + MetricName(m) + " |";
  out += "\n| --- |";
  for (size_t k = 0; k < metrics.size(); ++k) out += " ---: |";
  out += "\n";
  for (const auto& v : s["variants"]) {
    const std::string label = v["label"];
    out += "| `" + label + "` |";
    for (const auto& m : metrics) {
      const auto it = cell.find({label, m});
      if (it == cell.end()) {
        out += " — |";
        continue;
      }
      const auto& r = it->second;
      out += r["runs"].get<int>() > 1 ? fmt::format(" {} |", MeanStd(r["mean"], r["std"]))
                                      : fmt::format(" {} |", FormatMetric(r["mean"]));
    }
    out += "\n";
    if (s["paper"].contains(label)) {
      out += "| paper: " + label + " |";
      for (const auto& m : metrics) {
        const auto& paper = s["paper"][label];
        out += fmt::format(" {} |", paper.contains(m) ? paper[m].get<std::string>() : std::string("—"));
      }
      out += "\n";
    }
  }
  return out;
}

// One experiment's section of the results page.
std::string PageSection(const nlohmann::json& s) {
  std::string page = fmt::format("## {}: {} ({})\n\n", s["name"].get<std::string>(), s["title"].get<std::string>(),
                                 s["reproduces"].get<std::string>());
  page += s["settings"].get<std::string>() + "\n\n";
  page += fmt::format("Runs: {} per cell{}; {} threads; {:.0f} s in all; unmix {}.\n", s["seeds"].get<int>(),
                      s["quick"].get<bool>() ? " (quick size)" : "", s["threads"].get<int>(),
                      s["seconds"].get<double>(), s["version"].get<std::string>());
  std::string cmd;
  // argv[0] as "unmix": the page should not name the directory it was built in.
  for (const auto& w : s["command"]) cmd += cmd.empty() ? std::string("unmix") : " " + w.get<std::string>();
  page += fmt::format("Command: `{}`.\n\nScenes:\n", cmd);
  int shown = 0;
  for (const auto& d : s["scenes"]) {
    if (shown++ == 3) {
      page += fmt::format("- ... ({} scenes in all)\n", s["scenes"].size());
      break;
    }
    page += "- " + d.get<std::string>() + "\n";
  }
  page += "\n";
  for (const auto& p : s["plots"])
    page += fmt::format("![{} {}]({}/{})\n", s["name"].get<std::string>(), p["metric"].get<std::string>(),
                        s["name"].get<std::string>(), p["png"].get<std::string>());
  if (!s["plots"].empty()) page += "\n";
  for (const auto& c : s["conditions"]) {
    if (s["conditions"].size() > 1) page += fmt::format("**{}**\n\n", c["label"].get<std::string>());
    page += MarkdownTable(s, c["label"]) + "\n";
  }
  page += fmt::format("Raw numbers: [{0}/raw.csv]({0}/raw.csv); means: [{0}/summary.csv]({0}/summary.csv).\n\n",
                      s["name"].get<std::string>());
  return page;
}

}  // namespace

std::string FormatMetric(double v) {
  if (!std::isfinite(v)) return "nan";
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e5)) return fmt::format("{:.3e}", v);
  if (a < 1) return fmt::format("{:.4f}", v);
  if (a < 100) return fmt::format("{:.3f}", v);
  return fmt::format("{:.1f}", v);
}

ExperimentResults RunExperiment(const Experiment& e, const ExperimentOptions& options) {
  if (options.threads > 0) omp_set_num_threads(options.threads);
  const bool quick = options.quick;
  const int seeds = options.seeds > 0 ? options.seeds : (quick ? 1 : 5);
  ExperimentResults res;
  for (const auto& c : e.conditions)
    if (!quick || c.quick) res.conditions.push_back(c);
  for (const auto& v : e.variants)
    if (!quick || v.quick) res.variants.push_back(v);
  const auto& conditions = res.conditions;
  const auto& variants = res.variants;

  std::map<std::string, std::string> scenes_used;  // description -> cache key
  int total = 0, done = 0;
  for (const auto& c : conditions)
    for (const auto& v : variants)
      if (!e.runs || e.runs(c, v)) total += seeds;
  const Stopwatch clock;
  for (int seed = 1; seed <= seeds; ++seed) {
    std::map<std::string, SceneAndTruth> cache;  // scenes of this seed
    for (size_t ci = 0; ci < conditions.size(); ++ci) {
      const Condition& c = conditions[ci];
      for (size_t vi = 0; vi < variants.size(); ++vi) {
        const Variant& v = variants[vi];
        if (e.runs && !e.runs(c, v)) continue;
        const std::string key = e.scene_key ? e.scene_key(c, seed, v) : fmt::format("{}-{}", ci, seed);
        auto it = cache.find(key);
        if (it == cache.end()) {
          it = cache.emplace(key, e.scene(c, seed, v)).first;
          if (options.on_warning)
            for (const auto& w : it->second.warnings) options.on_warning(w);
        }
        const SceneAndTruth& st = it->second;
        scenes_used[st.description] = key;
        RunOptions o;
        o.method = v.method;
        o.preset = Preset::kAuthors;  // the papers' setting (VCA start, no guard) unless a variant says otherwise
        o.endmembers = st.truth.endmembers ? st.truth.endmembers->count() : st.truth.abundances->count();
        o.seed = static_cast<std::uint64_t>(seed);
        o.threads = options.threads;
        if (e.apply) e.apply(c, o);
        if (v.tweak) v.tweak(o);
        std::string why;
        if (!o.IsValid(&why))
          throw OptionError(fmt::format("experiment {} ({}, {}): {}", e.name, c.label, v.label, why));
        const Stopwatch t;
        RunResult result = RunMethod(st.scene, o, &st.truth);
        const double seconds = t.seconds();
        const Scored scored = ScoreRun(result, st.scene, st.truth, MatchRule::kHungarianSad);
        const MetricRow row = RowOf(result, scored.metrics, seconds, v.supervised);
        for (const auto& [metric, value] : row) res.values.push_back({ci, vi, seed, metric, value});
        ++done;
        if (options.on_run) options.on_run({done, total, &c, &v, seed, &row, seconds});
      }
    }
  }

  // Summary: mean and std over seeds.
  nlohmann::json& summary = res.summary;
  summary = {{"name", e.name},
             {"title", e.title},
             {"reproduces", e.reproduces},
             {"settings", e.settings},
             {"x_label", e.x_label},
             {"seeds", seeds},
             {"quick", quick},
             {"version", kVersion},
             {"command", options.command},
             {"threads", omp_get_max_threads()},
             {"seconds", clock.seconds()},
             {"metrics", e.metrics},
             {"plot_metrics", e.plot_metrics},
             {"paper_units", e.paper_units}};
  summary["scenes"] = nlohmann::json::array();
  for (const auto& [desc, key] : scenes_used) summary["scenes"].push_back(desc);
  summary["conditions"] = nlohmann::json::array();
  for (const auto& c : conditions) summary["conditions"].push_back({{"label", c.label}, {"x", c.x}});
  summary["variants"] = nlohmann::json::array();
  for (const auto& v : variants) summary["variants"].push_back({{"label", v.label}, {"method", v.method}});
  summary["results"] = nlohmann::json::array();
  for (const auto& [k, vals] : CellsOf(res.values)) {
    const auto& [ci, vi, metric] = k;
    const Stat s = Summarise(vals);
    summary["results"].push_back({{"condition", conditions[ci].label},
                                  {"x", conditions[ci].x},
                                  {"variant", variants[vi].label},
                                  {"metric", metric},
                                  {"runs", s.n},
                                  {"mean", s.mean},
                                  {"std", s.std}});
  }
  summary["paper"] = nlohmann::json::object();
  for (const auto& [variant, numbers] : e.paper) summary["paper"][variant] = numbers;
  return res;
}

nlohmann::json WriteExperimentFolder(const ExperimentResults& res, const fs::path& dir) {
  EnsureWritableDirectory(dir);
  const std::string name = res.summary["name"];
  std::string raw = "experiment,condition,x,variant,method,seed,metric,value\n";
  for (const auto& v : res.values) {
    const Condition& c = res.conditions[v.condition];
    const Variant& var = res.variants[v.variant];
    raw += fmt::format("{},{},{},{},{},{},{},{:.9g}\n", name, CsvField(c.label), c.x, CsvField(var.label), var.method,
                       v.seed, v.metric, v.value);
  }
  WriteFileAtomic(dir / "raw.csv", raw);
  const Cells cells = CellsOf(res.values);
  std::string csv = "condition,x,variant,method,metric,runs,mean,std\n";
  for (const auto& [k, vals] : cells) {
    const auto& [ci, vi, metric] = k;
    const Stat s = Summarise(vals);
    csv += fmt::format("{},{},{},{},{},{},{:.9g},{:.9g}\n", CsvField(res.conditions[ci].label), res.conditions[ci].x,
                       CsvField(res.variants[vi].label), res.variants[vi].method, metric, s.n, s.mean, s.std);
  }
  WriteFileAtomic(dir / "summary.csv", csv);
  nlohmann::json summary = res.summary;
  summary["plots"] = WritePlots(res, cells, dir);
  WriteJsonFile(dir / "summary.json", summary);
  return summary;
}

nlohmann::json RunExperiment(const Experiment& e, const ExperimentOptions& options, const fs::path& dir) {
  EnsureWritableDirectory(dir);
  return WriteExperimentFolder(RunExperiment(e, options), dir);
}

void WriteResultsPage(const fs::path& dir) {
  std::vector<nlohmann::json> summaries;
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir)) {
      const auto f = entry.path() / "summary.json";
      if (!fs::exists(f)) continue;
      std::ifstream in(f);
      try {
        summaries.push_back(nlohmann::json::parse(in));
      } catch (const std::exception& ex) {
        throw InputError(f.string(), "summary", std::string("not valid JSON: ") + ex.what());
      }
    }
  const std::vector<std::string> order = {"jasper-supervised", "jasper-blind",     "uadmm-snr",  "uadmm-layers",
                                          "uadmm-epochs",      "uadmm-train-size", "uadmm-loss", "uadmm-times",
                                          "nmfsae-pixels",     "nmfsae-snr"};
  auto rank = [&](const nlohmann::json& s) {
    const auto it = std::find(order.begin(), order.end(), s["name"].get<std::string>());
    return it - order.begin();
  };
  std::sort(summaries.begin(), summaries.end(), [&](const auto& x, const auto& y) { return rank(x) < rank(y); });
  std::string page =
      "# Experiment results\n\n"
      "Written by `unmix experiment` from the `summary.json` of every experiment folder beside this page; "
      "do not edit by hand. Each section says what it reproduces, the settings, the scenes, how many runs "
      "(seed = run: the scene's noise and the method's random choices), the machine time, and the command. "
      "Metrics as in [../metrics.md](../metrics.md): abundance RMSE is the mean over pixels of the per-pixel "
      "RMSE, AAD in degrees, AID in nats, SAD in degrees unless stated; estimated endmembers are matched to the "
      "references by the Hungarian rule on SAD. `± x` is the standard deviation over runs. Rows marked "
      "`paper:` are the papers' published numbers, for comparison.\n\n";
  // Hand-written findings (what reproduces, what does not, and why) live in NOTES.md beside the
  // page and are kept across regenerations.
  if (fs::exists(dir / "NOTES.md")) {
    std::ifstream notes(dir / "NOTES.md");
    page += std::string((std::istreambuf_iterator<char>(notes)), std::istreambuf_iterator<char>()) + "\n";
  }
  for (const auto& s : summaries) page += PageSection(s);
  WriteFileAtomic(dir / "README.md", page);
}

}  // namespace unmix
