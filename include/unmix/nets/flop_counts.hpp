#pragma once
// Floating-point operation counts of the networks' passes, for benchmarks and `unmix bench`.
// Matrix products are counted exactly (2 m n k: one multiply and one add per term); each
// elementwise operation counts one per entry it touches. Transcendental functions (the AAD and
// AID losses) count one each: they are a small share of the work and their true cost depends on
// the math library. The counts are of the algorithm as written, not of any implementation.
#include <cstdint>

namespace unmix::nets::flops {

using Count = double;  // totals of whole training runs exceed 2^53 only far beyond any job here

// AdmmEncoder::Forward over B pixels: p bands, r endmembers, L updates, S parameter sets.
inline Count AdmmForward(Count p, Count r, Count updates, Count sets, Count b) {
  Count f = 2 * sets * r * p * b;                // W^T y, all sets at once
  f += (updates - 1) * (2 * r * r + 2 * r) * b;  // B^T (z + d) and the sum, updates 2..L
  f += updates * 3 * r * b;                      // x - d - theta, relu
  f += (updates - 1) * 3 * r * b;                // d update
  f += 2 * r * b;                                // normalisation
  return f;
}

inline Count AdmmBackward(Count p, Count r, Count updates, Count sets, Count b) {
  Count f = 2 * sets * r * p * b;                // dW = dWy y^T
  f += (updates - 1) * (4 * r * r + 4 * r) * b;  // dB and B dx, updates 2..L
  f += updates * 4 * r * b;                      // relu mask, theta, dWy
  f += (updates - 1) * 6 * r * b;                // eta and d terms
  f += 4 * r * b;                                // normalisation
  return f;
}

// MnnEncoder: L layers, S sets.
inline Count MnnForward(Count p, Count r, Count layers, Count sets, Count b) {
  return 2 * sets * r * p * b + (layers - 1) * 2 * r * r * b + layers * 2 * r * b + 2 * r * b;
}
inline Count MnnBackward(Count p, Count r, Count layers, Count sets, Count b) {
  return 2 * sets * r * p * b + (layers - 1) * 4 * r * r * b + layers * 3 * r * b + 4 * r * b;
}

// Linear decoder of the autoencoders (p x r) per batch: forward A x, the residual and loss,
// the decoder gradient and A^T times the residual.
inline Count DecoderForwardBackward(Count p, Count r, Count b) { return 3 * 2 * p * r * b + 4 * p * b; }

// Composite supervised loss and its gradient (MSE, AAD, AID), per batch.
inline Count SupervisedLoss(Count r, Count b) { return 30 * r * b; }

// Adam step over n parameters: moments, square root, division, update.
inline Count AdamStep(Count n) { return 10 * n; }

// Trained parameters, for AdamStep: an AdmmEncoder's W (S r x p), B (S r x r), theta and eta
// (S each), and c (S r) with sum-to-one updates; NMF-SAE's W1 (r x p), theta (r) and W2 (N x r).
inline Count AdmmParameters(Count p, Count r, Count sets, bool sum_to_one = false) {
  return sets * (r * p + r * r + 2 + (sum_to_one ? r : 0));
}
inline Count NmfSaeParameters(Count p, Count r, Count n) { return r * p + r + n * r; }

// One NMF-SAE full-batch step (forward and backward): p bands, r endmembers, N pixels, K layers.
inline Count NmfSaeStep(Count p, Count r, Count n, Count k) {
  Count f = 2 * r * p * n + 2 * r * p * r + r * n;                       // W1 X - theta, W1 A0
  f += k * (2 * r * r * n + 4 * r * n);                                  // encoder layers and zeta
  f += 2 * r * n * r + 2 * p * n * r + k * (2 * p * r * r + 2 * p * r);  // decoder
  f += 2 * p * r * n + 2 * p * n;                                        // residual and loss
  f += 2 * r * p * n + 2 * p * n * r;                                    // dS_K, dA_K
  f += k * (4 * r * r * n + 8 * r * n);                                  // encoder backward layers
  f += 2 * r * n * p + 2 * r * r * p + r * n;                            // W1 and theta gradients
  f += k * (4 * p * r * r + 3 * p * r);                                  // decoder backward layers
  f += 2 * n * p * r + 2 * n * r * r;                                    // W2 gradient
  return f;
}

}  // namespace unmix::nets::flops
