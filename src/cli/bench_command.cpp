// unmix bench: the end-to-end speed jobs (docs/speed.md) with wall time (median of repeats),
// achieved GFLOP/s against a counted FLOP total, input bytes read per second, peak memory, and
// each job's time as a multiple of this machine's floor, max(FLOPs / GEMM rate, bytes /
// memory bandwidth), both rates measured by a small probe first.
#include <omp.h>
#include <sys/resource.h>

#include <Eigen/Core>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <vector>

#include <fmt/format.h>

#include "cli/common.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"
#include "unmix/endmember/vca.hpp"
#include "unmix/nets/admm_nets.hpp"
#include "unmix/nets/flop_counts.hpp"
#include "unmix/nets/nmf_sae.hpp"
#include "unmix/synth/synthetic.hpp"
#include "unmix/train/trainer.hpp"

namespace unmix::cli {
namespace {

namespace fl = nets::flops;

struct BenchArgs {
  SceneArgs scene;
  int repeats = 5;
  bool quick = false;
  bool json = false;
  int threads = 0;
  Index inference_pixels = 1'000'000;
  std::uint64_t seed = 1;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0.0 : (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}

// A field of /proc/self/status in KiB (VmHWM: peak resident set, VmRSS: current), 0 if absent.
long StatusKiB(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  return 0;
}

// CPU seconds (user + system, all threads) of this process so far. On a shared machine the wall
// time of a job includes waiting for a core; its CPU time does not.
double CpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

// ---- the floor probe ----------------------------------------------------------------------

struct FloorRates {
  Index gemm_size = 0;
  double gemm_flops_1 = 0, gemm_flops_all = 0;  // FLOP/s with 1 and all threads
  double stream_bytes = 0;                      // bytes per array
  double copy_bandwidth = 0, triad_bandwidth = 0;
  int threads = 1;
  double gemm_rate() const { return std::max(gemm_flops_1, gemm_flops_all); }
  double bandwidth() const { return std::max(copy_bandwidth, triad_bandwidth); }
};

// Best of `tries` runs of f, in seconds.
template <typename F>
double BestTime(int tries, F&& f) {
  double best = 1e300;
  for (int t = 0; t < tries; ++t) {
    const Stopwatch w;
    f();
    best = std::min(best, w.seconds());
  }
  return best;
}

double GemmRate(Index n, int threads) {
  Rng rng(7);
  MatrixF a(n, n), b(n, n), c(n, n);
  for (Index k = 0; k < a.size(); ++k) a.data()[k] = static_cast<float>(rng.Uniform() - 0.5);
  for (Index k = 0; k < b.size(); ++k) b.data()[k] = static_cast<float>(rng.Uniform() - 0.5);
  const int saved = Eigen::nbThreads();
  Eigen::setNbThreads(threads);
  c.noalias() = a * b;  // warm-up
  const double s = BestTime(3, [&] { c.noalias() = a * b; });
  Eigen::setNbThreads(saved);
  const double dn = static_cast<double>(n);
  return 2 * dn * dn * dn / s;
}

FloorRates MeasureFloor(bool quick, int threads) {
  FloorRates f;
  f.threads = threads;
  f.gemm_size = quick ? 256 : 1024;
  f.gemm_flops_1 = GemmRate(f.gemm_size, 1);
  f.gemm_flops_all = threads > 1 ? GemmRate(f.gemm_size, threads) : f.gemm_flops_1;
  // Stream-like copy and triad over arrays far larger than the last-level cache.
  const Index n = (quick ? 16 : 256) * (Index{1} << 20) / static_cast<Index>(sizeof(float));
  f.stream_bytes = static_cast<double>(n) * sizeof(float);
  std::vector<float> a(static_cast<size_t>(n)), b(static_cast<size_t>(n)), c(static_cast<size_t>(n));
  float* pa = a.data();
  float* pb = b.data();
  float* pc = c.data();
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < n; ++i) {  // first touch by the threads that stream the pages later
    pa[i] = 1.0f;
    pb[i] = 2.0f;
    pc[i] = 0.5f;
  }
  const double copy = BestTime(5, [&] {
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < n; ++i) pc[i] = pa[i];
  });
  const double triad = BestTime(5, [&] {
#pragma omp parallel for schedule(static)
    for (Index i = 0; i < n; ++i) pa[i] = pb[i] + 3.0f * pc[i];
  });
  f.copy_bandwidth = 2 * f.stream_bytes / copy;
  f.triad_bandwidth = 3 * f.stream_bytes / triad;
  return f;
}

// ---- the scene -----------------------------------------------------------------------------

struct BenchScene {
  MatrixF y;                    // p x N
  std::optional<MatrixF> a_gt;  // p x r
  MatrixF x_gt;                 // r x N
  std::string source;
};

std::filesystem::path JasperDir() {
  if (const char* env = std::getenv("UNMIX_SHARED_DATA")) return std::filesystem::path(env) / "jasper_ridge";
  return std::filesystem::path("..") / "shared" / "data" / "jasper_ridge";
}

BenchScene LoadBenchScene(BenchArgs& a) {
  if (a.scene.input.empty()) {
    const auto dir = JasperDir();
    if (std::filesystem::exists(dir / "jasperRidge2_R198.mat") && std::filesystem::exists(dir / "JasperRidge2_end4.mat")) {
      a.scene.input = (dir / "jasperRidge2_R198.mat").string();
      a.scene.gt = (dir / "JasperRidge2_end4.mat").string();
    }
  }
  BenchScene s;
  if (!a.scene.input.empty()) {
    if (a.scene.gt.empty()) throw OptionError("unmix bench --input needs --gt with abundances (the supervised job)");
    const Scene scene = LoadScene(a.scene);
    const GroundTruth gt = LoadGroundTruth(a.scene.gt, scene, a.scene);
    if (!gt.abundances) throw OptionError("unmix bench: the ground truth has no abundances");
    s.y = scene.data;
    s.x_gt = gt.abundances->values;
    if (gt.endmembers) s.a_gt = gt.endmembers->spectra;
    s.source = a.scene.input;
    return s;
  }
  // No Jasper Ridge: a synthetic scene of its shape (100 x 100 pixels, 198 bands, 4 endmembers).
  SyntheticOptions o;
  o.patch = 10;
  o.endmembers = 4;
  o.spectra.bands = 198;
  o.snr_db = 30;
  o.seed = a.seed;
  const SyntheticScene syn = MakeSyntheticScene(o);
  s.y = syn.scene.data;
  s.x_gt = syn.abundances.values;
  s.a_gt = syn.endmembers.spectra;
  s.source = "synthetic (100 x 100 pixels, 198 bands, 4 endmembers, 30 dB; Jasper Ridge not found)";
  return s;
}

MatrixF Columns(const MatrixF& m, const std::vector<Index>& idx) {
  MatrixF out(m.rows(), static_cast<Index>(idx.size()));
  for (size_t j = 0; j < idx.size(); ++j) out.col(static_cast<Index>(j)) = m.col(idx[j]);
  return out;
}

// ---- jobs ----------------------------------------------------------------------------------

struct Job {
  Job(std::string n, std::string w) : name(std::move(n)), what(std::move(w)) {}
  std::string name, what;
  std::vector<double> seconds, cpu_seconds;
  double flops = 0, bytes = 0;   // per run
  double target_seconds = 0;     // 0: no target at this size
  std::string target_note;
  long peak_kib = 0;
  nlohmann::json extra = nlohmann::json::object();
};

// FLOPs of Train over n samples: the initial loss pass (EvaluateLoss runs Batch, so backward too)
// plus `epochs` epochs, each batch also paying an Adam step.
template <typename PerBatch>
double TrainingFlops(Index n, Index batch, int epochs, double params, PerBatch per_batch) {
  double epoch = 0, steps = 0;
  for (Index s = 0; s < n; s += batch) {
    epoch += per_batch(static_cast<double>(std::min(batch, n - s)));
    steps += 1;
  }
  return epoch * (epochs + 1) + steps * epochs * fl::AdamStep(params);
}

train::TrainOptions TrainingOptions(int epochs, Index batch, std::uint64_t seed, std::vector<double> lrs) {
  train::TrainOptions t;
  t.epochs = epochs;
  t.batch_size = batch;
  t.seed = seed;
  t.adam.group_learning_rates = std::move(lrs);
  return t;
}

nets::AdmmNetOptions Admm2() {
  nets::AdmmNetOptions o;  // authors' preset, 2 layers (3 updates), untied: -II
  o.layers = 2;
  return o;
}

void RunBench(BenchArgs& a) {
  const int threads = ApplyThreads(a.threads);
  if (a.repeats < 1) throw OptionError("--repeats must be >= 1");
  const bool quick = a.quick;
  const int epochs = quick ? 3 : 300, nmf_iterations = quick ? 5 : 1000;
  const Index inference_pixels = quick ? std::min<Index>(a.inference_pixels, 20000) : a.inference_pixels;
  auto say = [&](const std::string& s) {
    if (!a.json) fmt::print("{}\n", s);
  };

  say(fmt::format("machine: {}, {} threads", CpuModel(), threads));
  BenchScene scene = LoadBenchScene(a);
  const Index p = scene.y.rows(), n = scene.y.cols(), r = scene.x_gt.rows();
  say(fmt::format("scene: {} ({} bands, {} pixels, r = {})", scene.source, p, n, r));
  const MatrixF a0 = Vca<float>(scene.y, r).endmembers.cwiseMax(0.0f);
  const MatrixD a_init = (scene.a_gt ? *scene.a_gt : a0).cast<double>();
  // The 1000-pixel training subset of the supervised and NMF-SAE jobs (seeded).
  std::vector<Index> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  Rng rng(a.seed);
  rng.Shuffle(order.begin(), order.end());
  const Index n_sub = std::min<Index>(1000, n);
  std::vector<Index> subset(order.begin(), order.begin() + n_sub);
  std::sort(subset.begin(), subset.end());
  const MatrixF y_sub = Columns(scene.y, subset), x_sub = Columns(scene.x_gt, subset);
  const double pixel_bytes = static_cast<double>(p) * sizeof(float);
  std::vector<Job> jobs;

  // 1. U-ADMM-BUNet-II on every pixel.
  nets::AdmmEncoder<float> trained;
  {
    Job j{"bunet2", fmt::format("U-ADMM-BUNet-II, {} px, batch 64, {} epochs", n, epochs)};
    const double lo = 1e-6, hi = std::max(1.0, static_cast<double>(scene.y.maxCoeff()));
    for (int rep = 0; rep < a.repeats; ++rep) {
      nets::AdmmBUNet<float> net(nets::MakeAdmmEncoder<float>(Admm2(), a0.cast<double>()), a0, scene.y, lo, hi);
      const double cpu0 = CpuSeconds();
      const Stopwatch w;
      const auto summary = train::Train(net, TrainingOptions(epochs, 64, a.seed, {1e-4, 1e-4}));
      j.seconds.push_back(w.seconds());
      j.cpu_seconds.push_back(CpuSeconds() - cpu0);
      j.extra["final_loss"] = summary.final_loss;
      trained = net.encoder();
      const double params = static_cast<double>(train::CountParameters(net.Parameters()));
      const auto& e = net.encoder();
      j.flops = TrainingFlops(n, 64, epochs, params, [&](double b) {
        return fl::AdmmForward(p, r, e.updates(), e.sets(), b) + fl::AdmmBackward(p, r, e.updates(), e.sets(), b) +
               fl::DecoderForwardBackward(p, r, b);
      });
    }
    j.bytes = (epochs + 1) * static_cast<double>(n) * pixel_bytes;
    if (!quick && n == 10000) j.target_seconds = 0.8;
    j.peak_kib = StatusKiB("VmHWM");
    jobs.push_back(std::move(j));
  }
  // 2. U-ADMM-AENet-II on 1000 labelled pixels.
  {
    Job j{"aenet2", fmt::format("U-ADMM-AENet-II, {} px, batch 64, {} epochs", n_sub, epochs)};
    for (int rep = 0; rep < a.repeats; ++rep) {
      nets::AdmmAENet<float> net(nets::MakeAdmmEncoder<float>(Admm2(), a_init), y_sub, x_sub);
      const double cpu0 = CpuSeconds();
      const Stopwatch w;
      const auto summary = train::Train(net, TrainingOptions(epochs, 64, a.seed, {1e-4}));
      j.seconds.push_back(w.seconds());
      j.cpu_seconds.push_back(CpuSeconds() - cpu0);
      j.extra["final_loss"] = summary.final_loss;
      const double params = static_cast<double>(train::CountParameters(net.Parameters()));
      const auto& e = net.encoder();
      j.flops = TrainingFlops(n_sub, 64, epochs, params, [&](double b) {
        return fl::AdmmForward(p, r, e.updates(), e.sets(), b) + fl::AdmmBackward(p, r, e.updates(), e.sets(), b) +
               fl::SupervisedLoss(r, b);
      });
    }
    j.bytes = (epochs + 1) * static_cast<double>(n_sub) * pixel_bytes;
    if (!quick && n_sub == 1000) j.target_seconds = 0.1;
    j.peak_kib = StatusKiB("VmHWM");
    jobs.push_back(std::move(j));
  }
  // 3. NMF-SAE, full-batch iterations on 1000 pixels.
  {
    Job j{"nmf-sae", fmt::format("NMF-SAE, {} px, {} full-batch iterations", n_sub, nmf_iterations)};
    const MatrixF s0 = Fcls<float>(a0, y_sub).abundances;
    for (int rep = 0; rep < a.repeats; ++rep) {
      nets::NmfSae<float> net(a0, s0, y_sub);
      const double cpu0 = CpuSeconds();
      const Stopwatch w;
      const auto summary = train::Train(net, TrainingOptions(nmf_iterations, 0, a.seed, {1e-4, 5e-4}));
      j.seconds.push_back(w.seconds());
      j.cpu_seconds.push_back(CpuSeconds() - cpu0);
      j.extra["final_loss"] = summary.final_loss;
      const double params = static_cast<double>(train::CountParameters(net.Parameters()));
      j.flops = (nmf_iterations + 1) * fl::NmfSaeStep(p, r, static_cast<double>(n_sub), net.layers()) +
                nmf_iterations * fl::AdamStep(params);
    }
    j.bytes = (nmf_iterations + 1) * static_cast<double>(n_sub) * pixel_bytes;
    if (!quick && n_sub == 1000) j.target_seconds = 0.5;
    j.peak_kib = StatusKiB("VmHWM");
    jobs.push_back(std::move(j));
  }
  // 4. Inference with the trained BUNet-II encoder over a scene of `inference_pixels` pixels
  // (the scene's pixels repeated), all threads.
  {
    Job j{"inference", fmt::format("BUNet-II encoder over {} px x {} bands, {} threads", inference_pixels, p, threads)};
    MatrixF big(p, inference_pixels);
#pragma omp parallel for schedule(static)
    for (Index k = 0; k < inference_pixels; ++k) big.col(k) = scene.y.col(k % n);
    const long rss_before = StatusKiB("VmRSS");
    for (int rep = 0; rep < a.repeats; ++rep) {
      const double cpu0 = CpuSeconds();
      const Stopwatch w;
      const MatrixF x = nets::ApplyEncoder(trained, big);
      j.seconds.push_back(w.seconds());
      j.cpu_seconds.push_back(CpuSeconds() - cpu0);
      if (rep == 0) j.extra["output_mib"] = static_cast<double>(x.size()) * sizeof(float) / (1 << 20);
    }
    const double m = static_cast<double>(inference_pixels);
    j.flops = fl::AdmmForward(p, r, trained.updates(), trained.sets(), m);
    j.bytes = m * pixel_bytes + m * static_cast<double>(r) * sizeof(float);  // read the scene, write abundances
    j.peak_kib = StatusKiB("VmHWM");
    j.extra["scene_mib"] = m * pixel_bytes / (1 << 20);
    j.extra["peak_beyond_scene_mib"] = static_cast<double>(std::max(0L, j.peak_kib - rss_before)) / 1024.0;
    j.extra["pixels_per_second"] = m / Median(j.seconds);
    jobs.push_back(std::move(j));
  }

  // The probe runs after the jobs, so its 768 MiB of arrays do not enter their peak memory.
  say("probing the floor ...");
  const FloorRates floor = MeasureFloor(quick, threads);
  say(fmt::format("  float GEMM {}^3: {:.1f} GFLOP/s on 1 thread, {:.1f} on {}; memory: copy {:.1f} GB/s, triad "
                  "{:.1f} GB/s ({:.0f} MiB arrays)",
                  floor.gemm_size, floor.gemm_flops_1 * 1e-9, floor.gemm_flops_all * 1e-9, threads,
                  floor.copy_bandwidth * 1e-9, floor.triad_bandwidth * 1e-9, floor.stream_bytes / (1 << 20)));
  {
    // Inference: 10 million pixels of 200 bands per second, or 2x the memory floor, whichever is
    // stricter.
    Job& j = jobs.back();
    const double rate_target = static_cast<double>(inference_pixels) * static_cast<double>(p) / 2e9;
    const double floor_target = 2 * j.bytes / floor.bandwidth();
    j.target_seconds = std::min(rate_target, floor_target);
    j.target_note = rate_target <= floor_target ? "1e7 px x 200 bands / s" : "2x memory floor";
  }

  // ---- report ----
  nlohmann::json out_jobs = nlohmann::json::array();
  say(fmt::format("\n{:<10} {:>9} {:>9} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8} {:>8}  {}", "job", "median s", "min s", "cpu s",
                  "GFLOP/s", "GB/s in", "peak MiB", "floor s", "x floor", "target", "met"));
  for (const Job& j : jobs) {
    const double med = Median(j.seconds), mn = *std::min_element(j.seconds.begin(), j.seconds.end());
    const double floor_s = std::max(j.flops / floor.gemm_rate(), j.bytes / floor.bandwidth());
    const bool has_target = j.target_seconds > 0;
    const std::string met = has_target ? (med <= j.target_seconds ? "yes" : "no") : "-";
    say(fmt::format("{:<10} {:>9.4f} {:>9.4f} {:>8.3f} {:>8.2f} {:>8.2f} {:>9.1f} {:>9.4f} {:>8.1f} {:>8}  {}", j.name, med, mn,
                    Median(j.cpu_seconds),
                    j.flops / med * 1e-9, j.bytes / med * 1e-9, j.peak_kib / 1024.0, floor_s, med / floor_s,
                    has_target ? fmt::format("{:.4f}", j.target_seconds) : "-", met));
    nlohmann::json jj = {{"name", j.name},
                         {"what", j.what},
                         {"seconds", j.seconds},
                         {"median_seconds", med},
                         {"min_seconds", mn},
                         {"cpu_seconds", j.cpu_seconds},
                         {"median_cpu_seconds", Median(j.cpu_seconds)},
                         {"flops", j.flops},
                         {"gflops_per_second", j.flops / med * 1e-9},
                         {"input_bytes", j.bytes},
                         {"input_gb_per_second", j.bytes / med * 1e-9},
                         {"peak_rss_mib", j.peak_kib / 1024.0},
                         {"floor_seconds", floor_s},
                         {"floor_bound", j.flops / floor.gemm_rate() >= j.bytes / floor.bandwidth() ? "compute" : "memory"},
                         {"multiple_of_floor", med / floor_s},
                         {"target_seconds", has_target ? nlohmann::json(j.target_seconds) : nlohmann::json(nullptr)},
                         {"target_met", has_target ? nlohmann::json(med <= j.target_seconds) : nlohmann::json(nullptr)}};
    if (!j.target_note.empty()) jj["target_note"] = j.target_note;
    jj.update(j.extra);
    out_jobs.push_back(jj);
  }
  say(fmt::format("(median of {} repeats; cpu s: median CPU time, all threads; training runs on one thread, "
                  "inference on {}; floor = max(FLOPs / {:.1f} GFLOP/s, bytes / {:.1f} GB/s))",
                  a.repeats, threads, floor.gemm_rate() * 1e-9, floor.bandwidth() * 1e-9));
  if (a.json) {
    const nlohmann::json j = {
        {"machine", {{"cpu", CpuModel()}, {"threads", threads}}},
        {"probe",
         {{"gemm_size", floor.gemm_size},
          {"gemm_gflops_1_thread", floor.gemm_flops_1 * 1e-9},
          {"gemm_gflops_all_threads", floor.gemm_flops_all * 1e-9},
          {"stream_array_mib", floor.stream_bytes / (1 << 20)},
          {"copy_gb_per_second", floor.copy_bandwidth * 1e-9},
          {"triad_gb_per_second", floor.triad_bandwidth * 1e-9}}},
        {"scene", {{"source", scene.source}, {"bands", p}, {"pixels", n}, {"endmembers", r}}},
        {"repeats", a.repeats},
        {"quick", quick},
        {"jobs", out_jobs}};
    fmt::print("{}\n", j.dump(2));
  }
}

}  // namespace

void RegisterBench(CLI::App& app) {
  auto a = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Time the end-to-end speed jobs against this machine's floor (docs/speed.md)");
  cmd->add_option("-i,--input", a->scene.input,
                  "Scene (default: Jasper Ridge from $UNMIX_SHARED_DATA or ../shared/data, else a synthetic scene)");
  cmd->add_option("--gt", a->scene.gt, "Ground truth with abundances for --input");
  cmd->add_option("--repeats", a->repeats, "Repeats per job; the median is reported")->capture_default_str();
  cmd->add_flag("--quick", a->quick, "Tiny sizes (3 epochs, 5 NMF-SAE iterations, 20,000 inference pixels): a smoke run");
  cmd->add_option("--inference-pixels", a->inference_pixels, "Pixels of the inference job's scene")
      ->capture_default_str()
      ->check(PositiveNumberCheck());
  cmd->add_option("--threads", a->threads, "Threads (default: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_option("--seed", a->seed, "Random seed")->capture_default_str();
  cmd->add_flag("--json", a->json, "Print JSON on stdout instead of the table");
  cmd->callback([a] { RunBench(*a); });
}

}  // namespace unmix::cli
