// unmix apply: abundances of a new scene from a trained model (one forward pass).
#include <fmt/format.h>

#include <filesystem>

#include "cli/common.hpp"
#include "unmix/metrics/matching.hpp"
#include "unmix/report/metrics_json.hpp"
#include "unmix/run/job.hpp"

namespace unmix::cli {
namespace {

struct ApplyArgs {
  SceneArgs scene;
  CommonArgs common;
  std::string model;
  std::string match = "hungarian-sad";
  bool wait = false;
  std::vector<std::string> argv;
};

void RunApply(const ApplyArgs& a) {
  ApplyRequest q;
  q.match = ParseMatchRule(a.match);
  q.model = a.model;
  q.input = a.scene.input;
  q.ground_truth = a.scene.gt;
  q.read = ReadOptionsOf(a.scene);
  q.threads = a.common.threads;
  q.out = a.common.out;
  q.wait = a.wait;
  q.command = a.argv;
  q.notes.warning = [](const std::string& w) { fmt::print(stderr, "unmix: warning: {}\n", w); };
  // What is about to run, then what it did, the scores, and where the results are.
  Say(a.common, fmt::format("applying {} to {}{}", a.model, a.scene.input,
                            a.scene.gt.empty() ? std::string() : ", scored against " + a.scene.gt));
  const ApplyOutcome out = ApplyToFolder(q);
  const auto& scored = out.run.scored;
  if (a.common.json) {
    fmt::print("{}\n", (scored ? scored->metrics : ToJson(out.run.record)).dump(2));
    return;
  }
  Say(a.common, fmt::format("  {}: {} pixels in one forward pass, {:.3f} s ({:.3g} pixels/s)", out.model.architecture,
                            out.pixels, out.seconds, out.pixels_per_second));
  if (scored) {
    Say(a.common, MetricsTableHeader());
    Say(a.common, MetricsTableRow(out.model.architecture, scored->final_eval, out.seconds));
    Say(a.common, fmt::format("matching: {}", Describe(q.match)));
  }
  Say(a.common, fmt::format("results: {}", a.common.out));
  Say(a.common, fmt::format("report: {}", std::filesystem::absolute(out.run.report).lexically_normal().string()));
}

}  // namespace

void RegisterApply(CLI::App& app, int argc, char** argv) {
  auto a = std::make_shared<ApplyArgs>();
  a->argv.assign(argv, argv + argc);
  auto* cmd = app.add_subcommand("apply", "Apply a trained model (model.json) to a scene");
  cmd->add_option("model", a->model, "Model file written by unmix train / unmix run")->required();
  AddSceneOptions(*cmd, a->scene);
  AddCommonOptions(*cmd, a->common);
  cmd->add_option("--match", a->match, "Matching rule for scoring")->capture_default_str();
  cmd->add_flag("--wait", a->wait,
                "When another unmix process is writing --out, wait for it instead of failing at once");
  cmd->callback([a] { RunApply(*a); });
}

}  // namespace unmix::cli
