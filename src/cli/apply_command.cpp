// unmix apply: abundances of a new scene from a trained model (one forward pass).
#include <fstream>

#include <fmt/format.h>

#include "cli/common.hpp"
#include "unmix/run/run_folder.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/nets/model_file.hpp"
#include "unmix/pipeline/run.hpp"
#include "unmix/report/checksum.hpp"
#include "unmix/version.hpp"

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

namespace fs = std::filesystem;

// The model path must be a regular file; one inside a run folder must be the one its run.json
// lists, with the checksum recorded there (else it may be a leftover of another run).
void CheckModelFile(const fs::path& path) {
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (!fs::exists(st)) throw InputError(path.string(), "", "file not found");
  if (fs::is_directory(st)) {
    const bool run = fs::exists(path / "model.json", ec);
    throw InputError(path.string(), "",
                     fmt::format("is a directory, expected a model file written by unmix train or run{}",
                                 run ? fmt::format(" (this folder holds {})", (path / "model.json").string()) : ""));
  }
  if (!fs::is_regular_file(st))
    throw InputError(path.string(), "", "is not a regular file (a FIFO, socket or device), expected a model file");
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const fs::path run_json = dir / "run.json";
  if (!fs::is_regular_file(run_json, ec)) return;  // a model file on its own
  nlohmann::json run;
  try {
    std::ifstream in(run_json, std::ios::binary);
    run = nlohmann::json::parse(in);
  } catch (const std::exception&) {
    throw InputError(path.string(), "",
                     fmt::format("lies in a run folder whose run.json cannot be parsed ({}), so it cannot be told "
                                 "whether the model belongs to that run; copy the model out of the folder to use it",
                                 run_json.string()));
  }
  if (!run.is_object() || !run.contains("outputs") || !run["outputs"].is_array()) return;  // older run folder
  const std::string name = path.filename().string();
  bool listed = false;
  for (const auto& f : run["outputs"]) listed = listed || (f.is_string() && f.get<std::string>() == name);
  if (!listed)
    throw InputError(path.string(), "",
                     fmt::format("is not part of the run in {} (its run.json does not list {}): a leftover of another "
                                 "run; rerun unmix train, or copy the model out of the folder",
                                 dir.string(), name));
  if (!run.contains("output_checksums") || !run["output_checksums"].contains(name)) return;
  const auto& rec = run["output_checksums"][name];
  const std::string want = rec.value("sha256", std::string());
  const std::string have = report::Sha256OfFile(path);
  if (!want.empty() && have != want)
    throw InputError(path.string(), "sha256",
                     fmt::format("expected {} (recorded in {}), found {}: the model changed after the run", want,
                                 run_json.string(), have));
}

void RunApply(const ApplyArgs& a) {
  const MatchRule rule = ParseMatchRule(a.match);
  const int threads = ApplyThreads(a.common.threads);
  if (a.common.out.empty()) throw OptionError("--out is required: the directory for the results");
  CheckModelFile(a.model);
  const nets::Model model = nets::LoadModel(a.model);
  const Scene scene = LoadScene(a.scene);
  std::optional<GroundTruth> gt;
  if (!a.scene.gt.empty()) gt = LoadGroundTruth(a.scene.gt, scene, a.scene);
  FolderLock lock(a.common.out, a.wait);

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
  WriteRunFolder(lock, scene, result, scored, record);
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
  cmd->add_flag("--wait", a->wait, "When another unmix process is writing --out, wait for it instead of failing at once");
  cmd->callback([a] { RunApply(*a); });
}

}  // namespace unmix::cli
