// unmix eval: score estimated endmembers and/or abundances against ground truth.
#include <fmt/format.h>

#include "cli/common.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/metrics/metrics.hpp"
#include "unmix/report/metrics_json.hpp"

namespace unmix::cli {
namespace {

struct EvalArgs {
  SceneArgs scene;
  CommonArgs common;
  std::string estimate;
  std::string match = "hungarian-sad";
  std::string method = "estimate";
  double aid_epsilon = kDefaultAidEpsilon;
};

void RunEval(const EvalArgs& a) {
  if (a.scene.gt.empty()) throw OptionError("--gt is required: the reference to score against");
  const MatchRule rule = ParseMatchRule(a.match);
  const Scene scene = LoadScene(a.scene);
  const GroundTruth gt = LoadGroundTruth(a.scene.gt, scene, a.scene);
  const GroundTruth est = LoadGroundTruth(a.estimate, scene, a.scene, /*check_simplex=*/false);

  MatrixD ref_e, est_e, ref_a, est_a;
  if (gt.endmembers) ref_e = gt.endmembers->spectra.cast<double>();
  if (gt.abundances) ref_a = gt.abundances->values.cast<double>();
  if (est.endmembers) est_e = est.endmembers->spectra.cast<double>();
  if (est.abundances) est_a = est.abundances->values.cast<double>();
  EvaluationInput in;
  if (gt.endmembers && est.endmembers) {
    in.ref_endmembers = &ref_e;
    in.est_endmembers = &est_e;
  }
  if (gt.abundances && est.abundances) {
    in.ref_abundances = &ref_a;
    in.est_abundances = &est_a;
  }
  if (!in.ref_endmembers && !in.ref_abundances)
    throw InputError(a.estimate, "",
                     "holds no endmembers or abundances that the ground truth also has; nothing "
                     "to compare");
  if (est.endmembers && est.abundances) {
    in.data = &scene.data;
    in.est_endmembers = &est_e;
    in.est_abundances = &est_a;
  }
  in.rule = rule;
  in.aid_epsilon = a.aid_epsilon;
  const Evaluation ev = Evaluate(in);

  MetricsContext ctx;
  ctx.method = a.method;
  if (gt.endmembers)
    for (Index j = 0; j < gt.endmembers->count(); ++j) ctx.reference_names.push_back(gt.endmembers->name(j));
  const nlohmann::json j = MetricsToJson(ev, ctx);
  if (!a.common.out.empty()) {
    EnsureWritableDirectory(a.common.out);
    WriteJson(std::filesystem::path(a.common.out) / "metrics.json", j);
  }
  if (a.common.json) {
    fmt::print("{}\n", j.dump(2));
    return;
  }
  if (a.common.quiet) return;
  fmt::print("matching: {}\n", Describe(ev.matching.rule));
  if (ev.has_sad()) {
    const auto deg = ev.sad_deg();
    for (size_t i = 0; i < deg.size(); ++i)
      fmt::print("  SAD {:<24} {:8.3f} deg\n",
                 i < ctx.reference_names.size() ? ctx.reference_names[i] : fmt::format("E{}", i + 1), deg[i]);
    fmt::print("  SAD mean                     {:8.3f} deg ({:.4f} rad) over {} matched of {} estimates{}\n",
               ev.sad_deg_mean(), ev.sad_rad_mean(), ev.reference_count, ev.estimated_count,
               ev.unmatched_count() > 0
                   ? fmt::format("; {} UNMATCHED surplus estimates not scored", ev.unmatched_count())
                   : std::string());
  }
  fmt::print("  unmatched estimates: {} of {}\n", ev.unmatched_count(), ev.estimated_count);
  if (ev.unmatched_count() > 0) fmt::print("  note: {}\n", UnmatchedNote(ev));
  if (ev.abundances) {
    const auto& e = *ev.abundances;
    fmt::print("  abundance RMSE (per-pixel mean) {:.4f}, global {:.4f}\n", e.rmse, e.rmse_global);
    fmt::print("  MAE x100 {:.3f}   AAD {:.3f} deg   AID {:.4f}\n", e.mae_x100, e.aad_deg, e.aid);
  }
  if (ev.reconstruction)
    fmt::print("  reconstruction RMSE {:.5g}, relative {:.4f}\n", ev.reconstruction->rmse,
               ev.reconstruction->relative_frobenius);
}

}  // namespace

void RegisterEval(CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  auto* cmd = app.add_subcommand("eval", "Score estimates against ground truth (writes metrics.json with --out)");
  AddSceneOptions(*cmd, a->scene);
  AddCommonOptions(*cmd, a->common);
  cmd->add_option("-e,--estimate", a->estimate, "Estimates: .mat (M and/or A), endmember CSV or abundance raster")
      ->required();
  cmd->add_option("--match", a->match, "Matching rule: hungarian-sad, greedy-euclidean, hungarian-abundance, none")
      ->capture_default_str();
  cmd->add_option("--method", a->method, "Method name to record in metrics.json")->capture_default_str();
  cmd->add_option("--aid-epsilon", a->aid_epsilon, "Lower clamp for abundances inside AID")
      ->capture_default_str()
      ->check(PositiveNumberCheck());
  cmd->callback([a] { RunEval(*a); });
}

}  // namespace unmix::cli
