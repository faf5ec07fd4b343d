#pragma once
// Training losses on r x B abundance batches (one pixel per column) with analytic gradients.
// Each returns the batch mean and, when `grad` is non-null, ADDS its gradient with respect to
// the estimate, scaled by `weight` (so composite losses accumulate into one buffer).
//
// Conventions (u-admm-nets.txt eqs. (13)-(17)):
//   MSE: mean over pixels of ||x - x~||^2 (eq. (14): a squared norm per pixel, not per entry).
//   AAD: mean over pixels of arccos(<x, x~> / (|x| |x~|)), the cosine clipped to
//        [-1 + clip, 1 - clip] (zero gradient where clipped), in degrees or radians.
//   AID: mean over pixels of sum_m (x_m - x~_m)(ln(x_m + eps) - ln(x~_m + eps)), i.e. the
//        symmetric KL divergence with eps added inside the logarithms (smooth, unlike the
//        clamp the AID metric uses; both default to 1e-8).
#include "unmix/core/types.hpp"

namespace unmix::nets {

enum class AngleUnit { kRadians, kDegrees };

struct AadOptions {
  AngleUnit unit = AngleUnit::kDegrees;
  double clip = 1e-7;  // keep arccos away from its infinite slope at +-1
};

template <typename T>
T MseLoss(const Matrix<T>& target, const Matrix<T>& estimate, Matrix<T>* grad, T weight = T(1));

template <typename T>
T AadLoss(const Matrix<T>& target, const Matrix<T>& estimate, Matrix<T>* grad, T weight = T(1),
          const AadOptions& options = {});

template <typename T>
T AidLoss(const Matrix<T>& target, const Matrix<T>& estimate, Matrix<T>* grad, T weight = T(1), double epsilon = 1e-8);

// Reconstruction loss for autoencoders: mean over all entries of (Y~ - Y)^2.
template <typename T>
T ReconstructionMse(const Matrix<T>& data, const Matrix<T>& reconstruction, Matrix<T>* grad, T weight = T(1));

// alpha_1 MSE + alpha_2 AAD + alpha_3 AID (eq. (13)).
struct CompositeLossWeights {
  double mse = 1.0;
  double aad = 1e-7;
  double aid = 1e-5;
};

template <typename T>
T CompositeLoss(const Matrix<T>& target, const Matrix<T>& estimate, Matrix<T>* grad,
                const CompositeLossWeights& weights, const AadOptions& aad = {}, double aid_epsilon = 1e-8);

}  // namespace unmix::nets
