#pragma once
// The end-to-end speed jobs (docs/speed.md): each network method run through RunMethod on a
// scene, timed from RunResult::timings (median of repeats), with its counted FLOP total
// (unmix/nets/flop_counts.hpp), the input bytes it reads, its peak memory, and its time as a
// multiple of this machine's floor, max(FLOPs / GEMM rate, bytes / memory bandwidth), both
// rates measured by a small probe.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "unmix/run/experiments.hpp"

namespace unmix {

// This machine's rates, measured by MeasureFloor.
struct FloorRates {
  Index gemm_size = 0;
  double gemm_flops_1 = 0, gemm_flops_all = 0;  // float GEMM FLOP/s with 1 and all threads
  double stream_bytes = 0;                      // bytes per array of the copy and triad
  double copy_bandwidth = 0, triad_bandwidth = 0;
  int threads = 1;
  double gemm_rate() const { return std::max(gemm_flops_1, gemm_flops_all); }
  double bandwidth() const { return std::max(copy_bandwidth, triad_bandwidth); }
};

// Float GEMM of `quick ? 256 : 1024` squared (best of 3) on 1 and `threads` threads; stream-like
// copy and triad over three arrays of `quick ? 16 : 256` MiB (best of 5), all threads.
FloorRates MeasureFloor(bool quick, int threads);

struct BenchOptions {
  int repeats = 5;            // runs per job; the median is reported
  int epochs = 300;           // bunet2 and aenet2
  int nmf_iterations = 1000;  // nmf-sae's full-batch iterations
  Index train_pixels = 1000;  // aenet2 and nmf-sae
  Index inference_pixels = 1'000'000;
  bool quick = false;  // the probe's small size; no targets
  std::uint64_t seed = 1;
  int threads = 0;                                       // 0: all cores
  std::vector<std::string> jobs;                         // some of BenchJobNames(); empty: all
  std::function<void(const std::string& job)> on_start;  // progress: before each job and "floor"
  // --quick: 3 epochs, 5 NMF-SAE iterations, at most 20,000 inference pixels.
  void MakeQuick();
};

// The CPU model of /proc/cpuinfo ("unknown" without it).
std::string CpuModel();

// "bunet2", "aenet2", "nmf-sae", "inference", then the reading jobs "read-envi-bsq", "read-envi-bil",
// "read-gtiff", "read-mat" and "sha256" (the inference scene written to a scratch folder in each
// format, read back from the page cache).
const std::vector<std::string>& BenchJobNames();

struct BenchJob {
  std::string name, what;
  std::vector<double> seconds, cpu_seconds;  // per repeat
  std::vector<double> run_seconds;           // per repeat: the whole RunMethod call
  double flops = 0, bytes = 0;               // per run
  double target_seconds = 0;                 // 0: no target at this size
  std::string target_note;
  long peak_kib = 0;  // VmHWM after the job
  nlohmann::json extra = nlohmann::json::object();
  double median_seconds() const;
  double min_seconds() const;
  double median_cpu_seconds() const;
};

struct BenchReport {
  std::string cpu;  // the CPU model
  int threads = 0;
  FloorRates floor;
  std::string scene_source;
  Index bands = 0, pixels = 0, endmembers = 0;
  int repeats = 0;
  bool quick = false;
  std::vector<BenchJob> jobs;
  double floor_seconds(const BenchJob& j) const;  // max(FLOPs / GEMM rate, bytes / bandwidth)
  nlohmann::json ToJson() const;                  // what `unmix bench --json` prints
};

// Without Jasper Ridge: a synthetic scene of its shape (100 x 100 pixels, 198 bands, 4
// endmembers, 30 dB).
SceneAndTruth BenchSyntheticScene(std::uint64_t seed);

// Runs the jobs on `scene` (its ground truth must hold abundances: aenet2 trains on them),
// then the floor probe. The inference job uses bunet2's trained model (trained untimed when
// bunet2 is not among the jobs).
BenchReport RunBench(const SceneAndTruth& scene, const BenchOptions& options);

}  // namespace unmix
