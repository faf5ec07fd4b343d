#include "unmix/run/job.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>

#include "core/record_json.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/stopwatch.hpp"
#include "unmix/endmember/endmember_count.hpp"
#include "unmix/nets/model_file.hpp"
#include "unmix/report/checksum.hpp"
#include "unmix/run/load.hpp"
#include "unmix/version.hpp"

namespace unmix {

namespace fs = std::filesystem;

namespace {

void Say(const std::function<void(const std::string&)>& to, const std::string& text) {
  if (to) to(text);
}

}  // namespace

nlohmann::json EstimateCountJson(const rcount::Result& result, const rcount::Options& options,
                                 const std::string& estimator) {
  const auto& e = result.estimates;
  return {{"endmembers", rcount::Pick(e, estimator)},
          {"estimator", estimator},
          {"estimates",
           {{"default", e.combined},
            {"hysime", e.hysime},
            {"hysime_guard", e.hysime_guard},
            {"hfc", e.hfc},
            {"nwhfc", e.nwhfc},
            {"reconstruction", e.reconstruction}}},
          {"false_alarm", options.false_alarm},
          {"guard_bands", options.guard_bands},
          {"min_relative_gain", options.min_relative_gain},
          {"reconstruction_rmse", result.reconstruction_rmse},
          {"noise_rms", result.noise_rms},
          {"seconds", result.seconds}};
}

Index ChooseEndmemberCount(const Scene& scene, const GroundTruth* gt, const RunOptions& options, const RunNotes& notes,
                           std::string* how) {
  if (options.endmembers > 0) {
    *how = "given";
    return options.endmembers;
  }
  if (gt && gt->endmembers) {
    *how = "from the ground truth";
    return gt->endmembers->count();
  }
  if (gt && gt->abundances) {
    *how = "from the ground truth";
    return gt->abundances->count();
  }
  // Estimated: said at once (before any long work), and refused above a sane bound.
  rcount::Options ro;
  ro.num_threads = options.threads;
  const auto est = EstimateCount<float>(scene.valid_data(), ro);
  const auto& e = est.estimates;
  *how = fmt::format("estimated: median of hysime-guard {}, nwhfc {}, reconstruction {}", e.hysime_guard, e.nwhfc,
                     e.reconstruction);
  const Index bound = EstimateBound(scene.bands());
  if (est.count > bound)
    throw InputError(
        fmt::format("no -r given and the estimated number of endmembers, {} (median of hysime-guard {}, "
                    "nwhfc {}, reconstruction {}), is above the bound of {} (at most 20 and at most a tenth "
                    "of the {} bands); give the number with -r COUNT (see unmix estimate-r)",
                    est.count, e.hysime_guard, e.nwhfc, e.reconstruction, bound, scene.bands()));
  Say(notes.estimate, fmt::format("r = {}: estimated by the default estimator (median of hysime-guard {}, nwhfc {}, "
                                  "reconstruction {}; unmix estimate-r shows each); override with -r COUNT",
                                  est.count, e.hysime_guard, e.nwhfc, e.reconstruction));
  return est.count;
}

namespace {

// Writes the folder under `lock`, then reads run.json back: what the outcome reports is what
// the folder holds.
RunOutcome WriteAndReadBack(FolderLock& lock, const Scene& scene, RunResult result, std::optional<Scored> scored,
                            const RunRecord& record, io::RasterFormat format) {
  RunOutcome o;
  o.report = WriteRunFolder(lock, scene, result, scored, record, format);
  o.record = ReadRunRecord(lock.target() / "run.json");
  o.result = std::move(result);
  o.scored = std::move(scored);
  return o;
}

}  // namespace

Index EstimateBound(Index bands) { return std::max<Index>(1, std::min<Index>(20, bands / 10)); }

RunOutcome RunScene(const Scene& scene, const GroundTruth* gt, const RunOptions& o, MatchRule match, RunRecord record,
                    const Stopwatch* since) {
  const MethodInfo& info = GetMethod(o.method);
  RunResult result = RunMethod(scene, o, gt);
  const nlohmann::json& details = Json(result.details);
  std::optional<Scored> scored;
  if (gt) scored = ScoreRun(result, scene, *gt, match);
  record.method = o.method;
  record.version = kVersion;
  record.endmembers = o.endmembers;
  record.seed = o.seed;
  record.threads = omp_get_max_threads();
  const nlohmann::json settings = RunSettings(o, info, result, scene, match);
  for (const auto& [k, v] : settings.items())
    if (!record.settings.contains(k)) record.settings[k] = v;
  record.details = result.details;
  record.reports = result.reports;
  record.timings.insert(result.timings.begin(), result.timings.end());
  if (since) record.timings["total_with_io"] = since->seconds();
  if (scored) {
    scored->metrics["timings"] = record.timings;
    if (result.training) {
      scored->metrics["train_seconds"] = result.timings.at("train");
      scored->metrics["seconds_per_epoch"] = details["training"]["seconds_per_epoch"];
      scored->metrics["inference_pixels_per_second"] = details["inference_pixels_per_second"];
    }
  }
  RunOutcome out;
  out.result = std::move(result);
  out.scored = std::move(scored);
  out.record = std::move(record);
  return out;
}

RunOutcome RunSceneToFolder(const Scene& scene, const GroundTruth* gt, const RunOptions& o, MatchRule match,
                            FolderLock& lock, RunRecord record, io::RasterFormat format, const RunNotes& notes,
                            const Stopwatch* since) {
  const MethodInfo& info = GetMethod(o.method);
  if (notes.start) {
    const std::string start = StartDescription(o, info, gt && gt->endmembers.has_value());
    notes.start(fmt::format("{} on {} ({} x {} pixels, {} bands), r = {}{}{}{}", o.method, scene.source, scene.rows,
                            scene.cols, scene.bands(), o.endmembers,
                            record.endmembers_chosen.empty() ? "" : " (" + record.endmembers_chosen + ")",
                            start.empty() ? "" : ", start: ", start));
  }
  RunOutcome out = RunScene(scene, gt, o, match, std::move(record), since);
  return WriteAndReadBack(lock, scene, std::move(out.result), std::move(out.scored), out.record, format);
}

RunOutcome RunToFolder(const RunRequest& q) {
  if (q.options.threads > 0) omp_set_num_threads(q.options.threads);
  const Stopwatch total;
  std::vector<std::string> warnings;
  const Scene scene = LoadScene(q.input, q.read, &warnings);
  std::optional<GroundTruth> gt;
  if (!q.ground_truth.empty()) gt = LoadGroundTruth(q.ground_truth, scene, q.read, true, &warnings);
  for (const auto& w : warnings) Say(q.notes.warning, w);
  const double t_read = total.seconds();

  RunOptions o = q.options;
  RunRecord record;
  o.endmembers = ChooseEndmemberCount(scene, gt ? &*gt : nullptr, q.options, q.notes, &record.endmembers_chosen);
  std::string why;
  if (!o.IsValid(&why)) throw OptionError(why);
  if (q.out.empty()) throw OptionError("--out is required: the directory for the results");
  // The run folder is locked before the work starts, so a second run into it fails at once.
  FolderLock lock(q.out, q.wait);
  if (q.networks_only && !GetMethod(o.method).network())
    throw OptionError(fmt::format("unmix train needs a network method; '{}' has nothing to train", o.method));
  record.command = q.command;
  record.input = q.input;
  record.ground_truth = q.ground_truth;
  record.timings["read"] = t_read;
  return RunSceneToFolder(scene, gt ? &*gt : nullptr, o, q.match, lock, record, q.format, q.notes, &total);
}

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
  RunRecord run;
  try {
    run = ReadRunRecord(run_json);
  } catch (const std::exception&) {
    throw InputError(path.string(), "",
                     fmt::format("lies in a run folder whose run.json cannot be parsed ({}), so it cannot be told "
                                 "whether the model belongs to that run; copy the model out of the folder to use it",
                                 run_json.string()));
  }
  if (!run.lists_outputs) return;  // older run folder
  const std::string name = path.filename().string();
  if (std::find(run.outputs.begin(), run.outputs.end(), name) == run.outputs.end())
    throw InputError(path.string(), "",
                     fmt::format("is not part of the run in {} (its run.json does not list {}): a leftover of another "
                                 "run; rerun unmix train, or copy the model out of the folder",
                                 dir.string(), name));
  const auto it = run.output_checksums.find(name);
  if (it == run.output_checksums.end()) return;
  const std::string& want = it->second.sha256;
  const std::string have = report::Sha256OfFile(path);
  if (!want.empty() && have != want)
    throw InputError(path.string(), "sha256",
                     fmt::format("expected {} (recorded in {}), found {}: the model changed after the run", want,
                                 run_json.string(), have));
}

ApplyOutcome ApplyToFolder(const ApplyRequest& q) {
  if (q.threads > 0) omp_set_num_threads(q.threads);
  if (q.out.empty()) throw OptionError("--out is required: the directory for the results");
  CheckModelFile(q.model);
  ApplyOutcome a;
  a.model = nets::LoadModel(q.model);
  const nets::Model& model = a.model;
  std::vector<std::string> warnings;
  const Scene scene = LoadScene(q.input, q.read, &warnings);
  std::optional<GroundTruth> gt;
  if (!q.ground_truth.empty()) gt = LoadGroundTruth(q.ground_truth, scene, q.read, true, &warnings);
  for (const auto& w : warnings) Say(q.notes.warning, w);
  FolderLock lock(q.out, q.wait);

  const Stopwatch sw;
  RunResult result;
  result.abundances = ApplyModel(model, scene);
  a.seconds = sw.seconds();
  result.method = model.architecture + " (applied)";
  // Endmembers: the model's decoder when it has one (blind networks), else its start is unknown.
  const auto dec = model.tensors.find("decoder.A");
  result.endmembers.spectra = dec != model.tensors.end() ? dec->second : MatrixF::Zero(scene.bands(), model.endmembers);
  result.endmembers.names = model.endmember_names;
  result.endmembers.wavelengths = scene.wavelengths;
  result.timings["inference"] = a.seconds;
  a.scene = scene.source;
  a.pixels = scene.valid_count();
  a.pixels_per_second = a.seconds > 0 ? static_cast<double>(scene.valid_count()) / a.seconds : 0.0;

  std::optional<Scored> scored;
  if (gt) {
    GroundTruth g = *gt;
    if (dec == model.tensors.end()) g.endmembers.reset();  // no estimated endmembers to score
    scored = ScoreRun(result, scene, g, q.match);
    scored->metrics["inference_pixels_per_second"] = a.pixels_per_second;
  }
  RunRecord record;
  record.command = q.command;
  record.version = kVersion;
  record.model = q.model;
  record.architecture = model.architecture;
  record.input = q.input;
  record.threads = omp_get_max_threads();
  record.timings = result.timings;
  record.settings["inference_pixels_per_second"] = a.pixels_per_second;
  a.run = WriteAndReadBack(lock, scene, std::move(result), std::move(scored), record, io::RasterFormat::kGTiff);
  return a;
}

}  // namespace unmix
