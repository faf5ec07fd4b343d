// unmix experiment: runs the papers' experiments (experiments.cpp) and writes, per experiment,
// raw.csv (one row per run), summary.csv and summary.json (mean and standard deviation over
// seeds), plots (SVG and PNG) for sweeps, and a results page over every experiment in the
// output directory.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "cli/common.hpp"
#include "cli/experiments.hpp"
#include "unmix/run/run_folder.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/stopwatch.hpp"
#include "unmix/report/svg.hpp"
#include "unmix/report/svg_png.hpp"
#include "unmix/version.hpp"

namespace unmix::cli {
namespace {

namespace fs = std::filesystem;

struct ExperimentArgs {
  CommonArgs common;
  std::vector<std::string> names;
  bool quick = false;
  int seeds = 0;           // 0: 5 (1 with --quick)
  std::string data_dir;    // default: $UNMIX_SHARED_DATA or ../shared/data
  std::string library;
  bool list = false;
  bool page_only = false;  // rebuild OUT/README.md from the summaries there, run nothing
  std::vector<std::string> argv;
};

using MetricRow = std::map<std::string, double>;

// The numbers of one run that the experiments report.
// Methods given the true endmembers (supervised) report no SAD: it would be 0 by construction.
MetricRow RowOf(const RunResult& r, const nlohmann::json& m, double seconds, bool known_endmembers) {
  MetricRow row;
  for (const char* key : {"rmse", "aad_deg", "aid", "sad_deg_mean", "sad_rad_mean", "init_rmse",
                          "init_sad_deg_mean", "init_aad_deg"}) {
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

struct Stat {
  int n = 0;
  double mean = 0, std = 0;  // sample standard deviation (n - 1); 0 for one run
};

Stat Summarise(const std::vector<double>& v) {
  Stat s;
  s.n = static_cast<int>(v.size());
  if (v.empty()) return s;
  for (double x : v) s.mean += x;
  s.mean /= s.n;
  if (s.n > 1) {
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.std = std::sqrt(ss / (s.n - 1));
  }
  return s;
}

std::string Num(double v) {
  if (!std::isfinite(v)) return "nan";
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-3 || a >= 1e5)) return fmt::format("{:.3e}", v);
  if (a < 1) return fmt::format("{:.4f}", v);
  if (a < 100) return fmt::format("{:.3f}", v);
  return fmt::format("{:.1f}", v);
}

// mean ± std with the decimals the mean's size calls for.
std::string MeanStd(double mean, double std) {
  const double a = std::fabs(mean);
  if (a != 0 && (a < 1e-3 || a >= 1e5)) return fmt::format("{:.3e} ± {:.1e}", mean, std);
  const int decimals = a < 1 ? 4 : a < 100 ? 3 : 1;
  return fmt::format("{:.{}f} ± {:.{}f}", mean, decimals, std, decimals);
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

const std::map<std::string, std::string>& MetricNames() {
  static const std::map<std::string, std::string> names = {
      {"rmse", "abundance RMSE"},          {"aad_deg", "AAD (deg)"},
      {"aid", "AID"},                      {"sad_deg_mean", "mean SAD (deg)"},
      {"sad_rad_mean", "mean SAD (rad)"},  {"init_rmse", "start RMSE"},
      {"init_sad_deg_mean", "start mean SAD (deg)"},
      {"seconds", "time (s)"},             {"train_seconds", "training (s)"},
      {"inference_seconds", "inference (s)"}};
  return names;
}

std::string MetricName(const std::string& key) {
  const auto it = MetricNames().find(key);
  if (it != MetricNames().end()) return it->second;
  if (key.rfind("sad_deg.", 0) == 0) return "SAD " + key.substr(8) + " (deg)";
  return key;
}

// Runs one experiment and writes its folder; returns its summary.json content.
nlohmann::json RunExperiment(const Experiment& e, const ExperimentArgs& a, const fs::path& dir) {
  const int seeds = a.seeds > 0 ? a.seeds : (a.quick ? 1 : 5);
  std::vector<Condition> conditions;
  for (const auto& c : e.conditions)
    if (!a.quick || c.quick) conditions.push_back(c);
  std::vector<Variant> variants;
  for (const auto& v : e.variants)
    if (!a.quick || v.quick) variants.push_back(v);

  EnsureWritableDirectory(dir);
  std::string raw = "experiment,condition,x,variant,method,seed,metric,value\n";
  // (condition, variant, metric) -> values over seeds
  std::map<std::tuple<size_t, size_t, std::string>, std::vector<double>> values;
  std::map<std::string, std::string> scenes_used;
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
        if (it == cache.end()) it = cache.emplace(key, e.scene(c, seed, v)).first;
        const SceneAndTruth& st = it->second;
        scenes_used[st.description] = key;
        RunOptions o;
        o.method = v.method;
        o.preset = Preset::kAuthors;  // the papers' setting (VCA start, no guard) unless a variant says otherwise
        o.endmembers = st.truth.endmembers ? st.truth.endmembers->count() : st.truth.abundances->count();
        o.seed = static_cast<std::uint64_t>(seed);
        o.threads = a.common.threads;
        if (e.apply) e.apply(c, o);
        if (v.tweak) v.tweak(o);
        std::string why;
        if (!o.IsValid(&why)) throw OptionError(fmt::format("experiment {} ({}, {}): {}", e.name, c.label, v.label, why));
        const Stopwatch t;
        RunResult result = RunMethod(st.scene, o, &st.truth);
        const double seconds = t.seconds();
        const Scored scored = ScoreRun(result, st.scene, st.truth, MatchRule::kHungarianSad);
        const MetricRow row = RowOf(result, scored.metrics, seconds, v.supervised);
        for (const auto& [metric, value] : row) {
          values[{ci, vi, metric}].push_back(value);
          raw += fmt::format("{},{},{},{},{},{},{},{:.9g}\n", e.name, CsvField(c.label), c.x, CsvField(v.label),
                             v.method, seed, metric, value);
        }
        ++done;
        const auto get = [&](const char* k) { return row.count(k) ? Num(row.at(k)) : std::string("-"); };
        Say(a.common, fmt::format("  [{}/{}] {} | {} | {} | seed {}: RMSE {} SAD {} ({:.2f} s)", done, total, e.name,
                                  c.label, v.label, seed, get("rmse"), get("sad_deg_mean"), seconds));
      }
    }
  }
  WriteFileAtomic(dir / "raw.csv", raw);

  // Summary: mean and std over seeds.
  nlohmann::json summary = {{"name", e.name},         {"title", e.title},     {"reproduces", e.reproduces},
                            {"settings", e.settings}, {"x_label", e.x_label}, {"seeds", seeds},
                            {"quick", a.quick},       {"version", kVersion},  {"command", a.argv},
                            {"threads", ApplyThreads(a.common.threads)},      {"seconds", clock.seconds()},
                            {"metrics", e.metrics},   {"plot_metrics", e.plot_metrics}, {"paper_units", e.paper_units}};
  summary["scenes"] = nlohmann::json::array();
  for (const auto& [desc, key] : scenes_used) summary["scenes"].push_back(desc);
  summary["conditions"] = nlohmann::json::array();
  for (const auto& c : conditions) summary["conditions"].push_back({{"label", c.label}, {"x", c.x}});
  summary["variants"] = nlohmann::json::array();
  for (const auto& v : variants) summary["variants"].push_back({{"label", v.label}, {"method", v.method}});
  summary["results"] = nlohmann::json::array();
  std::string csv = "condition,x,variant,method,metric,runs,mean,std\n";
  for (const auto& [k, vals] : values) {
    const auto& [ci, vi, metric] = k;
    const Stat s = Summarise(vals);
    summary["results"].push_back({{"condition", conditions[ci].label}, {"x", conditions[ci].x},
                                  {"variant", variants[vi].label}, {"metric", metric}, {"runs", s.n},
                                  {"mean", s.mean}, {"std", s.std}});
    csv += fmt::format("{},{},{},{},{},{},{:.9g},{:.9g}\n", CsvField(conditions[ci].label), conditions[ci].x,
                       CsvField(variants[vi].label), variants[vi].method, metric, s.n, s.mean, s.std);
  }
  summary["paper"] = nlohmann::json::object();
  for (const auto& [variant, numbers] : e.paper) summary["paper"][variant] = numbers;
  WriteFileAtomic(dir / "summary.csv", csv);

  // Plots of the sweeps: one line per variant, mean over seeds.
  summary["plots"] = nlohmann::json::array();
  if (!e.x_label.empty() && conditions.size() > 1) {
    for (const auto& metric : e.plot_metrics) {
      std::vector<report::Series> series;
      for (size_t vi = 0; vi < variants.size(); ++vi) {
        report::Series s;
        s.label = variants[vi].label;
        for (size_t ci = 0; ci < conditions.size(); ++ci) {
          const auto it = values.find({ci, vi, metric});
          if (it == values.end()) continue;
          s.x.push_back(conditions[ci].x);
          s.y.push_back(Summarise(it->second).mean);
        }
        if (s.x.empty()) continue;
        s.colour = report::SeriesPalette()[vi % report::SeriesPalette().size()];
        s.dashed = vi >= report::SeriesPalette().size();
        series.push_back(std::move(s));
      }
      if (series.empty()) continue;
      report::PlotOptions po;
      po.id = e.name + "-" + metric;
      po.title = fmt::format("{}: {} ({}{})", e.reproduces, MetricName(metric),
                             seeds == 1 ? "1 run" : fmt::format("mean of {} runs", seeds), a.quick ? ", quick" : "");
      po.x_label = e.x_label;
      po.y_label = MetricName(metric);
      po.width = 640;
      po.height = 360;
      const std::string svg = report::LinePlotSvg(series, po);
      const std::string base = e.name + "-" + metric;
      WriteFileAtomic(dir / (base + ".svg"), svg);
      report::WriteSvgAsPng(svg, dir / (base + ".png"));
      summary["plots"].push_back({{"metric", metric}, {"png", base + ".png"}, {"svg", base + ".svg"}});
    }
  }
  WriteJson(dir / "summary.json", summary);
  return summary;
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
                                       : fmt::format(" {} |", Num(r["mean"]));
    }
    out += "\n";
    if (s["paper"].contains(label)) {
      out += "| paper: " + label + " |";
      for (const auto& m : metrics)
        out += " " + (s["paper"][label].contains(m) ? s["paper"][label][m].get<std::string>() : std::string("—")) + " |";
      out += "\n";
    }
  }
  return out;
}

// The results page over every experiment folder in `dir`, rebuilt from their summary.json.
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
  const std::vector<std::string> order = {"jasper-supervised", "jasper-blind", "uadmm-snr", "uadmm-layers",
                                          "uadmm-epochs", "uadmm-train-size", "uadmm-loss", "uadmm-times",
                                          "nmfsae-pixels", "nmfsae-snr"};
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
  for (const auto& s : summaries) {
    page += fmt::format("## {}: {} ({})\n\n", s["name"].get<std::string>(), s["title"].get<std::string>(),
                        s["reproduces"].get<std::string>());
    page += s["settings"].get<std::string>() + "\n\n";
    page += fmt::format("Runs: {} per cell{}; {} threads; {:.0f} s in all; unmix {}.\n", s["seeds"].get<int>(),
                        s["quick"].get<bool>() ? " (quick size)" : "", s["threads"].get<int>(),
                        s["seconds"].get<double>(), s["version"].get<std::string>());
    std::string cmd;
    // argv[0] as "unmix": the page should not name the directory it was built in.
    for (const auto& w : s["command"]) cmd += cmd.empty() ? std::string("unmix") : " " + w.get<std::string>();
    page += fmt::format("Command: `{}`.\n\nScenes:\n", cmd);
    std::set<std::string> seen;
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
  }
  WriteFileAtomic(dir / "README.md", page);
}

std::string DefaultDataDir() {
  if (const char* env = std::getenv("UNMIX_SHARED_DATA")) return env;
  return "../shared/data";
}

void RunExperiments(ExperimentArgs& a) {
  ApplyThreads(a.common.threads);
  ExperimentContext ctx;
  ctx.data_dir = a.data_dir.empty() ? DefaultDataDir() : a.data_dir;
  ctx.library = a.library;
  const auto all = AllExperiments(ctx);
  if (a.list) {
    for (const auto& e : all) fmt::print("{:<20} {} ({})\n", e.name, e.title, e.reproduces);
    return;
  }
  if (a.page_only) {
    if (a.common.out.empty()) a.common.out = "experiments";
    if (!fs::is_directory(a.common.out)) throw InputError(a.common.out, "--out", "no such directory of experiment results");
    WriteResultsPage(a.common.out);
    Say(a.common, fmt::format("results page: {}", fs::absolute(fs::path(a.common.out) / "README.md").lexically_normal().string()));
    return;
  }
  if (a.names.empty()) throw OptionError("name the experiments to run (or 'all'); --list shows them");
  std::vector<const Experiment*> chosen;
  for (const auto& n : a.names) {
    if (n == "all") {
      for (const auto& e : all) chosen.push_back(&e);
      continue;
    }
    const auto it = std::find_if(all.begin(), all.end(), [&](const Experiment& e) { return e.name == n; });
    if (it == all.end()) {
      std::string names;
      for (const auto& e : all) names += (names.empty() ? "" : ", ") + e.name;
      throw OptionError(fmt::format("unknown experiment '{}' (known: {}, all)", n, names));
    }
    chosen.push_back(&*it);
  }
  if (a.common.out.empty()) a.common.out = "experiments";
  const fs::path out(a.common.out);
  EnsureWritableDirectory(out);
  const fs::path jasper = fs::path(ctx.data_dir) / "jasper_ridge" / "jasperRidge2_R198.mat";
  int ran = 0;
  for (const Experiment* e : chosen) {
    if (e->needs_data && !fs::exists(jasper)) {
      fmt::print(stderr, "experiment {}: skipped, {} not found (give --data DIR or set UNMIX_SHARED_DATA)\n", e->name,
                 jasper.string());
      continue;
    }
    Say(a.common, fmt::format("experiment {}: {} ({})", e->name, e->title, e->reproduces));
    const Stopwatch t;
    RunExperiment(*e, a, out / e->name);
    ++ran;
    Say(a.common, fmt::format("  done in {:.1f} s: {}", t.seconds(), (out / e->name).string()));
  }
  WriteResultsPage(out);
  Say(a.common, fmt::format("results page: {}", fs::absolute(out / "README.md").lexically_normal().string()));
  if (ran == 0) throw InputError(ctx.data_dir, "data", "no experiment could run: the data they need is missing");
}

}  // namespace

void RegisterExperiment(CLI::App& app, int argc, char** argv) {
  auto a = std::make_shared<ExperimentArgs>();
  a->argv.assign(argv, argv + argc);
  auto* cmd = app.add_subcommand("experiment", "Run the papers' experiments and write CSVs, plots and a results page");
  AddCommonOptions(*cmd, a->common);
  cmd->add_option("names", a->names, "Experiments to run, or all (--list shows them)");
  cmd->add_flag("--quick", a->quick, "The quick size: fewer conditions and methods, one run each");
  cmd->add_option("--seeds", a->seeds, "Runs per cell (default 5; 1 with --quick)")->check(CLI::Range(1, 100));
  cmd->add_option("--data", a->data_dir, "Benchmark data directory (default $UNMIX_SHARED_DATA or ../shared/data)");
  cmd->add_option("--library", a->library, "Spectral library for the synthetic endmembers (default: built-in spectra)");
  cmd->add_flag("--list", a->list, "List the experiments and exit");
  cmd->add_flag("--page", a->page_only, "Only rebuild OUT/README.md from the experiment folders in OUT");
  cmd->callback([a] { RunExperiments(*a); });
}

}  // namespace unmix::cli
