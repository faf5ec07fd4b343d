// unmix bench: the end-to-end speed jobs (unmix/run/bench.hpp, docs/speed.md) with wall time
// (median of repeats), achieved GFLOP/s against a counted FLOP total, input bytes read per
// second, peak memory, and each job's time as a multiple of this machine's floor.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "cli/common.hpp"
#include "unmix/core/error.hpp"
#include "unmix/run/bench.hpp"

namespace unmix::cli {
namespace {

struct BenchArgs {
  SceneArgs scene;
  BenchOptions options;
  bool json = false;
};

// --input with --gt, else Jasper Ridge from the shared data, else a synthetic scene of its shape.
SceneAndTruth LoadBenchScene(BenchArgs& a) {
  if (a.scene.input.empty()) {
    const auto dir = std::filesystem::path(DefaultDataDir()) / "jasper_ridge";
    if (std::filesystem::exists(dir / "jasperRidge2_R198.mat") &&
        std::filesystem::exists(dir / "JasperRidge2_end4.mat")) {
      a.scene.input = (dir / "jasperRidge2_R198.mat").string();
      a.scene.gt = (dir / "JasperRidge2_end4.mat").string();
    }
  }
  if (a.scene.input.empty()) return BenchSyntheticScene(a.options.seed);
  if (a.scene.gt.empty()) throw OptionError("unmix bench --input needs --gt with abundances (the supervised job)");
  SceneAndTruth s;
  s.scene = LoadScene(a.scene);
  s.truth = LoadGroundTruth(a.scene.gt, s.scene, a.scene);
  if (!s.truth.abundances) throw OptionError("unmix bench: the ground truth has no abundances");
  s.description = a.scene.input;
  return s;
}

void PrintTable(const BenchReport& report) {
  fmt::print("\n{:<14} {:>9} {:>9} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8} {:>8}  {}\n", "job", "median s", "min s",
             "cpu s", "GFLOP/s", "GB/s in", "peak MiB", "floor s", "x floor", "target", "met");
  for (const BenchJob& j : report.jobs) {
    const double med = j.median_seconds(), floor_s = report.floor_seconds(j);
    const bool has_target = j.target_seconds > 0;
    const std::string met = has_target ? (med <= j.target_seconds ? "yes" : "no") : "-";
    fmt::print("{:<14} {:>9.4f} {:>9.4f} {:>8.3f} {:>8.2f} {:>8.2f} {:>9.1f} {:>9.4f} {:>8.1f} {:>8}  {}\n", j.name,
               med, j.min_seconds(), j.median_cpu_seconds(), j.flops / med * 1e-9, j.bytes / med * 1e-9,
               j.peak_kib / 1024.0, floor_s, med / floor_s, has_target ? fmt::format("{:.4f}", j.target_seconds) : "-",
               met);
  }
  fmt::print(
      "(median of {} repeats; cpu s: median CPU time, all threads, of the whole method run "
      "for the training jobs; training runs on one thread, inference on {}; floor = max(FLOPs / {:.1f} GFLOP/s, bytes "
      "/ {:.1f} GB/s))\n",
      report.repeats, report.threads, report.floor.gemm_rate() * 1e-9, report.floor.bandwidth() * 1e-9);
}

void RunBenchCommand(BenchArgs& a) {
  const int threads = ApplyThreads(a.options.threads);
  if (a.options.repeats < 1) throw OptionError("--repeats must be >= 1");
  if (a.options.quick) a.options.MakeQuick();
  auto say = [&](const std::string& s) {
    if (!a.json) fmt::print("{}\n", s);
  };
  say(fmt::format("machine: {}, {} threads", CpuModel(), threads));
  const SceneAndTruth scene = LoadBenchScene(a);
  say(fmt::format("scene: {} ({} bands, {} pixels, r = {})", scene.description, scene.scene.bands(),
                  scene.scene.valid_count(), scene.truth.abundances->count()));
  a.options.on_start = [&](const std::string& job) {
    if (job == "floor") say("probing the floor ...");
  };
  const BenchReport report = RunBench(scene, a.options);
  const FloorRates& floor = report.floor;
  say(
      fmt::format("  float GEMM {}^3: {:.1f} GFLOP/s on 1 thread, {:.1f} on {}; memory: copy {:.1f} GB/s, triad "
                  "{:.1f} GB/s ({:.0f} MiB arrays)",
                  floor.gemm_size, floor.gemm_flops_1 * 1e-9, floor.gemm_flops_all * 1e-9, threads,
                  floor.copy_bandwidth * 1e-9, floor.triad_bandwidth * 1e-9, floor.stream_bytes / (1 << 20)));
  if (a.json)
    fmt::print("{}\n", report.ToJson().dump(2));
  else
    PrintTable(report);
}

}  // namespace

void RegisterBench(CLI::App& app) {
  auto a = std::make_shared<BenchArgs>();
  BenchOptions& o = a->options;
  auto* cmd =
      app.add_subcommand("bench", "Time the end-to-end speed jobs against this machine's floor (docs/speed.md)");
  cmd->add_option("-i,--input", a->scene.input,
                  "Scene (default: Jasper Ridge from $UNMIX_SHARED_DATA or ../shared/data, else a synthetic scene)");
  cmd->add_option("--gt", a->scene.gt, "Ground truth with abundances for --input");
  cmd->add_option("--repeats", o.repeats, "Repeats per job; the median is reported")->capture_default_str();
  cmd->add_flag("--quick", o.quick,
                "Tiny sizes (3 epochs, 5 NMF-SAE iterations, 20,000 inference pixels): a smoke run");
  cmd->add_option("--inference-pixels", o.inference_pixels, "Pixels of the inference job's scene")
      ->capture_default_str()
      ->check(PositiveNumberCheck());
  cmd->add_option("--threads", o.threads, "Threads (default: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  cmd->add_option("--jobs", o.jobs, fmt::format("Jobs to run (default: all): {}", fmt::join(BenchJobNames(), ", ")))
      ->delimiter(',')
      ->check(CLI::IsMember(BenchJobNames()));
  cmd->add_flag("--json", a->json, "Print JSON on stdout instead of the table");
  cmd->callback([a] { RunBenchCommand(*a); });
}

}  // namespace unmix::cli
