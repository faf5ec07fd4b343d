#pragma once
// Scoring the result of one method run and writing its run folder: the layout shared by
// `unmix run`, `unmix train`, `unmix apply` and `unmix demo`.
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "unmix/core/run_folder_swap.hpp"
#include "unmix/core/scene.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/metrics/metrics.hpp"
#include "unmix/pipeline/run.hpp"
#include "unmix/run/run_record.hpp"

namespace unmix {

struct Scored {
  Evaluation final_eval;
  std::optional<Evaluation> init_eval;           // the method's start, when it has one
  nlohmann::json metrics;                        // metrics.json content
  std::shared_ptr<const GroundTruth> reference;  // what was scored against, for the report
};

// Scores a result (and its start) against ground truth. Endmembers get the reference's names
// in matched order when the reference has names.
Scored ScoreRun(RunResult& result, const Scene& scene, const GroundTruth& gt, MatchRule rule);

// What `method` starts from with options `o`, as printed before a run ("spatial-purity + FCLS"),
// following RunOptions::init; empty for methods without a start.
std::string StartDescription(const RunOptions& o, const MethodInfo& info, bool gt_has_endmembers);

// Writes a run folder: DIR/endmembers.csv, DIR/endmembers.mat, DIR/result.mat (benchmark
// layout), DIR/abundances.{tif,img}, DIR/metrics.json (when scored), DIR/model.json and
// DIR/loss.csv (networks), DIR/preview.png, DIR/run.json and DIR/report.html. run.json is
// `run_record` with what the folder holds filled in: the SHA-256 of its input, ground_truth and
// model files, the wavelength units, the preview, the files written (outputs) and the size and
// SHA-256 of each but report.html (output_checksums). The folder is written beside
// DIR and swapped in whole under `lock` (see core/run_folder_swap.hpp): DIR is always one
// complete run. Returns the path of report.html.
std::filesystem::path WriteRunFolder(FolderLock& lock, const Scene& scene, const RunResult& result,
                                     const std::optional<Scored>& scored, const RunRecord& run_record,
                                     io::RasterFormat abundance_format = io::RasterFormat::kGTiff);
// The same, taking the lock of `dir` itself (failing at once if another process holds it).
std::filesystem::path WriteRunFolder(const std::filesystem::path& dir, const Scene& scene, const RunResult& result,
                                     const std::optional<Scored>& scored, const RunRecord& run_record,
                                     io::RasterFormat abundance_format = io::RasterFormat::kGTiff);

// The names of the files a run folder may hold: every file unmix writes there, and those its
// run.json lists as outputs.
std::set<std::string> RunFolderFileNames(const std::filesystem::path& dir);

// Writes JSON to a file atomically, pretty-printed, with a final newline.
void WriteJsonFile(const std::filesystem::path& path, const nlohmann::json& j);

}  // namespace unmix
