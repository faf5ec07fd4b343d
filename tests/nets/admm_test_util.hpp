#pragma once
// Points for the ADMM encoder's gradient checks, shared by the network tests.
#include "unmix/core/rng.hpp"
#include "unmix/nets/admm_nets.hpp"

namespace unmix::testing {

// Perturbs every parameter so tied/untied sets differ and the check is not at a special point.
inline void Perturb(nets::AdmmEncoder<double>& enc, Rng& rng, double scale) {
  auto& p = enc.params();
  for (auto* m : {&p.wt, &p.bt, &p.theta, &p.eta, &p.c})
    for (Index k = 0; k < m->size(); ++k) m->data()[k] *= 1.0 + scale * (rng.Uniform() - 0.5);
}

// True when no pre-activation lies within `margin` of the relu kink (finite differences would
// straddle it).
inline bool AwayFromKinks(const nets::AdmmEncoder<double>& enc, const MatrixD& y, double margin) {
  typename nets::AdmmEncoder<double>::Workspace ws;
  enc.Forward(y, ws);
  for (const auto& pre : ws.pre)
    if (pre.cwiseAbs().minCoeff() < margin) return false;
  return true;
}

}  // namespace unmix::testing
