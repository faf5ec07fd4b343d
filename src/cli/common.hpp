#pragma once
// Pieces shared by the `unmix` subcommands: the common option shape, threads, timing, output.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "unmix/core/scene.hpp"
#include "unmix/core/stopwatch.hpp"
#include "unmix/io/read.hpp"
#include "unmix/methods/registry.hpp"
#include "unmix/pipeline/choices.hpp"

namespace unmix::cli {

// Every command that takes a scene has this shape:
//   unmix COMMAND --input FILE [--gt FILE] [--endmembers R] [--out DIR]
struct SceneArgs {
  std::string input;
  std::string gt;
  std::string var;          // force the .mat data variable
  std::string bands;        // band selection, 1-based ranges "1-3,10"
  bool drop_water = false;  // remove water-vapour absorption bands by wavelength
  bool trim_edges = false;  // with drop_water: also drop < 0.40 um and > 2.45 um
  std::optional<double> nodata;
  bool no_scale = false;
  bool keep_bad_bands = false;
  std::string pixel_order = "auto";
};

struct CommonArgs {
  std::string out;
  int threads = 0;         // 0: OpenMP default
  std::uint64_t seed = 0;  // --seed: a whole number 0 .. 2^64-1, checked as text
  bool quiet = false;
  bool json = false;
};

void AddSceneOptions(CLI::App& cmd, SceneArgs& args, bool input_required = true);
// A number > 0; the message names the value (CLI::PositiveNumber prints a 309-digit range).
CLI::Validator PositiveNumberCheck();
void AddCommonOptions(CLI::App& cmd, CommonArgs& args, bool with_out = true);
// An option naming one choice of E (unmix/pipeline/choices.hpp), parsed when given: an unknown
// name stops the command before any work with the option, the value and the choices. The help
// lists the choices and, for a plain E, the default.
template <typename E>
CLI::Option* AddChoice(CLI::App& cmd, const std::string& flags, E& target, const std::string& help) {
  auto* opt = cmd.add_option_function<std::string>(
      flags, [&target](const std::string& text) { target = Parse<E>(text); },
      help + " (" + ChoiceList<E>() + "; default " + std::string(Name(target)) + ")");
  return opt->type_name("NAME");
}
template <typename E>
CLI::Option* AddChoice(CLI::App& cmd, const std::string& flags, std::optional<E>& target, const std::string& help) {
  auto* opt = cmd.add_option_function<std::string>(
      flags, [&target](const std::string& text) { target = Parse<E>(text); }, help + " (" + ChoiceList<E>() + ")");
  return opt->type_name("NAME");
}

// The methods for a help text: one line each with its kind and description; `networks_only`
// lists only the trained ones.
std::string MethodsHelp(bool networks_only = false);
// "300 (aenet1, aenet2, ...), 1000 (nmf-sae)": a default of the registered methods, grouped by value.
std::string DefaultsHelp(std::optional<double> MethodDefaults::*field);
std::string DefaultsHelp(std::optional<int> MethodDefaults::*field);
std::string DefaultsHelp(std::optional<Index> MethodDefaults::*field);

// Sets the OpenMP thread count when requested; returns the count in force.
int ApplyThreads(int threads);

io::ReadOptions ReadOptionsOf(const SceneArgs& args);
// unmix::LoadScene and unmix::LoadGroundTruth (unmix/run/load.hpp) with the command's read
// options; their warnings go to stderr (also with --quiet).
Scene LoadScene(const SceneArgs& args);
GroundTruth LoadGroundTruth(const std::string& path, const Scene& scene, const SceneArgs& args,
                            bool check_simplex = true);

// Prints to stdout unless quiet.
void Say(const CommonArgs& args, const std::string& text);

// Writes JSON to a file atomically, pretty-printed.
void WriteJson(const std::filesystem::path& path, const nlohmann::json& j);

// Subcommand registration.
void RegisterSynth(CLI::App& app);
void RegisterInfo(CLI::App& app);
void RegisterEval(CLI::App& app);
void RegisterDemo(CLI::App& app, int argc, char** argv);
void RegisterRun(CLI::App& app, int argc, char** argv);
void RegisterEstimateR(CLI::App& app);
void RegisterApply(CLI::App& app, int argc, char** argv);
void RegisterReport(CLI::App& app);
void RegisterExperiment(CLI::App& app, int argc, char** argv);
void RegisterBench(CLI::App& app);

// Exit code 4: the command wrote complete results, but training diverged and stopped early
// (the best weights before the divergence were kept). Set by run/train, read by main.
inline constexpr int kExitTrainingDiverged = 4;
int& CommandExitCode();

}  // namespace unmix::cli
