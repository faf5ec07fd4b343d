// The end-to-end speed jobs of `unmix bench` (docs/speed.md): the network methods through
// RunMethod, their trained encoder over a large scene through ApplyModel, and the floor probe.
#include "unmix/run/bench.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <Eigen/Core>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "run/stats.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"
#include "unmix/core/stopwatch.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/io/read.hpp"
#include "unmix/nets/flop_counts.hpp"
#include "unmix/report/checksum.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix {
namespace {

namespace fl = nets::flops;
using internal::Median;

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

// ---- the floor probe ----------------------------------------------------------------------

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

// ---- jobs ----------------------------------------------------------------------------------

// Runs `run` `repeats` times; `run(rep)` returns the seconds of what the job times. Records
// those, the CPU time of each call and the peak memory after the last.
template <typename Run>
void Repeat(BenchJob& j, int repeats, Run run) {
  for (int rep = 0; rep < repeats; ++rep) {
    const double cpu0 = CpuSeconds();
    j.seconds.push_back(run(rep));
    j.cpu_seconds.push_back(CpuSeconds() - cpu0);
  }
  j.peak_kib = StatusKiB("VmHWM");
}

// A network method timed by its RunResult::timings["train"]; returns the last run's result.
RunResult TimeTraining(BenchJob& j, const SceneAndTruth& s, const RunOptions& o, int repeats) {
  RunResult last;
  Repeat(j, repeats, [&](int) {
    const Stopwatch w;
    last = RunMethod(s.scene, o, &s.truth);
    j.run_seconds.push_back(w.seconds());
    return last.timings.at("train");
  });
  j.extra["final_loss"] = last.training->final_loss;
  j.extra["median_run_seconds"] = Median(j.run_seconds);
  return last;
}

// FLOPs of train::Train over n samples: the initial loss pass (EvaluateLoss runs Batch, so
// backward too) plus `epochs` epochs, each batch also paying an Adam step.
template <typename PerBatch>
double TrainingFlops(Index n, Index batch, int epochs, double params, PerBatch per_batch) {
  double epoch = 0, steps = 0;
  for (Index s = 0; s < n; s += batch) {
    epoch += per_batch(static_cast<double>(std::min(batch, n - s)));
    steps += 1;
  }
  return epoch * (epochs + 1) + steps * epochs * fl::AdamStep(params);
}

// The shape of a trained ADMM encoder, from its model's hyperparameters.
struct AdmmShape {
  double updates = 0, sets = 0;
  bool sum_to_one = false;
};
AdmmShape AdmmShapeOf(const nets::Model& m) {
  const auto h = nlohmann::json::parse(m.hyperparameters.ToJson());
  AdmmShape s;
  s.updates = h.at("updates").get<double>();
  s.sets = h.at("tied").get<bool>() ? 1.0 : s.updates;
  s.sum_to_one = h.value("sum_to_one", false);
  return s;
}

// FLOPs of an ADMM network's training run (BUNet with its decoder, AENet with its loss).
double AdmmTrainingFlops(const RunResult& res, Index p, Index r, Index batch, bool blind) {
  const AdmmShape e = AdmmShapeOf(*res.model);
  const double dp = static_cast<double>(p), dr = static_cast<double>(r);
  const double params = fl::AdmmParameters(dp, dr, e.sets, e.sum_to_one) + (blind ? dp * dr : 0.0);
  const Index n = static_cast<Index>(res.train_pixels.size());
  return TrainingFlops(n, batch, res.training->epochs_run, params, [&](double b) {
    return fl::AdmmForward(dp, dr, e.updates, e.sets, b) + fl::AdmmBackward(dp, dr, e.updates, e.sets, b) +
           (blind ? fl::DecoderForwardBackward(dp, dr, b) : fl::SupervisedLoss(dr, b));
  });
}

BenchJob NewJob(std::string name, std::string what) {
  BenchJob j;
  j.name = std::move(name);
  j.what = std::move(what);
  return j;
}

// `m` pixels: the columns of `y` repeated in order.
MatrixF RepeatPixels(const MatrixF& y, Index m) {
  MatrixF out(y.rows(), m);
#pragma omp parallel for schedule(static)
  for (Index k = 0; k < m; ++k) out.col(k) = y.col(k % y.cols());
  return out;
}

bool Wanted(const BenchOptions& o, const std::string& job) {
  return o.jobs.empty() || std::find(o.jobs.begin(), o.jobs.end(), job) != o.jobs.end();
}

}  // namespace

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
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

void BenchOptions::MakeQuick() {
  quick = true;
  epochs = 3;
  nmf_iterations = 5;
  inference_pixels = std::min<Index>(inference_pixels, 20000);
}

const std::vector<std::string>& BenchJobNames() {
  static const std::vector<std::string> names = {
      "bunet2", "aenet2", "nmf-sae", "inference", "read-envi-bsq", "read-envi-bil", "read-gtiff", "read-mat", "sha256"};
  return names;
}

double BenchJob::median_seconds() const { return Median(seconds); }
double BenchJob::min_seconds() const { return *std::min_element(seconds.begin(), seconds.end()); }
double BenchJob::median_cpu_seconds() const { return Median(cpu_seconds); }

double BenchReport::floor_seconds(const BenchJob& j) const {
  return std::max(j.flops / floor.gemm_rate(), j.bytes / floor.bandwidth());
}

nlohmann::json BenchReport::ToJson() const {
  nlohmann::json out_jobs = nlohmann::json::array();
  for (const BenchJob& j : jobs) {
    const double med = j.median_seconds(), floor_s = floor_seconds(j);
    const bool has_target = j.target_seconds > 0;
    nlohmann::json jj = {
        {"name", j.name},
        {"what", j.what},
        {"seconds", j.seconds},
        {"median_seconds", med},
        {"min_seconds", j.min_seconds()},
        {"cpu_seconds", j.cpu_seconds},
        {"median_cpu_seconds", j.median_cpu_seconds()},
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
  return {{"machine", {{"cpu", cpu}, {"threads", threads}}},
          {"probe",
           {{"gemm_size", floor.gemm_size},
            {"gemm_gflops_1_thread", floor.gemm_flops_1 * 1e-9},
            {"gemm_gflops_all_threads", floor.gemm_flops_all * 1e-9},
            {"stream_array_mib", floor.stream_bytes / (1 << 20)},
            {"copy_gb_per_second", floor.copy_bandwidth * 1e-9},
            {"triad_gb_per_second", floor.triad_bandwidth * 1e-9}}},
          {"scene", {{"source", scene_source}, {"bands", bands}, {"pixels", pixels}, {"endmembers", endmembers}}},
          {"repeats", repeats},
          {"quick", quick},
          {"jobs", out_jobs}};
}

SceneAndTruth BenchSyntheticScene(std::uint64_t seed) {
  SyntheticOptions o;
  o.patch = 10;
  o.endmembers = 4;
  o.spectra.bands = 198;
  o.snr_db = 30;
  o.seed = seed;
  SceneAndTruth s = SyntheticSceneAndTruth(o);
  s.description = "synthetic (100 x 100 pixels, 198 bands, 4 endmembers, 30 dB; Jasper Ridge not found)";
  return s;
}

BenchReport RunBench(const SceneAndTruth& s, const BenchOptions& a) {
  if (a.repeats < 1) throw OptionError("--repeats must be >= 1");
  for (const auto& name : a.jobs)
    if (std::find(BenchJobNames().begin(), BenchJobNames().end(), name) == BenchJobNames().end())
      throw OptionError(fmt::format("unknown bench job '{}'", name));
  if (!s.truth.abundances) throw InputError(s.description, "ground truth", "the bench needs abundances (aenet2)");
  if (a.threads > 0) omp_set_num_threads(a.threads);
  BenchReport report;
  report.cpu = CpuModel();
  report.threads = omp_get_max_threads();
  report.scene_source = s.description;
  report.repeats = a.repeats;
  report.quick = a.quick;
  const Index p = s.scene.bands(), n = s.scene.valid_count(), r = s.truth.abundances->count();
  report.bands = p;
  report.pixels = n;
  report.endmembers = r;
  const double pixel_bytes = static_cast<double>(p) * sizeof(float);
  auto start = [&](const std::string& job) {
    if (a.on_start) a.on_start(job);
  };
  auto options = [&](const char* method, int epochs, Index train_pixels) {
    RunOptions o;
    o.method = method;
    o.preset = Preset::kAuthors;  // the papers' networks: VCA start, linear decoder, no guard
    o.endmembers = r;
    o.seed = a.seed;
    o.threads = a.threads;
    o.epochs = epochs;
    o.batch = 64;
    o.train_pixels = train_pixels;
    return o;
  };
  const int epochs = a.epochs;
  std::optional<nets::Model> trained;  // bunet2's, for the inference job

  // 1. U-ADMM-BUNet-II on every pixel.
  if (Wanted(a, "bunet2")) {
    start("bunet2");
    BenchJob j = NewJob("bunet2", fmt::format("U-ADMM-BUNet-II, {} px, batch 64, {} epochs", n, epochs));
    const RunResult res = TimeTraining(j, s, options("bunet2", epochs, 0), a.repeats);
    trained = res.model;
    j.flops = AdmmTrainingFlops(res, p, r, 64, /*blind=*/true);
    j.bytes = (res.training->epochs_run + 1) * static_cast<double>(res.train_pixels.size()) * pixel_bytes;
    if (!a.quick && n == 10000) j.target_seconds = 0.8;
    report.jobs.push_back(std::move(j));
  }
  // 2. U-ADMM-AENet-II on labelled pixels (the rest are its test pixels).
  if (Wanted(a, "aenet2")) {
    start("aenet2");
    const Index n_sub = std::min<Index>(a.train_pixels, n - 1);
    BenchJob j = NewJob("aenet2", fmt::format("U-ADMM-AENet-II, {} px, batch 64, {} epochs", n_sub, epochs));
    const RunResult res = TimeTraining(j, s, options("aenet2", epochs, n_sub), a.repeats);
    j.flops = AdmmTrainingFlops(res, p, r, 64, /*blind=*/false);
    j.bytes = (res.training->epochs_run + 1) * static_cast<double>(n_sub) * pixel_bytes;
    if (!a.quick && n_sub == 1000) j.target_seconds = 0.1;
    report.jobs.push_back(std::move(j));
  }
  // 3. NMF-SAE, full-batch iterations on a pixel subset.
  if (Wanted(a, "nmf-sae")) {
    start("nmf-sae");
    const Index n_sub = std::min<Index>(a.train_pixels, n);
    const int iterations = a.nmf_iterations;
    BenchJob j = NewJob("nmf-sae", fmt::format("NMF-SAE, {} px, {} full-batch iterations", n_sub, iterations));
    const RunResult res = TimeTraining(j, s, options("nmf-sae", iterations, n_sub), a.repeats);
    const double layers = res.model->hyperparameters.Number("layers").value();
    const double dp = static_cast<double>(p), dr = static_cast<double>(r), dn = static_cast<double>(n_sub);
    const int run = res.training->epochs_run;
    j.flops = (run + 1) * fl::NmfSaeStep(dp, dr, dn, layers) + run * fl::AdamStep(fl::NmfSaeParameters(dp, dr, dn));
    j.bytes = (run + 1) * dn * pixel_bytes;
    if (!a.quick && n_sub == 1000) j.target_seconds = 0.5;
    report.jobs.push_back(std::move(j));
  }
  // 4. Inference with the trained BUNet-II encoder over a scene of `inference_pixels` pixels
  // (the scene's pixels repeated), all threads.
  if (Wanted(a, "inference")) {
    start("inference");
    if (!trained) trained = RunMethod(s.scene, options("bunet2", epochs, 0), &s.truth).model;
    const Index m = a.inference_pixels;
    BenchJob j =
        NewJob("inference", fmt::format("BUNet-II encoder over {} px x {} bands, {} threads", m, p, report.threads));
    const MatrixF big = RepeatPixels(s.scene.valid_data(), m);
    const long rss_before = StatusKiB("VmRSS");
    Repeat(j, a.repeats, [&](int rep) {
      const Stopwatch w;
      const MatrixF x = ApplyModel(*trained, big);
      const double seconds = w.seconds();
      if (rep == 0) j.extra["output_mib"] = static_cast<double>(x.size()) * sizeof(float) / (1 << 20);
      return seconds;
    });
    const AdmmShape e = AdmmShapeOf(*trained);
    const double dm = static_cast<double>(m);
    j.flops = fl::AdmmForward(static_cast<double>(p), static_cast<double>(r), e.updates, e.sets, dm);
    j.bytes = dm * pixel_bytes + dm * static_cast<double>(r) * sizeof(float);  // read the scene, write abundances
    j.extra["scene_mib"] = dm * pixel_bytes / (1 << 20);
    j.extra["peak_beyond_scene_mib"] = static_cast<double>(std::max(0L, j.peak_kib - rss_before)) / 1024.0;
    j.extra["pixels_per_second"] = dm / j.median_seconds();
    report.jobs.push_back(std::move(j));
  }

  // 5. Reading the scene of the inference job (`inference_pixels` pixels, 1000 columns) from each
  // file format, from the page cache (each file is written, then read once untimed), and the
  // SHA-256 of one file. The files go to a scratch folder under the system's temporary folder.
  const std::vector<std::pair<std::string, std::string>> reads = {{"read-envi-bsq", "scene_bsq.img"},
                                                                  {"read-envi-bil", "scene_bil.img"},
                                                                  {"read-gtiff", "scene.tif"},
                                                                  {"read-mat", "scene.mat"},
                                                                  {"sha256", "scene_bsq.img"}};
  if (std::any_of(reads.begin(), reads.end(), [&](const auto& r) { return Wanted(a, r.first); })) {
    const Index m = a.inference_pixels;
    const Index cols = std::min<Index>(1000, m), rows = m / cols;
    Scene big;
    big.rows = rows;
    big.cols = cols;
    big.data = RepeatPixels(s.scene.valid_data(), rows * cols);
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / fmt::format("unmix-bench-{}-{}", static_cast<long>(getpid()), a.seed);
    std::filesystem::create_directories(dir);
    struct Cleanup {
      std::filesystem::path dir;
      ~Cleanup() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
      }
    } cleanup{dir};
    io::RasterLayout layout;
    layout.rows = rows;
    layout.cols = cols;
    const double scene_bytes = static_cast<double>(big.data.size()) * sizeof(float);
    for (const auto& [name, file] : reads) {
      if (!Wanted(a, name)) continue;
      start(name);
      const std::filesystem::path path = dir / file;
      if (!std::filesystem::exists(path)) {
        if (name == "read-mat") {
          io::MatWriteOptions mo;
          mo.compress = false;
          io::WriteMatScene(path, big, mo);
        } else {
          io::RasterWriteOptions wo;
          wo.compress = false;
          wo.interleave = name == "read-envi-bil" ? io::Interleave::kBil
                          : name == "read-gtiff"  ? io::Interleave::kBip
                                                  : io::Interleave::kBsq;
          io::WriteRaster(path, big.data, layout, wo);
        }
      }
      const double file_bytes = static_cast<double>(std::filesystem::file_size(path));
      const bool hash = name == "sha256";
      BenchJob j = NewJob(name, hash ? fmt::format("SHA-256 of a {:.0f} MB file (ENVI BSQ)", file_bytes / 1e6)
                                     : fmt::format("read {} px x {} bands from {} ({:.0f} MB)", rows * cols, p,
                                                   path.filename().string(), file_bytes / 1e6));
      auto once = [&] {
        if (hash) {
          const std::string digest = report::Sha256OfFile(path);
          if (digest.size() != 64) throw std::logic_error("sha256: unexpected digest length");
        } else {
          const Scene read = io::ReadScene(path);
          if (read.data.rows() != p || read.data.cols() != rows * cols)
            throw std::logic_error(fmt::format("{}: read {} x {}, wrote {} x {}", path.string(), read.data.rows(),
                                               read.data.cols(), p, rows * cols));
        }
      };
      once();  // into the page cache
      Repeat(j, a.repeats, [&](int) {
        const Stopwatch w;
        once();
        return w.seconds();
      });
      j.bytes = hash ? file_bytes : file_bytes + scene_bytes;  // read the file (and write the scene)
      j.extra["file_mb"] = file_bytes / 1e6;
      j.extra["file_gb_per_second"] = file_bytes / j.median_seconds() * 1e-9;
      if (!a.quick) {
        j.target_seconds = file_bytes / 1e9;
        j.target_note = "1 GB/s of file";
      }
      report.jobs.push_back(std::move(j));
    }
  }

  // The probe runs after the jobs, so its arrays do not enter their peak memory.
  start("floor");
  report.floor = MeasureFloor(a.quick, report.threads);
  const auto inference =
      std::find_if(report.jobs.begin(), report.jobs.end(), [](const BenchJob& j) { return j.name == "inference"; });
  if (inference != report.jobs.end()) {
    // Inference: 10 million pixels of 200 bands per second, or 2x the memory floor, whichever is
    // stricter.
    BenchJob& j = *inference;
    const double rate_target = static_cast<double>(a.inference_pixels) * static_cast<double>(p) / 2e9;
    const double floor_target = 2 * j.bytes / report.floor.bandwidth();
    j.target_seconds = std::min(rate_target, floor_target);
    j.target_note = rate_target <= floor_target ? "1e7 px x 200 bands / s" : "2x memory floor";
  }
  return report;
}

}  // namespace unmix
