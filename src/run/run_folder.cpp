#include "unmix/run/run_folder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/stopwatch.hpp"
#include "unmix/io/csv.hpp"
#include "unmix/io/georeference.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/nets/model_file.hpp"
#include "unmix/report/checksum.hpp"
#include "unmix/report/html_report.hpp"
#include "unmix/report/image.hpp"
#include "unmix/report/metrics_json.hpp"
#include "unmix/run/run_record.hpp"

namespace unmix {

std::string StartDescription(const RunOptions& o, const MethodInfo& info, bool gt_has_endmembers) {
  if (!info.has_start()) return "";
  const Init init = ResolveInit(info, o, gt_has_endmembers);
  if (info.supervised) return init == Init::kGroundTruth ? "the ground-truth endmembers" : std::string(Name(init));
  if (init == Init::kBest) return "the best of N-FINDR and 10 VCA runs + FCLS";
  if (init == Init::kVca) return "VCA + FCLS";
  if (init == Init::kNFindr) return "N-FINDR + FCLS";
  return std::string(Name(init)) + " + FCLS";
}

namespace {

// Abundance metrics cover `test_pixels` when given (supervised methods), else the valid pixels.
Evaluation Score(const Endmembers& e, const Abundances& a, const Scene& scene, const GroundTruth& gt, MatchRule rule,
                 const std::vector<Index>& test_pixels) {
  const MatrixD est_e = e.spectra.cast<double>();
  const MatrixD est_a = a.values.cast<double>();
  MatrixD ref_e, ref_a;
  EvaluationInput in;
  in.rule = rule;
  in.est_endmembers = &est_e;
  in.est_abundances = &est_a;
  const bool all_valid = scene.all_valid();
  if (all_valid) in.data = &scene.data;
  if (gt.endmembers) {
    ref_e = gt.endmembers->spectra.cast<double>();
    in.ref_endmembers = &ref_e;
  }
  if (gt.abundances) {
    ref_a = gt.abundances->values.cast<double>();
    in.ref_abundances = &ref_a;
  }
  const auto valid = scene.valid_indices();
  if (!test_pixels.empty())
    in.test_pixels = &test_pixels;
  else if (!scene.all_valid())
    in.test_pixels = &valid;
  if (!in.ref_abundances) in.est_abundances = nullptr;  // keeps matching spectral
  Evaluation ev = Evaluate(in);
  if (!ev.reconstruction) {
    if (all_valid) {
      ev.reconstruction = CompareReconstruction(scene.data, est_e, est_a);
    } else {  // invalid pixels hold no data: leave them out
      MatrixD a_valid(est_a.rows(), static_cast<Index>(valid.size()));
      for (size_t j = 0; j < valid.size(); ++j) a_valid.col(static_cast<Index>(j)) = est_a.col(valid[j]);
      ev.reconstruction = CompareReconstruction(scene.valid_data(), est_e, a_valid);
    }
  }
  return ev;
}

namespace fs = std::filesystem;

// SHA-256 of the files run.json names, so a result can be traced to its exact inputs. An ENVI
// header and its data file are both listed.
std::vector<InputChecksum> InputChecksums(const RunRecord& record) {
  std::vector<InputChecksum> out;
  auto add = [&](const std::string& role, const fs::path& p) {
    if (p.empty() || !fs::is_regular_file(p)) return;
    out.push_back(
        {role, p.string(), fs::absolute(p).lexically_normal().string(), fs::file_size(p), report::Sha256OfFile(p)});
  };
  const std::pair<const char*, const std::string*> files[] = {
      {"input", &record.input}, {"ground_truth", &record.ground_truth}, {"model", &record.model}};
  for (const auto& [role, path] : files) {
    const fs::path p = *path;
    if (p.empty()) continue;
    add(role, p);
    std::string ext = p.extension().string();
    for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (ext == ".hdr")
      add(std::string(role) + " data", io::FindEnviDataFile(p));
    else if (ext != ".mat" && ext != ".csv" && ext != ".json" && ext != ".txt")
      add(std::string(role) + " header", io::FindEnviHeader(p));
  }
  return out;
}

}  // namespace

Scored ScoreRun(RunResult& result, const Scene& scene, const GroundTruth& gt, MatchRule rule) {
  Scored s;
  s.reference = std::make_shared<const GroundTruth>(gt);
  s.final_eval = Score(result.endmembers, result.abundances, scene, gt, rule, result.test_pixels);
  MetricsContext ctx;
  ctx.method = result.method;
  ctx.timings = result.timings;
  if (gt.endmembers)
    for (Index j = 0; j < gt.endmembers->count(); ++j) ctx.reference_names.push_back(gt.endmembers->name(j));
  if (!result.test_pixels.empty())
    ctx.test_pixels = static_cast<Index>(result.test_pixels.size());
  else if (!scene.all_valid())
    ctx.test_pixels = scene.valid_count();
  s.metrics = MetricsToJson(s.final_eval, ctx);
  if (result.init_endmembers && result.init_abundances) {
    s.init_eval = Score(*result.init_endmembers, *result.init_abundances, scene, gt, rule, result.test_pixels);
    const nlohmann::json init = MetricsToJson(*s.init_eval, ctx);
    for (const char* key : {"sad_deg", "sad_deg_mean", "sad_rad_mean", "rmse", "mae", "aad_deg", "aid"})
      if (init.contains(key)) s.metrics[std::string("init_") + key] = init[key];
  }
  // Name the estimated endmembers after the references they matched.
  if (!ctx.reference_names.empty()) {
    result.endmembers.names.assign(static_cast<size_t>(result.endmembers.count()), "");
    const auto& perm = s.final_eval.matching.estimate_for_reference;
    for (size_t i = 0; i < perm.size(); ++i)
      result.endmembers.names[static_cast<size_t>(perm[i])] = ctx.reference_names[i];
    for (Index j = 0; j < result.endmembers.count(); ++j)
      if (result.endmembers.names[static_cast<size_t>(j)].empty())
        result.endmembers.names[static_cast<size_t>(j)] = result.endmembers.name(j);
    result.abundances.names = result.endmembers.names;
  }
  return s;
}

namespace {
fs::path WriteInto(FolderSwap& swap, FolderLock& lock, const Scene& scene, const RunResult& result,
                   const std::optional<Scored>& scored, const RunRecord& run_record, io::RasterFormat abundance_format);
}  // namespace

std::set<std::string> RunFolderFileNames(const fs::path& dir) {
  std::set<std::string> names = {"endmembers.csv", "endmembers.mat", "result.mat",   "abundances.tif",
                                 "abundances.img", "abundances.hdr", "metrics.json", "model.json",
                                 "loss.csv",       "preview.png",    "run.json",     "report.html"};
  try {
    for (const auto& f : ReadRunRecord(dir / "run.json").outputs)
      if (f.find('/') == std::string::npos) names.insert(f);
  } catch (const std::exception&) {
    // No run.json, or not one: only the fixed names.
  }
  return names;
}

fs::path WriteRunFolder(const fs::path& dir, const Scene& scene, const RunResult& result,
                        const std::optional<Scored>& scored, const RunRecord& run_record,
                        io::RasterFormat abundance_format) {
  FolderLock lock(dir, /*wait=*/false);
  return WriteRunFolder(lock, scene, result, scored, run_record, abundance_format);
}

fs::path WriteRunFolder(FolderLock& lock, const Scene& scene, const RunResult& result,
                        const std::optional<Scored>& scored, const RunRecord& run_record,
                        io::RasterFormat abundance_format) {
  FolderSwap swap(lock, RunFolderFileNames(lock.target()));
  try {
    return WriteInto(swap, lock, scene, result, scored, run_record, abundance_format);
  } catch (const Error& e) {
    // Name the files by where they were going, not by the temporary folder.
    std::string msg = e.what();
    const std::string temp = swap.dir().string(), shown = lock.shown();
    for (size_t at = msg.find(temp); at != std::string::npos; at = msg.find(temp, at + shown.size()))
      msg.replace(at, temp.size(), shown);
    throw Error(msg);
  }
}

namespace {

fs::path WriteInto(FolderSwap& swap, FolderLock& lock, const Scene& scene, const RunResult& result,
                   const std::optional<Scored>& scored, const RunRecord& run_record,
                   io::RasterFormat abundance_format) {
  const fs::path dir = swap.dir();
  Endmembers e = result.endmembers;
  Abundances a = result.abundances;
  if (e.names.empty())
    for (Index j = 0; j < e.count(); ++j) e.names.push_back(e.name(j));
  if (e.wavelengths.empty() && static_cast<Index>(scene.wavelengths.size()) == e.bands())
    e.wavelengths = scene.wavelengths;
  a.names = e.names;
  const std::string raster_name = abundance_format == io::RasterFormat::kEnvi ? "abundances.img" : "abundances.tif";
  std::vector<std::string> outputs = {"endmembers.csv", "endmembers.mat", "result.mat", raster_name};
  if (abundance_format == io::RasterFormat::kEnvi) outputs.push_back("abundances.hdr");
  io::WriteEndmembersCsv(dir / "endmembers.csv", e);
  io::WriteMatResult(dir / "endmembers.mat", &e, nullptr);
  io::WriteMatResult(dir / "result.mat", &e, &a);
  io::WriteAbundanceRaster(dir / raster_name, a, scene, abundance_format);
  if (scored) {
    WriteJsonFile(dir / "metrics.json", scored->metrics);
    outputs.push_back("metrics.json");
  }
  if (result.model) {
    nets::Model m = *result.model;
    m.endmember_names = e.names;
    nets::SaveModel(dir / "model.json", m);
    outputs.push_back("model.json");
  }
  if (result.training) {
    std::string csv = "epoch,loss\n";
    const auto& h = result.training->loss_history;
    for (size_t i = 0; i < h.size(); ++i) csv += fmt::format("{},{:.9g}\n", i, h[i]);
    WriteFileAtomic(dir / "loss.csv", csv);
    outputs.push_back("loss.csv");
  }

  // The scene preview is drawn now, while the scene is in memory, so that `unmix report` can
  // rebuild the report without the input file.
  const report::ScenePreview preview = report::MakeScenePreview(scene, report::kPreviewSide);
  const std::string preview_png = report::EncodePng(preview.image);
  WriteFileAtomic(dir / "preview.png", preview_png);
  outputs.insert(outputs.end(), {"preview.png", "run.json", "report.html"});

  RunRecord record = run_record;
  // The ground truth scored against, so that `unmix report` can show it again.
  if (scored && scored->reference && !scored->reference->source.empty() && record.ground_truth.empty())
    record.ground_truth = scored->reference->source;
  Stopwatch sw;
  record.input_checksums = InputChecksums(record);
  record.timings["checksums"] = sw.seconds();
  record.wavelength_units = scene.wavelength_units;
  record.georeference = io::GeoreferenceJson(scene);
  record.preview = {{"file", "preview.png"},
                    {"caption", preview.caption},
                    {"bands", {preview.bands[0] + 1, preview.bands[1] + 1, preview.bands[2] + 1}},
                    {"true_colour", preview.true_colour}};
  record.outputs = outputs;
  record.lists_outputs = true;
  // What `unmix report` and `unmix apply` may read from the folder, with the bytes they must find.
  for (const auto& name : outputs) {
    if (name == "run.json" || name == "report.html") continue;
    record.output_checksums[name] = {fs::file_size(dir / name), report::Sha256OfFile(dir / name)};
  }
  const nlohmann::json record_json = ToJson(record);
  WriteJsonFile(dir / "run.json", record_json);

  report::RunContents c;
  c.title = result.method;
  c.folder = lock.target();
  c.run = record_json;
  if (scored) {
    c.metrics = scored->metrics;
    c.estimate_for_reference = scored->final_eval.matching.estimate_for_reference;
  }
  c.endmembers = e;
  c.wavelength_units = scene.wavelength_units;
  c.maps = report::BlockAverage(a.values, a.rows, a.cols, scene.valid, report::kMapSide);
  c.maps->names = a.names;
  if (scored && scored->reference) {
    const GroundTruth& gt = *scored->reference;
    if (gt.endmembers && gt.endmembers->bands() == e.bands()) c.reference_endmembers = *gt.endmembers;
    if (gt.abundances && gt.abundances->rows == a.rows && gt.abundances->cols == a.cols) {
      c.reference_maps = report::BlockAverage(gt.abundances->values, a.rows, a.cols, scene.valid, report::kMapSide);
      c.reference_maps->names = gt.abundances->names;
    }
  }
  if (result.training) c.loss = result.training->loss_history;
  c.preview_png = preview_png;
  c.preview_caption = preview.caption;
  const fs::path report_path = dir / "report.html";
  WriteFileAtomic(report_path, report::RenderRunReport(c));
  swap.Commit();
  return lock.target() / "report.html";
}

}  // namespace

void WriteJsonFile(const fs::path& path, const nlohmann::json& j) { WriteFileAtomic(path, j.dump(2) + "\n"); }

}  // namespace unmix
