// unmix apply: abundances of a new scene from a trained model (one forward pass).
#include <fmt/format.h>

#include "cli/common.hpp"
#include "cli/run_output.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/nets/model_file.hpp"
#include "unmix/pipeline/run.hpp"
#include "unmix/version.hpp"

namespace unmix::cli {
namespace {

struct ApplyArgs {
  SceneArgs scene;
  CommonArgs common;
  std::string model;
  std::string match = "hungarian-sad";
  std::vector<std::string> argv;
};

void RunApply(const ApplyArgs& a) {
  const MatchRule rule = ParseMatchRule(a.match);
  const int threads = ApplyThreads(a.common.threads);
  if (a.common.out.empty()) throw OptionError("--out is required: the directory for the results");
  const nets::Model model = nets::LoadModel(a.model);
  const Scene scene = LoadScene(a.scene);
  std::optional<GroundTruth> gt;
  if (!a.scene.gt.empty()) gt = LoadGroundTruth(a.scene.gt, scene, a.scene);
  EnsureWritableDirectory(a.common.out);

  Stopwatch sw;
  RunResult result;
  result.abundances = ApplyModel(model, scene);
  const double seconds = sw.seconds();
  result.method = model.architecture + " (applied)";
  // Endmembers: the model's decoder when it has one (blind networks), else its start is unknown.
  const auto dec = model.tensors.find("decoder.A");
  result.endmembers.spectra =
      dec != model.tensors.end() ? dec->second : MatrixF::Zero(scene.bands(), model.endmembers);
  result.endmembers.names = model.endmember_names;
  result.endmembers.wavelengths = scene.wavelengths;
  result.timings["inference"] = seconds;
  const double pps = seconds > 0 ? static_cast<double>(scene.valid_count()) / seconds : 0.0;

  std::optional<Scored> scored;
  if (gt) {
    GroundTruth g = *gt;
    if (dec == model.tensors.end()) g.endmembers.reset();  // no estimated endmembers to score
    scored = ScoreRun(result, scene, g, rule);
    scored->metrics["inference_pixels_per_second"] = pps;
  }
  const nlohmann::json record = {{"command", a.argv},
                                 {"version", kVersion},
                                 {"model", a.model},
                                 {"architecture", model.architecture},
                                 {"input", a.scene.input},
                                 {"threads", threads},
                                 {"timings", result.timings},
                                 {"inference_pixels_per_second", pps}};
  WriteRunFolder(a.common.out, scene, result, scored, record);
  if (a.common.json) {
    fmt::print("{}\n", (scored ? scored->metrics : record).dump(2));
    return;
  }
  Say(a.common, fmt::format("{} applied to {} ({} pixels) in {:.3f} s ({:.3g} pixels/s)", model.architecture,
                            scene.source, scene.valid_count(), seconds, pps));
  if (scored && scored->final_eval.abundances)
    Say(a.common, fmt::format("  abundance RMSE {:.4f}, AAD {:.3f} deg, AID {:.4f}", scored->final_eval.abundances->rmse,
                              scored->final_eval.abundances->aad_deg, scored->final_eval.abundances->aid));
  Say(a.common, fmt::format("results: {}", a.common.out));
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
  cmd->callback([a] { RunApply(*a); });
}

}  // namespace unmix::cli
