#pragma once
// The papers' experiments as data: each is a set of conditions (the x axis of a figure, or one
// column of a table), a set of method variants, and the scene each condition runs on. The
// runner (experiment_command.cpp) runs every variant on every condition for every seed, writes
// raw and summary CSVs, plots and a results page.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "unmix/core/scene.hpp"
#include "unmix/pipeline/run.hpp"

namespace unmix::cli {

// One method with its settings, as it appears in the results.
struct Variant {
  std::string label;       // e.g. "aenet2+asc"
  std::string method;      // RunOptions::method
  std::function<void(RunOptions&)> tweak;  // settings beyond the method's defaults; may be empty
  bool supervised = false;  // decides the default scene SNR of the u-admm-nets experiments
  bool quick = false;       // part of the --quick size
};

struct Condition {
  std::string label;       // "15 dB", "3 layers", "Jasper Ridge"
  double x = 0;            // position on the plot's x axis
  bool quick = false;      // part of the --quick size
};

struct SceneAndTruth {
  Scene scene;
  GroundTruth truth;
  std::string description;
};

// What the papers report for one variant, metric by metric ("0.0212 ± 0.0005"), to print beside
// the measured numbers.
using PaperNumbers = std::map<std::string, std::map<std::string, std::string>>;

struct Experiment {
  std::string name;        // command-line name
  std::string title;
  std::string reproduces;  // the paper's figure or table
  std::string settings;    // one paragraph: what is run, with which settings
  std::string x_label;     // empty: a table, not a plot
  std::vector<Condition> conditions;
  std::vector<Variant> variants;
  std::vector<std::string> metrics;        // metrics shown (keys of a run's metric row)
  std::vector<std::string> plot_metrics;   // metrics plotted (sweeps only)
  bool needs_data = false;                 // reads ../shared/data
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
  std::string data_dir;      // the shared benchmark data (Jasper Ridge)
  std::string library;       // optional USGS library for synthetic endmembers ("" = built-in)
};

std::vector<Experiment> AllExperiments(const ExperimentContext& context);

}  // namespace unmix::cli
