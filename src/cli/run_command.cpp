// unmix run: unmix one scene with one method and write a run folder.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

#include "cli/common.hpp"
#include "unmix/core/error.hpp"
#include "unmix/endmember/endmember_count.hpp"
#include "unmix/report/metrics_json.hpp"
#include "unmix/run/job.hpp"

namespace unmix::cli {
namespace {

struct RunArgs {
  SceneArgs scene;
  CommonArgs common;
  std::string method = RunOptions{}.method;
  Index endmembers = 0;
  std::optional<double> lambda;
  std::optional<int> iterations;
  std::string match = "hungarian-sad";
  std::string format = "gtiff";
  RunOptions net;                    // network options (layers, epochs, ...)
  std::vector<double> loss_weights;  // alpha_1..3
  std::string mu;                    // --mu: a number (data units) or "auto"
  std::string keep_better;           // --keep-better: on, off, or empty (the preset's)
  bool train_only = false;           // `unmix train`: a network method is required
  bool wait = false;                 // --wait: queue behind another process writing --out
  std::vector<std::string> argv;
};

// A progress line on a terminal (rewritten in place), JSON lines with --json, nothing otherwise.
std::function<void(const train::EpochReport&)> ProgressPrinter(const CommonArgs& c) {
  if (c.quiet) return {};
  if (c.json)
    return [](const train::EpochReport& e) {
      fmt::print(stderr, "{}\n",
                 nlohmann::json{{"epoch", e.epoch},
                                {"epochs", e.epochs},
                                {"loss", e.loss},
                                {"best_loss", e.best_loss},
                                {"elapsed", e.seconds}}
                     .dump());
    };
  if (!::isatty(STDERR_FILENO)) return {};
  return [](const train::EpochReport& e) {
    const double eta = e.epoch > 0 ? e.seconds / e.epoch * (e.epochs - e.epoch) : 0.0;
    fmt::print(stderr, "\r  epoch {:>5}/{}  loss {:.5g}  best {:.5g}  {:.1f} s elapsed, ETA {:.1f} s   ", e.epoch,
               e.epochs, e.loss, e.best_loss, e.seconds, eta);
    if (e.epoch == e.epochs) fmt::print(stderr, "\n");
  };
}

void RunRun(RunArgs& a) {
  RunRequest q;
  q.match = ParseMatchRule(a.match);
  if (a.format == "gtiff")
    q.format = io::RasterFormat::kGTiff;
  else if (a.format == "envi")
    q.format = io::RasterFormat::kEnvi;
  else
    throw OptionError(fmt::format("--format: expected gtiff or envi, got '{}'", a.format));
  GetMethod(a.method);  // an unknown method is refused before the scene is read and r estimated
  q.input = a.scene.input;
  q.ground_truth = a.scene.gt;
  q.read = ReadOptionsOf(a.scene);
  RunOptions& o = q.options;
  o = a.net;
  o.method = a.method;
  if (!a.loss_weights.empty()) {
    if (a.loss_weights.size() != 3) throw OptionError("--loss-weights takes three numbers: MSE,AAD,AID");
    o.loss = {a.loss_weights[0], a.loss_weights[1], a.loss_weights[2]};
  }
  if (a.keep_better == "on")
    o.keep_better = true;
  else if (a.keep_better == "off")
    o.keep_better = false;
  else if (!a.keep_better.empty())
    throw OptionError(fmt::format("--keep-better: expected on or off, got '{}'", a.keep_better));
  if (a.mu == "auto") {
    o.mu_auto = true;
  } else if (!a.mu.empty()) {
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(a.mu, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != a.mu.size() || !std::isfinite(v) || !(v > 0))
      throw OptionError(fmt::format("--mu: expected a positive number or 'auto', got '{}'", a.mu));
    o.mu = v;
  }
  o.on_epoch = ProgressPrinter(a.common);
  o.seed = a.common.seed;
  o.threads = a.common.threads;
  o.lambda = a.lambda;
  o.iterations = a.iterations;
  o.endmembers = a.endmembers;  // 0: chosen by RunToFolder
  q.networks_only = a.train_only;
  q.out = a.common.out;
  q.wait = a.wait;
  q.command = a.argv;
  q.notes.warning = [](const std::string& w) { fmt::print(stderr, "unmix: warning: {}\n", w); };
  if (!a.common.quiet) q.notes.estimate = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
  if (!a.common.quiet && !a.common.json)
    q.notes.start = [](const std::string& line) {  // before the work: training can take minutes
      fmt::print("{}\n", line);
      std::fflush(stdout);
    };

  const RunOutcome out = RunToFolder(q);
  const RunResult& result = out.result;
  if (result.training && result.training->diverged) {
    // Complete results, but not what was asked for: say so even with --quiet, and in the exit code.
    fmt::print(stderr, "unmix: training diverged: {}; the results hold the best weights before it (exit {})\n",
               result.training->stop_reason, kExitTrainingDiverged);
    CommandExitCode() = kExitTrainingDiverged;
  }
  if (result.details.Text("keep_better.kept") == "start") {
    // Not what training was for: say so even with --quiet (the exit code stays 0, the results are complete).
    fmt::print(stderr,
               "unmix: {} ended worse than its start by its unsupervised criterion (scaled-fit RMSE {:.6g} against "
               "{:.6g}); the run folder holds the start (run.json: details.keep_better)\n",
               o.method, result.details.Number("keep_better.trained").value_or(0.0),
               result.details.Number("keep_better.start").value_or(0.0));
  }

  if (a.common.json) {
    fmt::print("{}\n", (out.scored ? out.scored->metrics : ToJson(out.record)).dump(2));
    return;
  }
  if (a.common.quiet) return;
  for (const auto& line : result.reports) fmt::print("  {}\n", line);
  if (out.scored) {
    fmt::print("{}\n", MetricsTableHeader());
    if (out.scored->init_eval)
      fmt::print("{}\n", MetricsTableRow("  (start)", *out.scored->init_eval,
                                         result.timings.count("init") ? result.timings.at("init") : 0.0));
    fmt::print("{}\n", MetricsTableRow(o.method, out.scored->final_eval, result.timings.at("total")));
    fmt::print("matching: {}\n", Describe(q.match));
  }
  if (result.model) fmt::print("model: {}\n", (std::filesystem::path(a.common.out) / "model.json").string());
  fmt::print("results: {}\n", a.common.out);
  fmt::print("report: {}\n", out.report.string());
}

void AddRunOptions(CLI::App* cmd, RunArgs& a) {
  cmd->add_option("-r,--endmembers", a.endmembers,
                  "Number of endmembers (default: the ground truth's, else the estimate of unmix estimate-r, refused "
                  "above min(20, bands/10))")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            long long v = 0;
            const char* end = text.data() + text.size();
            const auto [ptr, ec] = std::from_chars(text.data(), end, v);
            if (text.empty() || ec != std::errc() || ptr != end || v < 1 || v > 65535)
              return fmt::format("expected a whole number of endmembers from 1 to 65535, got '{}'", text);
            return {};
          },
          "COUNT"));
  cmd->add_option("--lambda", a.lambda,
                  "l1 weight (data units); default " + DefaultsHelp(&MethodDefaults::lambda) +
                      "; the ADMM networks' start: by --preset");
  cmd->add_option("--iterations", a.iterations, "Iteration cap; default " + DefaultsHelp(&MethodDefaults::iterations));
  cmd->add_option("--match", a.match, "Matching rule for scoring: hungarian-sad, greedy-euclidean, hungarian-abundance")
      ->capture_default_str();
  cmd->add_option("--format", a.format, "Abundance raster format: gtiff or envi")->capture_default_str();
  cmd->add_flag("--wait", a.wait,
                "When another unmix process is writing --out, wait for it instead of failing at once");
  auto* g = "Networks";
  cmd->add_option("--layers", a.net.layers, "Unrolled layers K")->capture_default_str()->group(g);
  cmd->add_option("--epochs", a.net.epochs, "Training epochs; default " + DefaultsHelp(&MethodDefaults::epochs))
      ->group(g);
  cmd->add_option("--batch", a.net.batch, "Minibatch size (0 = full batch; nmf-sae always full batch)")
      ->capture_default_str()
      ->group(g);
  cmd->add_option("--lr", a.net.learning_rate,
                  "Adam learning rate; default " + DefaultsHelp(&MethodDefaults::learning_rate))
      ->group(g);
  cmd->add_option("--decoder-lr", a.net.decoder_learning_rate,
                  "Decoder learning rate; default --lr, else " + DefaultsHelp(&MethodDefaults::decoder_learning_rate))
      ->group(g);
  AddChoice(*cmd, "--nmf-inference", a.net.nmf_inference,
            "NMF-SAE scene abundances: learned (encoder with the learned endmembers) or initial (with A0)")
      ->group(g);
  cmd->add_option("--train-pixels", a.net.train_pixels,
                  "Random training subset size; default: supervised min(1000, N/2), scored on the rest; blind " +
                      DefaultsHelp(&MethodDefaults::train_pixels) + ", other blind networks all")
      ->group(g);
  AddChoice(*cmd, "--preset", a.net.preset,
            "unmix: authors' ADMM settings; blind networks start from spatial-purity and keep the better of result "
            "and start. authors: public code's settings, VCA start. paper: equations, VCA start")
      ->group(g);
  AddChoice(*cmd, "--init", a.net.init,
            "Start. Supervised: auto, gt or vca. Blind: vca, nfindr, spatial-nfindr, spatial-purity or best (lowest "
            "reconstruction error of N-FINDR and 10 VCA runs); auto: spatial-purity for blind networks with "
            "--preset unmix, else VCA")
      ->group(g);
  cmd->add_option("--purity-exponent", a.net.purity_exponent,
                  "spatial-purity (method or --init): exponent q of the purity weights x^q")
      ->capture_default_str()
      ->group(g);
  cmd->add_option("--loss-weights", a.loss_weights,
                  fmt::format("Supervised loss weights MSE,AAD,AID (default {:g},{:g},{:g})", a.net.loss.mse,
                              a.net.loss.aad, a.net.loss.aid))
      ->delimiter(',')
      ->group(g);
  cmd->add_option("--patience", a.net.patience, "Stop after this many epochs without improvement (0 = off)")
      ->capture_default_str()
      ->group(g);
  AddChoice(*cmd, "--recon-loss", a.net.reconstruction_loss,
            "Blind ADMM/MNN networks: mse (the papers') or angle (mean spectral angle, blind to brightness)")
      ->group(g);
  AddChoice(*cmd, "--mixing", a.net.mixing,
            "Blind ADMM/MNN networks' decoder: linear (the papers') or scaled (a least-squares scale per pixel); "
            "default: scaled with --preset unmix, else linear")
      ->group(g);
  cmd->add_option("--anchor", a.net.anchor,
                  fmt::format("Blind networks: weight of the stay-near-start penalty mean((A - A0)^2), 0 = off; "
                              "default: {:g} with --preset unmix, else 0",
                              RunOptions::kUnmixAnchor))
      ->group(g);
  AddChoice(*cmd, "--select", a.net.select,
            "Blind networks: end with the weights of the lowest training loss (loss) or of the lowest scaled-fit "
            "RMSE of the endmembers, checked every epochs/100 epochs (fit)")
      ->group(g);
  cmd->add_option("--keep-better", a.keep_better,
                  "Blind networks: on or off; keep the start when training ends worse by the scaled-fit RMSE "
                  "(default: on with --preset unmix)")
      ->group(g);
  cmd->add_flag("--asc", a.net.sum_to_one,
                "ADMM networks: x-updates that also impose sum-to-one (ADMM for FCLS; off: the papers' updates)")
      ->group(g);
  cmd->add_option("--mu", a.mu,
                  "ADMM networks: initial penalty mu in data units, or auto (lowest untrained training loss on a "
                  "log grid); default: the preset's")
      ->group(g);
  AddChoice(*cmd, "--augment", a.net.augment,
            "Supervised training data: none, or residuals (fresh noise from the training residuals every batch)")
      ->group(g);
}

}  // namespace

void RegisterRun(CLI::App& app, int argc, char** argv) {
  auto a = std::make_shared<RunArgs>();
  a->argv.assign(argv, argv + argc);
  auto* cmd = app.add_subcommand("run", "Unmix a scene with one method and write a run folder");
  AddSceneOptions(*cmd, a->scene);
  AddCommonOptions(*cmd, a->common);
  cmd->add_option("-m,--method", a->method, fmt::format("Method: {}", fmt::join(MethodNames(), ", ")))
      ->capture_default_str();
  cmd->footer(MethodsHelp());
  AddRunOptions(cmd, *a);
  cmd->callback([a] { RunRun(*a); });

  auto t = std::make_shared<RunArgs>();
  t->argv = a->argv;
  t->train_only = true;
  t->method = "bunet2";
  auto* tc = app.add_subcommand("train", "Train a network and save it (model.json) with its run folder");
  AddSceneOptions(*tc, t->scene);
  AddCommonOptions(*tc, t->common);
  std::vector<std::string> networks;
  for (const MethodInfo& m : Methods())
    if (m.network()) networks.push_back(m.name);
  tc->add_option("-m,--method", t->method, fmt::format("Network: {}", fmt::join(networks, ", ")))
      ->capture_default_str();
  tc->footer(MethodsHelp(/*networks_only=*/true));
  AddRunOptions(tc, *t);
  tc->callback([t] { RunRun(*t); });
}

void RegisterEstimateR(CLI::App& app) {
  struct Args {
    SceneArgs scene;
    CommonArgs common;
    std::string estimator = "default";
    rcount::Options options;
  };
  auto a = std::make_shared<Args>();
  auto* cmd =
      app.add_subcommand("estimate-r",
                         "Estimate the number of endmembers: HySime, HySime with guard bands, HFC, NWHFC, the "
                         "reconstruction elbow, and their default (median of hysime-guard, nwhfc, reconstruction)");
  AddSceneOptions(*cmd, a->scene);
  AddCommonOptions(*cmd, a->common, /*with_out=*/false);
  cmd->add_option("--estimator", a->estimator,
                  "Which estimate -q prints and the endmembers field holds: default, hysime, "
                  "hysime-guard, hfc, nwhfc, reconstruction")
      ->capture_default_str();
  cmd->add_option("--false-alarm", a->options.false_alarm, "HFC/NWHFC false-alarm rate P_F")->capture_default_str();
  cmd->add_option("--guard-bands", a->options.guard_bands,
                  "Neighbours each side left out of the hysime-guard noise regression")
      ->capture_default_str();
  cmd->add_option("--max-r", a->options.max_count, "Largest r of the reconstruction sweep")->capture_default_str();
  cmd->add_option("--min-gain", a->options.min_relative_gain,
                  "Reconstruction elbow: the smallest r from which the rest of the sweep gains less than this fraction")
      ->capture_default_str();
  cmd->callback([a] {
    ApplyThreads(a->common.threads);
    rcount::Pick(rcount::Estimates{}, a->estimator);  // refuses an unknown name before reading
    const Scene scene = LoadScene(a->scene);
    rcount::Options o = a->options;
    o.seed = a->common.seed;
    o.num_threads = a->common.threads;
    const auto est = EstimateCount<float>(scene.valid_data(), o);
    const auto& e = est.estimates;
    const Index chosen = rcount::Pick(e, a->estimator);
    if (a->common.json) {
      fmt::print("{}\n", EstimateCountJson(est, o, a->estimator).dump(2));
      return;
    }
    if (a->common.quiet) {
      fmt::print("{}\n", chosen);
      return;
    }
    fmt::print("hysime          {:>4}  HySime, noise by regression on all other bands\n", e.hysime);
    fmt::print("hysime-guard    {:>4}  HySime, noise regression without the {} neighbours each side\n", e.hysime_guard,
               o.guard_bands);
    fmt::print("hfc             {:>4}  Harsanyi-Farrand-Chang VD, P_F = {:g}\n", e.hfc, o.false_alarm);
    fmt::print("nwhfc           {:>4}  noise-whitened HFC, P_F = {:g}\n", e.nwhfc, o.false_alarm);
    fmt::print("reconstruction  {:>4}  VCA+NNLS RMSE elbow: the rest of the sweep gains < {:g}\n", e.reconstruction,
               o.min_relative_gain);
    fmt::print("default         {:>4}  median of hysime-guard, nwhfc, reconstruction\n", e.combined);
    fmt::print("endmembers: {} ({})\n", chosen, a->estimator);
  });
}

}  // namespace unmix::cli
