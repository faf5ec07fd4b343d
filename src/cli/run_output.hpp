#pragma once
// Writing and scoring the result of one method run: the run folder layout shared by
// `unmix run` and `unmix demo`.
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "unmix/core/scene.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/metrics/metrics.hpp"
#include "unmix/pipeline/run.hpp"

namespace unmix::cli {

struct Scored {
  Evaluation final_eval;
  std::optional<Evaluation> init_eval;  // the method's start, when it has one
  nlohmann::json metrics;               // metrics.json content
};

// Scores a result (and its start) against ground truth. Endmembers get the reference's names
// in matched order when the reference has names.
Scored ScoreRun(RunResult& result, const Scene& scene, const GroundTruth& gt, MatchRule rule);

// Writes DIR/endmembers.csv, DIR/result.mat (benchmark layout), DIR/abundances.{tif,img},
// DIR/metrics.json (when scored) and DIR/run.json. Each file is written atomically.
void WriteRunFolder(const std::filesystem::path& dir, const Scene& scene, const RunResult& result,
                    const std::optional<Scored>& scored, const nlohmann::json& run_record,
                    io::RasterFormat abundance_format = io::RasterFormat::kGTiff);

}  // namespace unmix::cli
