#include "cli/run_output.hpp"

#include <fmt/format.h>

#include "cli/common.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/io/csv.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/report/metrics_json.hpp"

namespace unmix::cli {
namespace {

// Abundance metrics cover `test_pixels` when given (supervised methods), else the valid pixels.
Evaluation Score(const Endmembers& e, const Abundances& a, const Scene& scene, const GroundTruth& gt,
                 MatchRule rule, const std::vector<Index>& test_pixels) {
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
  if (!test_pixels.empty()) in.test_pixels = &test_pixels;
  else if (!scene.all_valid()) in.test_pixels = &valid;
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

}  // namespace

Scored ScoreRun(RunResult& result, const Scene& scene, const GroundTruth& gt, MatchRule rule) {
  Scored s;
  s.final_eval = Score(result.endmembers, result.abundances, scene, gt, rule, result.test_pixels);
  MetricsContext ctx;
  ctx.method = result.method;
  ctx.timings = result.timings;
  if (gt.endmembers)
    for (Index j = 0; j < gt.endmembers->count(); ++j) ctx.reference_names.push_back(gt.endmembers->name(j));
  if (!result.test_pixels.empty()) ctx.test_pixels = static_cast<Index>(result.test_pixels.size());
  else if (!scene.all_valid()) ctx.test_pixels = scene.valid_count();
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

void WriteRunFolder(const std::filesystem::path& dir, const Scene& scene, const RunResult& result,
                    const std::optional<Scored>& scored, const nlohmann::json& run_record,
                    io::RasterFormat abundance_format) {
  EnsureWritableDirectory(dir);
  Endmembers e = result.endmembers;
  Abundances a = result.abundances;
  if (e.names.empty())
    for (Index j = 0; j < e.count(); ++j) e.names.push_back(e.name(j));
  a.names = e.names;
  io::WriteEndmembersCsv(dir / "endmembers.csv", e);
  io::WriteMatResult(dir / "result.mat", &e, &a);
  io::WriteAbundanceRaster(dir / (abundance_format == io::RasterFormat::kEnvi ? "abundances.img" : "abundances.tif"),
                           a, scene, abundance_format);
  if (scored) WriteJson(dir / "metrics.json", scored->metrics);
  if (result.model) {
    nets::Model m = *result.model;
    m.endmember_names = e.names;
    nets::SaveModel(dir / "model.json", m);
  }
  if (result.training) {
    std::string csv = "epoch,loss\n";
    const auto& h = result.training->loss_history;
    for (size_t i = 0; i < h.size(); ++i) csv += fmt::format("{},{:.9g}\n", i, h[i]);
    WriteFileAtomic(dir / "loss.csv", csv);
  }
  WriteJson(dir / "run.json", run_record);
}

}  // namespace unmix::cli
