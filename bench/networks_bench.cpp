// Benchmarks of the networks' kernels: forward and backward of each encoder per batch size, a
// whole training step (forward, loss, backward, Adam) of each objective, NMF-SAE's full-batch
// step and inference over a scene. Run (one line):
//   build/release/unmix_bench --benchmark_filter=Net --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
// Counters: GFLOP/s from the analytic counts of unmix/nets/flop_counts.hpp, GB/s of input
// pixels read (p floats per pixel per pass). Training kernels run on one thread, as in
// train::Train; inference uses OMP_NUM_THREADS threads.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <map>
#include <numeric>
#include <vector>

#include "../tests/endmember/classical_synthetic.hpp"
#include "unmix/nets/admm_nets.hpp"
#include "unmix/nets/flop_counts.hpp"
#include "unmix/nets/mnn.hpp"
#include "unmix/nets/nmf_sae.hpp"
#include "unmix/train/adam.hpp"

namespace {

using unmix::Index;
using unmix::MatrixD;
using unmix::MatrixF;
namespace nets = unmix::nets;
namespace flops = unmix::nets::flops;

using unmix::testing::kJasperBands;
constexpr Index kR = 4;

struct Pixels {
  MatrixD endmembers;
  MatrixF pixels, abundances;
};

const Pixels& Data(Index n) {
  static std::map<Index, Pixels> cache;
  auto it = cache.find(n);
  if (it == cache.end()) {
    const auto s = unmix::testing::MakeScene(kJasperBands, kR, n, 30.0, 2024);
    it = cache.emplace(n, Pixels{s.endmembers, s.pixels.cast<float>(), s.abundances.cast<float>()}).first;
  }
  return it->second;
}

void Counters(benchmark::State& state, double flop_per_iteration, double pixels_per_iteration) {
  const double it = static_cast<double>(state.iterations());
  state.counters["GFLOP/s"] = benchmark::Counter(flop_per_iteration * it * 1e-9, benchmark::Counter::kIsRate);
  state.counters["GB/s"] =
      benchmark::Counter(pixels_per_iteration * kJasperBands * sizeof(float) * it * 1e-9, benchmark::Counter::kIsRate);
  state.counters["px/s"] = benchmark::Counter(pixels_per_iteration * it, benchmark::Counter::kIsRate);
}

// U-ADMM, authors' preset, untied, 2 layers (3 updates): the BUNet-II / AENet-II encoder.
nets::AdmmEncoder<float> AdmmEncoder() {
  nets::AdmmNetOptions o;
  o.layers = 2;
  return nets::MakeAdmmEncoder<float>(o, Data(64).endmembers);
}

nets::MnnEncoder<float> MnnEncoder() {
  nets::MnnNetOptions o;
  o.layers = 2;
  return nets::MakeMnnEncoder<float>(o, Data(64).endmembers);
}

class PinnedEigen {  // one Eigen thread, as inside train::Train
 public:
  PinnedEigen() : saved_(Eigen::nbThreads()) { Eigen::setNbThreads(1); }
  ~PinnedEigen() { Eigen::setNbThreads(saved_); }

 private:
  int saved_;
};

void BM_NetAdmmForward(benchmark::State& state) {
  const PinnedEigen pinned;
  const Index b = state.range(0);
  auto enc = AdmmEncoder();
  const MatrixF y = Data(b).pixels;
  nets::AdmmEncoder<float>::Workspace ws;
  for (auto _ : state) benchmark::DoNotOptimize(enc.Forward(y, ws).data());
  Counters(state, flops::AdmmForward(kJasperBands, kR, enc.updates(), enc.sets(), b), b);
}
BENCHMARK(BM_NetAdmmForward)->ArgName("batch")->Arg(16)->Arg(64)->Arg(256)->Arg(1024);

void BM_NetAdmmBackward(benchmark::State& state) {
  const PinnedEigen pinned;
  const Index b = state.range(0);
  auto enc = AdmmEncoder();
  const MatrixF y = Data(b).pixels;
  nets::AdmmEncoder<float>::Workspace ws;
  enc.Forward(y, ws);
  const MatrixF dout = MatrixF::Ones(kR, b) * 1e-3f;
  for (auto _ : state) {
    enc.Backward(y, ws, dout);
    benchmark::DoNotOptimize(enc.grads().wt.data());
  }
  Counters(state, flops::AdmmBackward(kJasperBands, kR, enc.updates(), enc.sets(), b), b);
}
BENCHMARK(BM_NetAdmmBackward)->ArgName("batch")->Arg(16)->Arg(64)->Arg(256)->Arg(1024);

void BM_NetMnnForward(benchmark::State& state) {
  const PinnedEigen pinned;
  const Index b = state.range(0);
  auto enc = MnnEncoder();
  const MatrixF y = Data(b).pixels;
  nets::MnnEncoder<float>::Workspace ws;
  for (auto _ : state) benchmark::DoNotOptimize(enc.Forward(y, ws).data());
  Counters(state, flops::MnnForward(kJasperBands, kR, enc.layers(), enc.sets(), b), b);
}
BENCHMARK(BM_NetMnnForward)->ArgName("batch")->Arg(16)->Arg(64)->Arg(256)->Arg(1024);

void BM_NetMnnBackward(benchmark::State& state) {
  const PinnedEigen pinned;
  const Index b = state.range(0);
  auto enc = MnnEncoder();
  const MatrixF y = Data(b).pixels;
  nets::MnnEncoder<float>::Workspace ws;
  enc.Forward(y, ws);
  const MatrixF dout = MatrixF::Ones(kR, b) * 1e-3f;
  for (auto _ : state) {
    enc.Backward(y, ws, dout);
    benchmark::DoNotOptimize(enc.grads().w.data());
  }
  Counters(state, flops::MnnBackward(kJasperBands, kR, enc.layers(), enc.sets(), b), b);
}
BENCHMARK(BM_NetMnnBackward)->ArgName("batch")->Arg(16)->Arg(64)->Arg(256)->Arg(1024);

// One optimiser step of an objective on a fixed batch: zero gradients, Batch(), Adam, Project().
template <typename Net>
void TrainingStep(benchmark::State& state, Net& net, Index n, double flop_per_step) {
  const PinnedEigen pinned;
  const Index b = state.range(0);
  auto params = net.Parameters();
  unmix::train::AdamOptions ao;
  ao.group_learning_rates = {1e-4, 1e-4};
  unmix::train::Adam<float> adam(params, ao);
  std::vector<Index> batch(static_cast<size_t>(b));
  std::iota(batch.begin(), batch.end(), Index{0});
  (void)n;
  for (auto _ : state) {
    unmix::train::ZeroGradients(params);
    benchmark::DoNotOptimize(net.Batch(batch));
    adam.Step();
    net.Project();
  }
  Counters(state, flop_per_step + flops::AdamStep(static_cast<double>(unmix::train::CountParameters(params))), b);
}

void BM_NetBUNet2Step(benchmark::State& state) {
  const Index b = state.range(0);
  const auto& d = Data(b);
  auto enc = AdmmEncoder();
  const double f = flops::AdmmForward(kJasperBands, kR, enc.updates(), enc.sets(), b) +
                   flops::AdmmBackward(kJasperBands, kR, enc.updates(), enc.sets(), b) +
                   flops::DecoderForwardBackward(kJasperBands, kR, b);
  nets::AdmmBUNet<float> net(std::move(enc), d.endmembers.cast<float>(), d.pixels, 1e-6, 1.0);
  TrainingStep(state, net, b, f);
}
BENCHMARK(BM_NetBUNet2Step)->ArgName("batch")->Arg(16)->Arg(64)->Arg(256);

void BM_NetAENet2Step(benchmark::State& state) {
  const Index b = state.range(0);
  const auto& d = Data(b);
  auto enc = AdmmEncoder();
  const double f = flops::AdmmForward(kJasperBands, kR, enc.updates(), enc.sets(), b) +
                   flops::AdmmBackward(kJasperBands, kR, enc.updates(), enc.sets(), b) + flops::SupervisedLoss(kR, b);
  nets::AdmmAENet<float> net(std::move(enc), d.pixels, d.abundances);
  TrainingStep(state, net, b, f);
}
BENCHMARK(BM_NetAENet2Step)->ArgName("batch")->Arg(16)->Arg(64)->Arg(256);

void BM_NetMnnBU2Step(benchmark::State& state) {
  const Index b = state.range(0);
  const auto& d = Data(b);
  auto enc = MnnEncoder();
  const double f = flops::MnnForward(kJasperBands, kR, enc.layers(), enc.sets(), b) +
                   flops::MnnBackward(kJasperBands, kR, enc.layers(), enc.sets(), b) +
                   flops::DecoderForwardBackward(kJasperBands, kR, b);
  nets::MnnBUNet<float> net(std::move(enc), d.endmembers.cast<float>(), d.pixels);
  TrainingStep(state, net, b, f);
}
BENCHMARK(BM_NetMnnBU2Step)->ArgName("batch")->Arg(16)->Arg(64)->Arg(256);

// NMF-SAE: one full-batch step (forward and backward) on N pixels, 2 layers.
void BM_NetNmfSaeStep(benchmark::State& state) {
  const PinnedEigen pinned;
  const Index n = state.range(0);
  const auto& d = Data(n);
  const MatrixF s0 = d.abundances;
  nets::NmfSae<float> net(d.endmembers.cast<float>(), s0, d.pixels);
  auto params = net.Parameters();
  unmix::train::AdamOptions ao;
  ao.group_learning_rates = {1e-4, 5e-4};
  unmix::train::Adam<float> adam(params, ao);
  const std::vector<Index> batch{0};
  for (auto _ : state) {
    unmix::train::ZeroGradients(params);
    benchmark::DoNotOptimize(net.Batch(batch));
    adam.Step();
  }
  Counters(state,
           flops::NmfSaeStep(kJasperBands, kR, static_cast<double>(n), 2) +
               flops::AdamStep(static_cast<double>(unmix::train::CountParameters(params))),
           static_cast<double>(n));
}
BENCHMARK(BM_NetNmfSaeStep)->ArgName("N")->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// Inference: the trained-shape ADMM encoder over a scene of N pixels (all threads).
void BM_NetAdmmInference(benchmark::State& state) {
  const Index n = state.range(0);
  const auto& d = Data(n);
  auto enc = AdmmEncoder();
  for (auto _ : state) benchmark::DoNotOptimize(nets::ApplyEncoder(enc, d.pixels).data());
  Counters(state, flops::AdmmForward(kJasperBands, kR, enc.updates(), enc.sets(), static_cast<double>(n)),
           static_cast<double>(n));
}
BENCHMARK(BM_NetAdmmInference)->ArgName("N")->Arg(10000)->Arg(200000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
