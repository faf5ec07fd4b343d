#pragma once
// A run as `unmix run`, `train`, `apply` and `demo` do it, as library calls: read the scene and
// ground truth, choose r, run the method (or apply a model), score, write the run folder under
// its lock, and read run.json back. The commands only parse options into these requests and
// print what comes back.
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "unmix/core/stopwatch.hpp"
#include "unmix/endmember/endmember_count.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/io/read.hpp"
#include "unmix/pipeline/run.hpp"
#include "unmix/run/run_folder.hpp"
#include "unmix/run/run_record.hpp"

namespace unmix {

// Lines for the user, said before the long work they announce. Any may be empty.
struct RunNotes {
  std::function<void(const std::string&)> warning;   // a suspicious input (values, abundance sums)
  std::function<void(const std::string&)> estimate;  // r was estimated: how, and how to override it
  std::function<void(const std::string&)> start;     // what is about to run, on what
};

struct RunRequest {
  std::string input;         // scene file
  std::string ground_truth;  // optional: scores the result (and trains supervised methods)
  io::ReadOptions read;      // for both
  // options.endmembers 0: the ground truth's count, else the default estimate
  // (EstimateCount), refused above EstimateBound(bands).
  RunOptions options;
  bool networks_only = false;  // `unmix train`: refuse a method that trains nothing
  std::filesystem::path out;   // the run folder
  bool wait = false;           // queue behind another process writing `out`
  MatchRule match = MatchRule::kHungarianSad;
  io::RasterFormat format = io::RasterFormat::kGTiff;
  std::vector<std::string> command;  // recorded in run.json
  RunNotes notes;
};

struct RunOutcome {
  RunResult result;
  std::optional<Scored> scored;  // with ground truth
  RunRecord record;              // run.json as read back from the folder
  std::filesystem::path report;  // report.html
};

// Largest estimated r a run accepts without an explicit count: 20, and at most a tenth of the
// bands (at least 1).
Index EstimateBound(Index bands);

// r for a run: options.endmembers when >= 1 ("given"), else the ground truth's count ("from the
// ground truth"), else the default estimate (EstimateCount; said through notes.estimate), refused
// above EstimateBound(bands) with an InputError. `how` receives the choice, as run.json records it.
Index ChooseEndmemberCount(const Scene& scene, const GroundTruth* ground_truth, const RunOptions& options,
                           const RunNotes& notes, std::string* how);

// `unmix run` / `unmix train`. Throws OptionError / InputError before writing anything.
RunOutcome RunToFolder(const RunRequest& request);

// The same for a scene already in memory with r chosen (options.endmembers >= 1): run, score
// against `ground_truth` when given, write `out`, read it back. `record` holds what ran
// (command, input, ...); the method's settings, details and timings are added, and with
// `since` the time from it to the writing of the folder (timings.total_with_io).
RunOutcome RunSceneToFolder(const Scene& scene, const GroundTruth* ground_truth, const RunOptions& options,
                            MatchRule match, FolderLock& lock, RunRecord record,
                            io::RasterFormat format = io::RasterFormat::kGTiff, const RunNotes& notes = {},
                            const Stopwatch* since = nullptr);

// What `unmix estimate-r --json` prints (and the Python module's estimate_r returns): the count of
// `estimator` (a name rcount::Pick knows), every estimate, the options and the diagnostics.
nlohmann::json EstimateCountJson(const rcount::Result& result, const rcount::Options& options,
                                 const std::string& estimator);

// The same without a folder (the Python module's unmix.run): run, score against `ground_truth`
// when given, and fill `record` as RunSceneToFolder does before writing; the outcome's report
// path is empty and the record lacks what only a folder holds (outputs, checksums, preview).
RunOutcome RunScene(const Scene& scene, const GroundTruth* ground_truth, const RunOptions& options, MatchRule match,
                    RunRecord record, const Stopwatch* since = nullptr);

struct ApplyRequest {
  std::string model;  // model.json written by `unmix train` / `unmix run`
  std::string input, ground_truth;
  io::ReadOptions read;
  int threads = 0;
  std::filesystem::path out;
  bool wait = false;
  MatchRule match = MatchRule::kHungarianSad;
  std::vector<std::string> command;
  RunNotes notes;
};

struct ApplyOutcome {
  RunOutcome run;
  nets::Model model;
  std::string scene;   // the scene's source
  Index pixels = 0;    // its valid pixels
  double seconds = 0;  // the forward pass
  double pixels_per_second = 0;
};

// Checks a model path: a regular file; one inside a run folder must be the model that folder's
// run.json lists, with the checksum recorded there (else it may be a leftover of another run).
void CheckModelFile(const std::filesystem::path& path);

// `unmix apply`: the model's abundances of the scene, scored when ground truth is given.
ApplyOutcome ApplyToFolder(const ApplyRequest& request);

}  // namespace unmix
