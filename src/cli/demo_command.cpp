// unmix demo: the quick-start job. Builds the built-in synthetic scene, unmixes it blind with
// every method, prints a comparison table, writes a comparison report and ends with its path.
#include <cmath>

#include <fmt/format.h>

#include "cli/common.hpp"
#include "cli/run_output.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/report/html_report.hpp"
#include "unmix/report/metrics_json.hpp"
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
                            kVersion, syn.scene.rows, syn.scene.cols, syn.scene.bands(), syn.endmembers.count(),
                            a.snr, so.seed, t_synth));
  Say(a.common, fmt::format("blind unmixing with r = {}, {} threads; scores after Hungarian matching on SAD\n",
                            syn.endmembers.count(), threads));
  Say(a.common, MetricsTableHeader());

  std::vector<std::string> methods = a.methods;
  if (methods.empty())
    for (const auto& m : Methods())
      if (m.blind) methods.push_back(m.name);
  nlohmann::json summary = {{"version", kVersion},
                            {"command", a.argv},
                            {"scene", (out / "scene" / "scene.hdr").string()},
                            {"ground_truth", (out / "scene" / "gt.mat").string()},
                            {"snr_db", a.snr},
                            {"seed", so.seed},
                            {"threads", threads},
                            {"methods", nlohmann::json::array()}};
  for (const auto& m : methods) {
    RunOptions ro;
    ro.method = m;
    ro.endmembers = syn.endmembers.count();
    ro.seed = so.seed;
    ro.on_epoch = nullptr;
    RunResult result = RunMethod(syn.scene, ro, &gt);
    Scored scored = ScoreRun(result, syn.scene, gt, MatchRule::kHungarianSad);
    const nlohmann::json record = {{"command", a.argv}, {"version", kVersion}, {"method", m},
                                   {"input", (out / "scene" / "scene.hdr").string()},
                                   {"ground_truth", (out / "scene" / "gt.mat").string()},
                                   {"endmembers", ro.endmembers}, {"seed", ro.seed}, {"threads", threads},
                                   {"snr_db", a.snr}, {"timings", result.timings}, {"details", result.details},
                                   {"reports", result.reports}};
    WriteRunFolder(out / m, syn.scene, result, scored, record);
    if (scored.init_eval) Say(a.common, MetricsTableRow("  (start)", *scored.init_eval, result.timings.at("init")));
    Say(a.common, MetricsTableRow(m, scored.final_eval, result.timings.at("total")));
    summary["methods"].push_back(scored.metrics);
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
  Say(a.common, fmt::format("\nSAD: mean spectral angle to the true endmembers; RMSE: abundance RMSE (mean of "
                            "per-pixel RMSE); AAD, AID: see docs/metrics.md"));
  Say(a.common, fmt::format("results: {}", std::filesystem::absolute(out).lexically_normal().string()));
  Say(a.common, fmt::format("report: {}", std::filesystem::absolute(report_path).lexically_normal().string()));
}

}  // namespace

void RegisterDemo(CLI::App& app, int argc, char** argv) {
  auto a = std::make_shared<DemoArgs>();
  a->argv.assign(argv, argv + argc);
  auto* cmd = app.add_subcommand("demo", "Unmix the built-in synthetic scene with every method and compare");
  AddCommonOptions(*cmd, a->common);
  cmd->add_option("--snr", a->snr, "Noise level of the scene in dB")->capture_default_str()->check(CLI::Range(0.0, 200.0));
  cmd->add_option("--methods", a->methods, "Methods to run (default: all)")->delimiter(',');
  cmd->callback([a] { RunDemo(*a); });
}

}  // namespace unmix::cli
