// unmix experiment: runs the papers' experiments (unmix/run/experiments.hpp) and writes, per
// experiment, raw.csv (one row per run), summary.csv and summary.json (mean and standard
// deviation over seeds), plots (SVG and PNG) for sweeps, and a results page over every
// experiment in the output directory.
#include <fmt/format.h>

#include <filesystem>

#include "cli/common.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/run/experiments.hpp"

namespace unmix::cli {
namespace {

namespace fs = std::filesystem;

struct ExperimentArgs {
  CommonArgs common;
  std::vector<std::string> names;
  bool quick = false;
  int seeds = 0;         // 0: 5 (1 with --quick)
  std::string data_dir;  // default: $UNMIX_SHARED_DATA or ../shared/data
  std::string library;
  bool list = false;
  bool page_only = false;  // rebuild OUT/README.md from the summaries there, run nothing
  std::vector<std::string> argv;
};

void SayPage(const CommonArgs& common, const fs::path& out) {
  Say(common, fmt::format("results page: {}", fs::absolute(out / "README.md").lexically_normal().string()));
}

void RunExperiments(ExperimentArgs& a) {
  ApplyThreads(a.common.threads);
  ExperimentContext ctx;
  ctx.data_dir = a.data_dir.empty() ? DefaultDataDir() : a.data_dir;
  ctx.library = a.library;
  const auto all = AllExperiments(ctx);
  if (a.list) {
    for (const auto& e : all) fmt::print("{:<20} {} ({})\n", e.name, e.title, e.reproduces);
    return;
  }
  if (a.common.out.empty()) a.common.out = "experiments";
  const fs::path out(a.common.out);
  if (a.page_only) {
    if (!fs::is_directory(out)) throw InputError(a.common.out, "--out", "no such directory of experiment results");
    WriteResultsPage(out);
    SayPage(a.common, out);
    return;
  }
  if (a.names.empty()) throw OptionError("name the experiments to run (or 'all'); --list shows them");
  std::vector<const Experiment*> chosen;
  for (const auto& n : a.names) {
    if (n != "all")
      chosen.push_back(&FindExperiment(all, n));
    else
      for (const auto& e : all) chosen.push_back(&e);
  }
  EnsureWritableDirectory(out);
  const fs::path jasper = JasperRidgeScenePath(ctx.data_dir);
  ExperimentOptions options;
  options.quick = a.quick;
  options.seeds = a.seeds;
  options.threads = a.common.threads;
  options.command = a.argv;
  options.on_warning = [](const std::string& w) { fmt::print(stderr, "unmix: warning: {}\n", w); };
  int ran = 0;
  for (const Experiment* e : chosen) {
    if (e->needs_data && !fs::exists(jasper)) {
      fmt::print(stderr, "experiment {}: skipped, {} not found (give --data DIR or set UNMIX_SHARED_DATA)\n", e->name,
                 jasper.string());
      continue;
    }
    Say(a.common, fmt::format("experiment {}: {} ({})", e->name, e->title, e->reproduces));
    options.on_run = [&](const ExperimentRunReport& r) {
      const auto get = [&](const char* k) {
        return r.metrics->count(k) ? FormatMetric(r.metrics->at(k)) : std::string("-");
      };
      Say(a.common,
          fmt::format("  [{}/{}] {} | {} | {} | seed {}: RMSE {} SAD {} ({:.2f} s)", r.done, r.total, e->name,
                      r.condition->label, r.variant->label, r.seed, get("rmse"), get("sad_deg_mean"), r.seconds));
    };
    const Stopwatch t;
    RunExperiment(*e, options, out / e->name);
    ++ran;
    Say(a.common, fmt::format("  done in {:.1f} s: {}", t.seconds(), (out / e->name).string()));
  }
  WriteResultsPage(out);
  SayPage(a.common, out);
  if (ran == 0) throw InputError(ctx.data_dir, "data", "no experiment could run: the data they need is missing");
}

}  // namespace

void RegisterExperiment(CLI::App& app, int argc, char** argv) {
  auto a = std::make_shared<ExperimentArgs>();
  a->argv.assign(argv, argv + argc);
  auto* cmd = app.add_subcommand("experiment", "Run the papers' experiments and write CSVs, plots and a results page");
  AddCommonOptions(*cmd, a->common);
  cmd->add_option("names", a->names, "Experiments to run, or all (--list shows them)");
  cmd->add_flag("--quick", a->quick, "The quick size: fewer conditions and methods, one run each");
  cmd->add_option("--seeds", a->seeds, "Runs per cell (default 5; 1 with --quick)")->check(CLI::Range(1, 100));
  cmd->add_option("--data", a->data_dir, "Benchmark data directory (default $UNMIX_SHARED_DATA or ../shared/data)");
  cmd->add_option("--library", a->library, "Spectral library for the synthetic endmembers (default: built-in spectra)");
  cmd->add_flag("--list", a->list, "List the experiments and exit");
  cmd->add_flag("--page", a->page_only, "Only rebuild OUT/README.md from the experiment folders in OUT");
  cmd->callback([a] { RunExperiments(*a); });
}

}  // namespace unmix::cli
