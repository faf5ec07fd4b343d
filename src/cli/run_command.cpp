// unmix run: unmix one scene with one method and write a run folder.
#include <fmt/format.h>

#include "cli/common.hpp"
#include "cli/run_output.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/endmember/hysime.hpp"
#include "unmix/report/metrics_json.hpp"
#include "unmix/version.hpp"

namespace unmix::cli {
namespace {

struct RunArgs {
  SceneArgs scene;
  CommonArgs common;
  std::string method = "vca-fcls";
  Index endmembers = 0;
  std::optional<double> lambda;
  std::optional<int> iterations;
  std::string match = "hungarian-sad";
  std::string format = "gtiff";
  std::vector<std::string> argv;
};

Index ChooseEndmemberCount(const RunArgs& a, const Scene& scene, const GroundTruth* gt, std::string* how) {
  if (a.endmembers > 0) {
    *how = "given";
    return a.endmembers;
  }
  if (gt && gt->endmembers) {
    *how = "from the ground truth";
    return gt->endmembers->count();
  }
  if (gt && gt->abundances) {
    *how = "from the ground truth";
    return gt->abundances->count();
  }
  const auto h = EstimateEndmemberCount<float>(scene.valid_data());
  *how = "estimated by HySime";
  return h.count;
}

void RunRun(RunArgs& a) {
  const MatchRule rule = ParseMatchRule(a.match);
  io::RasterFormat fmt_out;
  if (a.format == "gtiff") fmt_out = io::RasterFormat::kGTiff;
  else if (a.format == "envi") fmt_out = io::RasterFormat::kEnvi;
  else throw OptionError(fmt::format("--format: expected gtiff or envi, got '{}'", a.format));
  const int threads = ApplyThreads(a.common.threads);

  Stopwatch total;
  const Scene scene = LoadScene(a.scene);
  std::optional<GroundTruth> gt;
  if (!a.scene.gt.empty()) gt = LoadGroundTruth(a.scene.gt, scene, a.scene);
  const double t_read = total.seconds();

  RunOptions o;
  o.method = a.method;
  o.seed = a.common.seed;
  o.threads = a.common.threads;
  o.lambda = a.lambda;
  o.iterations = a.iterations;
  std::string how;
  o.endmembers = ChooseEndmemberCount(a, scene, gt ? &*gt : nullptr, &how);
  std::string why;
  if (!o.IsValid(&why)) throw OptionError(why);
  if (a.common.out.empty()) throw OptionError("--out is required: the directory for the results");
  EnsureWritableDirectory(a.common.out);

  RunResult result = RunMethod(scene, o);
  result.timings["read"] = t_read;
  std::optional<Scored> scored;
  if (gt) scored = ScoreRun(result, scene, *gt, rule);

  nlohmann::json record = {
      {"command", a.argv},
      {"version", kVersion},
      {"method", o.method},
      {"input", a.scene.input},
      {"ground_truth", a.scene.gt},
      {"endmembers", o.endmembers},
      {"endmembers_chosen", how},
      {"seed", o.seed},
      {"threads", threads},
      {"scene", {{"rows", scene.rows}, {"cols", scene.cols}, {"bands", scene.bands()},
                 {"valid_pixels", scene.valid_count()}}},
      {"options", {{"lambda", a.lambda ? nlohmann::json(*a.lambda) : nlohmann::json(nullptr)},
                   {"iterations", a.iterations ? nlohmann::json(*a.iterations) : nlohmann::json(nullptr)},
                   {"match", ToString(rule)}}},
      {"details", result.details},
      {"reports", result.reports},
  };
  result.timings["total_with_io"] = total.seconds();
  record["timings"] = result.timings;
  if (scored) scored->metrics["timings"] = result.timings;
  WriteRunFolder(a.common.out, scene, result, scored, record, fmt_out);

  if (a.common.json) {
    fmt::print("{}\n", (scored ? scored->metrics : record).dump(2));
    return;
  }
  if (a.common.quiet) return;
  fmt::print("{} on {} ({} x {} pixels, {} bands), r = {} ({})\n", o.method, scene.source, scene.rows,
             scene.cols, scene.bands(), o.endmembers, how);
  for (const auto& line : result.reports) fmt::print("  {}\n", line);
  if (scored) {
    fmt::print("{}\n", MetricsTableHeader());
    if (scored->init_eval)
      fmt::print("{}\n", MetricsTableRow("  (start)", *scored->init_eval, result.timings.count("init") ? result.timings.at("init") : 0.0));
    fmt::print("{}\n", MetricsTableRow(o.method, scored->final_eval, result.timings.at("total")));
    fmt::print("matching: {}\n", Describe(rule));
  }
  fmt::print("results: {}\n", a.common.out);
}

}  // namespace

void RegisterRun(CLI::App& app, int argc, char** argv) {
  auto a = std::make_shared<RunArgs>();
  a->argv.assign(argv, argv + argc);
  auto* cmd = app.add_subcommand("run", "Unmix a scene with one method and write a run folder");
  AddSceneOptions(*cmd, a->scene);
  AddCommonOptions(*cmd, a->common);
  cmd->add_option("-m,--method", a->method, "Method: " + fmt::format("{}", fmt::join(MethodNames(), ", ")))
      ->capture_default_str();
  cmd->add_option("-r,--endmembers", a->endmembers,
                  "Number of endmembers (default: the ground truth's, else HySime's estimate)");
  cmd->add_option("--lambda", a->lambda, "l1 weight for vca-sunsal and l1-nmf");
  cmd->add_option("--iterations", a->iterations, "Iteration cap for l1-nmf");
  cmd->add_option("--match", a->match, "Matching rule for scoring: hungarian-sad, greedy-euclidean, hungarian-abundance")
      ->capture_default_str();
  cmd->add_option("--format", a->format, "Abundance raster format: gtiff or envi")->capture_default_str();
  cmd->callback([a] { RunRun(*a); });
}

void RegisterEstimateR(CLI::App& app) {
  struct Args {
    SceneArgs scene;
    CommonArgs common;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("estimate-r", "Estimate the number of endmembers (HySime)");
  AddSceneOptions(*cmd, a->scene);
  AddCommonOptions(*cmd, a->common, /*with_out=*/false);
  cmd->callback([a] {
    ApplyThreads(a->common.threads);
    const Scene scene = LoadScene(a->scene);
    const auto h = EstimateEndmemberCount<float>(scene.valid_data());
    if (a->common.json) {
      fmt::print("{}\n", nlohmann::json{{"endmembers", h.count},
                                        {"signal_power", h.summary.signal_power},
                                        {"noise_power", h.summary.noise_power},
                                        {"snr_db", h.summary.snr_db},
                                        {"seconds", h.summary.seconds}}
                             .dump(2));
      return;
    }
    if (a->common.quiet) {
      fmt::print("{}\n", h.count);
      return;
    }
    fmt::print("{}\n", h.summary.BriefReport());
    fmt::print("endmembers: {}\n", h.count);
  });
}

}  // namespace unmix::cli
