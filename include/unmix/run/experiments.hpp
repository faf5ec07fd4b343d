#pragma once
// The papers' experiments as data, and their runner. Each experiment is a set of conditions
// (the x axis of a figure, or one column of a table), a set of method variants, and the scene
// each condition runs on. RunExperiment runs every variant on every condition for every seed
// and summarises the runs (mean and standard deviation over seeds); WriteExperimentFolder
// writes raw and summary CSVs, summary.json and the plots of a sweep; WriteResultsPage writes
// the results page over every experiment folder in a directory.
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "unmix/core/scene.hpp"
#include "unmix/pipeline/run.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix {

// One method with its settings, as it appears in the results.
struct Variant {
  std::string label;                       // e.g. "aenet2+asc"
  std::string method;                      // RunOptions::method
  std::function<void(RunOptions&)> tweak;  // settings beyond the method's defaults; may be empty
  bool supervised = false;                 // decides the default scene SNR of the u-admm-nets experiments
  bool quick = false;                      // part of the --quick size
};

struct Condition {
  std::string label;   // "15 dB", "3 layers", "Jasper Ridge"
  double x = 0;        // position on the plot's x axis
  bool quick = false;  // part of the --quick size
};

struct SceneAndTruth {
  Scene scene;
  GroundTruth truth;
  std::string description;
  std::vector<std::string> warnings;  // from reading the scene and its ground truth
};

// What the papers report for one variant, metric by metric ("0.0212 ± 0.0005"), to print beside
// the measured numbers.
using PaperNumbers = std::map<std::string, std::map<std::string, std::string>>;

struct Experiment {
  std::string name;  // command-line name
  std::string title;
  std::string reproduces;  // the paper's figure or table
  std::string settings;    // one paragraph: what is run, with which settings
  std::string x_label;     // empty: a table, not a plot
  std::vector<Condition> conditions;
  std::vector<Variant> variants;
  std::vector<std::string> metrics;       // metrics shown (keys of a run's metric row)
  std::vector<std::string> plot_metrics;  // metrics plotted (sweeps only)
  bool needs_data = false;                // reads the shared data (Jasper Ridge)
  // The scene of one condition, seed and variant (the variant decides the SNR where it differs).
  std::function<SceneAndTruth(const Condition&, int seed, const Variant&)> scene;
  // Condition-specific settings (layers, epochs, training pixels, ...); may be empty.
  std::function<void(const Condition&, RunOptions&)> apply;
  // Which variants run on which condition; empty: all on all.
  std::function<bool(const Condition&, const Variant&)> runs;
  // A cache key for scenes: conditions with equal keys (for a seed and variant) share a scene.
  std::function<std::string(const Condition&, int seed, const Variant&)> scene_key;
  PaperNumbers paper;
  std::string paper_units;  // e.g. "SAD in radians" when a paper's table uses other units
};

struct ExperimentContext {
  std::string data_dir;  // the shared benchmark data (Jasper Ridge)
  std::string library;   // optional USGS library for synthetic endmembers ("" = built-in)
};

// Every experiment, in the order `unmix experiment --list` shows them.
std::vector<Experiment> AllExperiments(const ExperimentContext& context);
// The experiment called `name` in `all`; throws OptionError naming every known experiment.
const Experiment& FindExperiment(const std::vector<Experiment>& all, std::string_view name);

// A synthetic scene (MakeSyntheticScene) with its endmembers and abundances as the ground truth;
// no description.
SceneAndTruth SyntheticSceneAndTruth(const SyntheticOptions& options, const SpectralLibrary* library = nullptr);

// $UNMIX_SHARED_DATA, else ../shared/data.
std::string DefaultDataDir();
// The Jasper Ridge scene file under a data directory (whether or not it exists).
std::filesystem::path JasperRidgeScenePath(const std::filesystem::path& data_dir);
// Jasper Ridge as the papers use it: Y / maxValue, 198 bands, reference M and A.
SceneAndTruth LoadJasperRidge(const std::filesystem::path& data_dir);

// The numbers of one run that the experiments report (keys as in Experiment::metrics).
using MetricRow = std::map<std::string, double>;

// One run of the experiment: a variant on a condition for one seed.
struct ExperimentRunReport {
  int done = 0, total = 0;  // runs finished (this one included), runs in all
  const Condition* condition = nullptr;
  const Variant* variant = nullptr;
  int seed = 0;
  const MetricRow* metrics = nullptr;
  double seconds = 0;  // wall time of the method run
};

struct ExperimentOptions {
  bool quick = false;                // only the conditions and variants marked quick
  int seeds = 0;                     // runs per cell; 0: 5 (1 with quick)
  int threads = 0;                   // 0: all cores
  std::vector<std::string> command;  // recorded in summary.json ("command"); argv[0] shows as "unmix"
  std::function<void(const ExperimentRunReport&)> on_run;  // progress: after every run
  std::function<void(const std::string&)> on_warning;      // warnings of reading a scene
};

// The raw numbers of one (run, metric), as in raw.csv.
struct ExperimentValue {
  size_t condition = 0, variant = 0;  // indices into the summary's conditions and variants
  int seed = 0;
  std::string metric;
  double value = 0;
};

struct ExperimentResults {
  std::vector<Condition> conditions;  // those run
  std::vector<Variant> variants;      // those run
  // summary.json without "plots": name, title, settings, seeds, the conditions and variants
  // run, "results" (one entry per condition, variant and metric: runs, mean, std), "paper".
  nlohmann::json summary;
  std::vector<ExperimentValue> values;  // in run order
};

// Runs every variant on every condition for every seed. Throws OptionError when a variant's
// options are invalid.
ExperimentResults RunExperiment(const Experiment& e, const ExperimentOptions& options);
// Writes DIR/raw.csv, DIR/summary.csv, the plots of a sweep (DIR/<name>-<metric>.svg and
// .png) and DIR/summary.json; returns summary.json's content (the summary with "plots").
nlohmann::json WriteExperimentFolder(const ExperimentResults& results, const std::filesystem::path& dir);
// Both, checking first that `dir` can be written.
nlohmann::json RunExperiment(const Experiment& e, const ExperimentOptions& options, const std::filesystem::path& dir);

// The results page DIR/README.md over every experiment folder in `dir`, rebuilt from their
// summary.json (and DIR/NOTES.md, kept as written).
void WriteResultsPage(const std::filesystem::path& dir);

// A metric value as the results page shows it (4 significant decimals below 1, ...).
std::string FormatMetric(double value);

}  // namespace unmix
