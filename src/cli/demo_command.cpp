// unmix demo: the quick-start job. Builds the built-in synthetic scene, unmixes it blind with
// every method, prints a comparison table, writes a comparison report and ends with its path.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <map>

#include "cli/common.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/report/html_report.hpp"
#include "unmix/report/metrics_json.hpp"
#include "unmix/run/job.hpp"
#include "unmix/synth/synthetic.hpp"
#include "unmix/version.hpp"

namespace unmix::cli {
namespace {

struct DemoArgs {
  CommonArgs common;
  double snr = 30;
  std::vector<std::string> methods;
  std::vector<std::string> argv;
};

void RunDemo(DemoArgs& a) {
  const int threads = ApplyThreads(a.common.threads);
  if (a.common.out.empty()) a.common.out = "runs/demo";
  const std::filesystem::path out(a.common.out);
  EnsureWritableDirectory(out);

  SyntheticOptions so = SyntheticOptions::UAdmmNets();
  so.snr_db = a.snr;
  so.seed = a.common.seed;
  Stopwatch sw;
  const SyntheticScene syn = MakeSyntheticScene(so);
  const double t_synth = sw.seconds();
  EnsureWritableDirectory(out / "scene");
  io::WriteRaster(out / "scene" / "scene.img", syn.scene, {.format = io::RasterFormat::kEnvi});
  io::WriteMatResult(out / "scene" / "gt.mat", &syn.endmembers, &syn.abundances);
  GroundTruth gt;
  gt.endmembers = syn.endmembers;
  gt.abundances = syn.abundances;

  Say(a.common, fmt::format("unmix {} demo: synthetic scene (u-admm-nets.txt VI-B): {} x {} pixels, {} bands, "
                            "{} endmembers, SNR {:g} dB, seed {} ({:.2f} s)",
                            kVersion, syn.scene.rows, syn.scene.cols, syn.scene.bands(), syn.endmembers.count(), a.snr,
                            so.seed, t_synth));
  std::vector<std::string> methods = a.methods;
  if (methods.empty())
    for (const auto& m : Methods())
      if (m.blind()) methods.push_back(m.name);
  const std::string scene_path = (out / "scene" / "scene.hdr").string();
  Say(a.common, fmt::format("{} methods to run, one after the other, on {} with r = {}, seed {}, {} threads:",
                            methods.size(), scene_path, syn.endmembers.count(), so.seed, threads));
  nlohmann::json summary = {{"version", kVersion}, {"command", a.argv},
                            {"scene", scene_path}, {"ground_truth", (out / "scene" / "gt.mat").string()},
                            {"snr_db", a.snr},     {"seed", so.seed},
                            {"threads", threads},  {"methods", nlohmann::json::array()}};
  // One line per method as it runs: what is about to run, then its time and start.
  struct Done {
    std::string method, start;  // start: what the method refined ("" when none)
    Evaluation final_eval;
    std::optional<Evaluation> init_eval;
    double seconds = 0, init_seconds = 0;
  };
  std::vector<Done> done;
  const bool progress = !a.common.quiet && !a.common.json;
  for (size_t k = 0; k < methods.size(); ++k) {
    const std::string& m = methods[k];
    RunOptions ro;
    ro.method = m;
    ro.endmembers = syn.endmembers.count();
    ro.seed = so.seed;
    ro.on_epoch = nullptr;
    const MethodInfo* info = FindMethod(m);
    const std::string start = info ? StartDescription(ro, *info, /*gt_has_endmembers=*/true) : std::string();
    if (progress) {
      fmt::print("  [{:>2}/{}] {:<15}{} ... ", k + 1, methods.size(), m,
                 start.empty() ? std::string() : " from " + start);
      std::fflush(stdout);
    }
    RunRecord record;
    record.command = a.argv;
    record.input = scene_path;
    record.ground_truth = (out / "scene" / "gt.mat").string();
    record.settings["snr_db"] = a.snr;
    FolderLock lock(out / m, /*wait=*/false);
    RunOutcome run = RunSceneToFolder(syn.scene, &gt, ro, MatchRule::kHungarianSad, lock, record);
    const RunResult& result = run.result;
    const Scored& scored = *run.scored;
    const double seconds = result.timings.at("total");
    if (progress) fmt::print("{:.2f} s\n", seconds);
    std::string start_name;
    if (scored.init_eval)
      start_name = result.details.Text("init") ? *result.details.Text("init") + " + FCLS"
                                               : (start.empty() ? std::string("its start") : start);
    done.push_back({m, start_name, scored.final_eval, scored.init_eval, seconds,
                    result.timings.count("init") ? result.timings.at("init") : 0.0});
    summary["methods"].push_back(scored.metrics);
  }

  // The table: methods without a start first, then each start once (or a pointer to the method
  // row it equals) with the methods that refined it under it.
  Say(a.common, fmt::format("\nscores after Hungarian matching on SAD (lower is better):\n{}", MetricsTableHeader()));
  const auto scores_key = [](const Evaluation& ev) { return MetricsTableRow("", ev, 0.0); };
  std::map<std::string, std::string> method_with_scores;  // scores key -> first method without a start
  for (const auto& d : done)
    if (!d.init_eval) {
      Say(a.common, MetricsTableRow(d.method, d.final_eval, d.seconds));
      method_with_scores.emplace(scores_key(d.final_eval), d.method);
    }
  std::vector<std::string> group_order;
  std::map<std::string, std::vector<const Done*>> groups;
  for (const auto& d : done)
    if (d.init_eval) {
      const std::string key = scores_key(*d.init_eval);
      if (!groups.count(key)) group_order.push_back(key);
      groups[key].push_back(&d);
    }
  for (const auto& key : group_order) {
    const Done& first = *groups[key].front();
    if (const auto same = method_with_scores.find(key); same != method_with_scores.end()) {
      Say(a.common, fmt::format("from the start {} (its scores: the {} row above):", first.start, same->second));
    } else {
      Say(a.common, fmt::format("from the start {}:", first.start));
      Say(a.common, MetricsTableRow("  (start)", *first.init_eval, first.init_seconds));
    }
    for (const Done* d : groups[key]) Say(a.common, MetricsTableRow("  " + d->method, d->final_eval, d->seconds));
  }
  summary["report"] = (out / "report.html").string();
  WriteJson(out / "summary.json", summary);
  // The comparison page, built from the run folders just written (as `unmix report` would).
  std::vector<report::RunContents> runs;
  std::vector<std::string> links;
  for (const auto& m : methods) {
    runs.push_back(report::ReadRunFolder(out / m));
    links.push_back(m + "/report.html");
  }
  const std::filesystem::path report_path = out / "report.html";
  WriteFileAtomic(report_path, report::RenderComparisonReport(runs, links));
  if (a.common.json) {
    fmt::print("{}\n", summary.dump(2));
    return;
  }
  Say(a.common,
      "\nSAD: mean spectral angle to the true endmembers, degrees. RMSE: abundance RMSE (mean over pixels "
      "of the per-pixel RMSE), in abundance fraction (0 to 1). AAD: mean abundance angle, degrees. AID: mean "
      "abundance information divergence (symmetric Kullback-Leibler), nats. time: seconds for the method, "
      "its start included; a (start) row's time is building the start once. docs/metrics.md");
  const std::string results = std::filesystem::absolute(out).lexically_normal().string();
  Say(a.common,
      fmt::format("\nresults: {} (one run folder per method, scene/ holds the scene and its ground truth)", results));
  Say(a.common, fmt::format("report: {}", std::filesystem::absolute(report_path).lexically_normal().string()));
  // The next commands name the tool as it was called (build/release/unmix from `make demo`), so
  // that they work when copied from where the demo ran, also without unmix on the PATH.
  std::string exe = a.argv.empty() || a.argv[0].find('/') == std::string::npos ? "unmix" : a.argv[0];
  if (exe.find_first_of(" '\"") != std::string::npos) exe = "'" + exe + "'";
  Say(a.common, "\nnext:");
  Say(a.common,
      fmt::format("  {0} run -m bunet2 -i {1}/scene/scene.hdr --gt {1}/scene/gt.mat -o runs/bunet2 --epochs 100"
                  "     # one method, your settings",
                  exe, a.common.out));
  Say(a.common, fmt::format("  {} run -m spatial-purity -i YOUR_SCENE.hdr -o runs/mine     # your own ENVI or GeoTIFF "
                            "scene (r estimated unless -r N)",
                            exe));
  Say(a.common, fmt::format("  {} report {}     # rebuild the comparison after adding or removing run folders", exe,
                            a.common.out));
}

}  // namespace

void RegisterDemo(CLI::App& app, int argc, char** argv) {
  auto a = std::make_shared<DemoArgs>();
  a->argv.assign(argv, argv + argc);
  auto* cmd = app.add_subcommand("demo", "Unmix the built-in synthetic scene with every method and compare");
  AddCommonOptions(*cmd, a->common);
  cmd->add_option("--snr", a->snr, "Noise level of the scene in dB")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 200.0));
  cmd->add_option("--methods", a->methods, "Methods to run (default: all)")->delimiter(',');
  cmd->callback([a] { RunDemo(*a); });
}

}  // namespace unmix::cli
