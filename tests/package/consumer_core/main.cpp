// Includes every core header, unmixes a noise-free synthetic scene with its true endmembers by
// FCLS, and checks that the abundances come back.
#include <cstdio>

#include "all_core_headers.hpp"

int main() {
  auto options = unmix::SyntheticOptions::UAdmmNets();
  options.patch = 4;
  options.endmembers = 3;
  const auto s = unmix::MakeSyntheticScene(options);
  const auto fit = unmix::Fcls<float>(s.endmembers.spectra, s.scene.data);
  const unmix::MatrixD ref = s.abundances.values.cast<double>();
  const unmix::MatrixD est = fit.abundances.cast<double>();
  unmix::EvaluationInput in;
  in.ref_abundances = &ref;
  in.est_abundances = &est;
  const auto ev = unmix::Evaluate(in);
  const double rmse = ev.abundances ? ev.abundances->rmse : 1.0;
  std::printf("core consumer: unmix %s, %ld pixels, FCLS abundance RMSE %.2g\n", unmix::kVersion,
              static_cast<long>(s.scene.pixels()), rmse);
  return s.scene.pixels() == 256 && rmse < 1e-3 ? 0 : 1;
}
