// Benchmarks of the classical unmixing chain on synthetic scenes (float data, as loaded from
// files). Run (one line):
//   build/release/unmix_bench --benchmark_filter=Classical --benchmark_repetitions=7
//       --benchmark_report_aggregates_only=true
// Times are wall-clock (multi-threaded code); threads = OMP_NUM_THREADS unless the name says.
#include <benchmark/benchmark.h>

#include <map>
#include <tuple>

#include "../tests/endmember/classical_synthetic.hpp"
#include "unmix/abundance/fcls.hpp"
#include "unmix/abundance/nnls.hpp"
#include "unmix/abundance/sunsal.hpp"
#include "unmix/blind/l1_nmf.hpp"
#include "unmix/endmember/hysime.hpp"
#include "unmix/endmember/nfindr.hpp"
#include "unmix/endmember/vca.hpp"

namespace {

using unmix::Index;
using unmix::MatrixF;

using unmix::testing::kJasperBands;

struct BenchScene {
  MatrixF endmembers, pixels;
};

// Scenes are built once per size: 30 dB, Dirichlet(1) abundances with pure pixels.
const BenchScene& Scene(Index n, Index r) {
  static std::map<std::pair<Index, Index>, BenchScene> cache;
  auto it = cache.find({n, r});
  if (it == cache.end()) {
    const auto s = unmix::testing::MakeScene(kJasperBands, r, n, 30.0, 2024);
    it = cache.emplace(std::make_pair(n, r), BenchScene{s.endmembers.cast<float>(), s.pixels.cast<float>()}).first;
  }
  return it->second;
}

void SetPixels(benchmark::State& state, Index n) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * n);
}

void BM_ClassicalFcls(benchmark::State& state) {
  const Index n = state.range(0), r = state.range(1);
  const auto& s = Scene(n, r);
  unmix::fcls::Options o;
  o.num_threads = static_cast<int>(state.range(2));
  for (auto _ : state) benchmark::DoNotOptimize(unmix::Fcls(s.endmembers, s.pixels, o));
  SetPixels(state, n);
}
BENCHMARK(BM_ClassicalFcls)
    ->ArgNames({"N", "r", "threads"})
    ->Args({10000, 4, 0})
    ->Args({10000, 4, 1})
    ->Args({1000, 4, 0})
    ->Args({100000, 4, 0})
    ->Args({10000, 2, 0})
    ->Args({10000, 8, 0})
    ->Args({10000, 16, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ClassicalNnls(benchmark::State& state) {
  const Index n = state.range(0), r = state.range(1);
  const auto& s = Scene(n, r);
  for (auto _ : state) benchmark::DoNotOptimize(unmix::Nnls(s.endmembers, s.pixels));
  SetPixels(state, n);
}
BENCHMARK(BM_ClassicalNnls)->ArgNames({"N", "r"})->Args({10000, 4})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ClassicalSunsal(benchmark::State& state) {
  const Index n = state.range(0), r = state.range(1);
  const auto& s = Scene(n, r);
  unmix::sunsal::Options o;  // defaults: lambda 1e-3, tolerance 1e-4
  int iterations = 0;
  for (auto _ : state) {
    auto result = unmix::Sunsal(s.endmembers, s.pixels, o);
    iterations = result.summary.iterations;
    benchmark::DoNotOptimize(result);
  }
  state.counters["admm_iters"] = iterations;
  SetPixels(state, n);
}
BENCHMARK(BM_ClassicalSunsal)
    ->ArgNames({"N", "r"})
    ->Args({10000, 4})
    ->Args({100000, 4})
    ->Args({10000, 8})
    ->Args({10000, 16})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ClassicalVca(benchmark::State& state) {
  const Index n = state.range(0), r = state.range(1);
  const auto& s = Scene(n, r);
  for (auto _ : state) benchmark::DoNotOptimize(unmix::Vca(s.pixels, r));
  SetPixels(state, n);
}
BENCHMARK(BM_ClassicalVca)
    ->ArgNames({"N", "r"})
    ->Args({10000, 4})
    ->Args({100000, 4})
    ->Args({10000, 16})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ClassicalNFindr(benchmark::State& state) {
  const Index n = state.range(0), r = state.range(1);
  const auto& s = Scene(n, r);
  for (auto _ : state) benchmark::DoNotOptimize(unmix::NFindr(s.pixels, r));
  SetPixels(state, n);
}
BENCHMARK(BM_ClassicalNFindr)
    ->ArgNames({"N", "r"})
    ->Args({10000, 4})
    ->Args({100000, 4})
    ->Args({10000, 16})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ClassicalHySime(benchmark::State& state) {
  const Index n = state.range(0);
  const auto& s = Scene(n, 4);
  for (auto _ : state) benchmark::DoNotOptimize(unmix::EstimateEndmemberCount(s.pixels));
  SetPixels(state, n);
}
BENCHMARK(BM_ClassicalHySime)->ArgNames({"N"})->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// 100 L1-NMF iterations (tolerance 0), including the VCA + FCLS start.
void BM_ClassicalL1Nmf100(benchmark::State& state) {
  const Index n = state.range(0), r = state.range(1);
  const auto& s = Scene(n, r);
  unmix::l1nmf::Options o;
  o.max_iterations = 100;
  o.tolerance = 0.0;
  for (auto _ : state) benchmark::DoNotOptimize(unmix::L1Nmf(s.pixels, r, o));
  SetPixels(state, n);
}
BENCHMARK(BM_ClassicalL1Nmf100)->ArgNames({"N", "r"})->Args({10000, 4})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
