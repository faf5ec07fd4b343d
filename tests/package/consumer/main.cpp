// Builds a small synthetic scene, scores its ground truth against itself, and checks the result.
#include <cstdio>
#include <unmix/metrics/metrics.hpp>
#include <unmix/synth/synthetic.hpp>
#include <unmix/version.hpp>

int main() {
  auto options = unmix::SyntheticOptions::UAdmmNets();
  options.patch = 3;
  options.endmembers = 3;
  const auto s = unmix::MakeSyntheticScene(options);
  const unmix::MatrixD e = s.endmembers.spectra.cast<double>();
  unmix::EvaluationInput in;
  in.ref_endmembers = &e;
  in.est_endmembers = &e;
  const auto ev = unmix::Evaluate(in);
  if (s.scene.pixels() != 81 || ev.sad_deg_mean() > 1e-3) return 1;
  std::printf("consumer linked unmix %s: %ld pixels, SAD %.2g deg\n", unmix::kVersion,
              static_cast<long>(s.scene.pixels()), ev.sad_deg_mean());
  return 0;
}
