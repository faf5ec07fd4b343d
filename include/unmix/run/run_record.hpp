#pragma once
// run.json: what a run folder records about its run, as one typed value written and read here
// only (ToJson / ParseRunRecord). `unmix run`, `train`, `apply` and `demo` fill the fields of
// what ran; WriteRunFolder adds what it wrote (outputs and their checksums, the inputs'
// checksums, the preview); `unmix report`, `unmix apply` and the run-folder swap read it back.
//
// Keys: command, version, method | architecture, input, ground_truth, model, endmembers,
// endmembers_chosen, seed, threads, the command's settings (scene, options, network, snr_db,
// ...: `settings`, merged at the top level), details, reports, timings, input_checksums,
// wavelength_units, georeference, preview, outputs, output_checksums.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "unmix/core/record.hpp"
#include "unmix/core/scene.hpp"
#include "unmix/metrics/matching.hpp"

namespace unmix {

struct RunOptions;
struct RunResult;
struct MethodInfo;

struct InputChecksum {
  std::string role;      // "input", "ground_truth", "model", "input data", "input header", ...
  std::string path;      // as given
  std::string absolute;  // resolved when written
  std::uintmax_t bytes = 0;
  std::string sha256;
};

struct OutputChecksum {
  std::optional<std::uintmax_t> bytes;  // unset: not recorded
  std::string sha256;                   // empty: not recorded
};

struct RunRecord {
  // What ran.
  std::vector<std::string> command;        // the command line
  std::string version;                     // of unmix
  std::string method;                      // a registered method; empty for `unmix apply`
  std::string architecture;                // `unmix apply`: the model's
  std::string input, ground_truth, model;  // files; empty when none
  std::optional<Index> endmembers;
  std::string endmembers_chosen;  // how r was chosen: "given", "from the ground truth", "estimated: ..."
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  // The command's own settings (scene shape, solver and network options, ...), each a top-level
  // key of run.json.
  nlohmann::json settings = nlohmann::json::object();
  Record details;                         // RunResult::details
  std::vector<std::string> reports;       // each stage's BriefReport()
  std::map<std::string, double> timings;  // seconds

  // What the folder holds (WriteRunFolder).
  std::vector<InputChecksum> input_checksums;
  std::string wavelength_units;
  nlohmann::json georeference;       // null when the scene has none
  nlohmann::json preview;            // {"file", "caption", "bands", "true_colour"}; null when none
  std::vector<std::string> outputs;  // the files of the run, run.json and report.html included
  std::map<std::string, OutputChecksum> output_checksums;
  // Whether run.json listed its outputs, and their checksums (older folders did not).
  bool lists_outputs = false;
  bool has_output_checksums = false;

  // The input_checksums entry for `role` ("ground_truth", ...), or null.
  const InputChecksum* Input(const std::string& role) const;

  // "bunet2", or "aenet2 (applied)".
  std::string Title() const;
};

nlohmann::json ToJson(const RunRecord& record);
// Parses run.json's content. Throws InputError naming `source` and the field when a field has
// the wrong type; unknown keys are kept in `settings`.
RunRecord ParseRunRecord(const nlohmann::json& j, const std::string& source = "run.json");
// Reads and parses a run.json file (InputError naming it when it is not JSON).
RunRecord ReadRunRecord(const std::filesystem::path& path);

// The settings a run of `options` records: the scene's shape, the solver options, and for
// networks the training settings as they were resolved (epochs and learning rates as run).
nlohmann::json RunSettings(const RunOptions& options, const MethodInfo& method, const RunResult& result,
                           const Scene& scene, MatchRule rule);

}  // namespace unmix
