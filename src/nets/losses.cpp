#include "unmix/nets/losses.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace unmix::nets {

template <typename T>
T MseLoss(const Matrix<T>& x, const Matrix<T>& e, Matrix<T>* grad, T weight) {
  const T n = static_cast<T>(std::max<Index>(x.cols(), 1));
  if (grad) grad->noalias() += (T(2) * weight / n) * (e - x);
  return (e - x).squaredNorm() / n;
}

template <typename T>
T AadLoss(const Matrix<T>& x, const Matrix<T>& e, Matrix<T>* grad, T weight, const AadOptions& o) {
  const Index n = x.cols();
  const double scale = o.unit == AngleUnit::kDegrees ? 180.0 / std::numbers::pi : 1.0;
  const double lo = -1.0 + o.clip, hi = 1.0 - o.clip;
  double total = 0;
  for (Index k = 0; k < n; ++k) {
    const auto xk = x.col(k);
    const auto ek = e.col(k);
    const double nx = static_cast<double>(xk.norm()), ne = static_cast<double>(ek.norm());
    if (nx == 0 || ne == 0) {  // no direction: 90 degrees, no gradient
      total += std::numbers::pi / 2;
      continue;
    }
    const double dot = static_cast<double>(xk.dot(ek));
    const double c = dot / (nx * ne);
    const double cc = std::clamp(c, lo, hi);
    total += std::acos(cc);
    if (grad && c > lo && c < hi) {
      // d acos(c)/de = -1/sqrt(1-c^2) * (x/(|x||e|) - c e/|e|^2)
      const double f = -1.0 / std::sqrt(1.0 - c * c) * scale * static_cast<double>(weight) / static_cast<double>(n);
      grad->col(k) += static_cast<T>(f) * (xk / static_cast<T>(nx * ne) - static_cast<T>(c / (ne * ne)) * ek);
    }
  }
  return static_cast<T>(scale * total / static_cast<double>(std::max<Index>(n, 1)));
}

template <typename T>
T AidLoss(const Matrix<T>& x, const Matrix<T>& e, Matrix<T>* grad, T weight, double epsilon) {
  const Index n = x.cols(), r = x.rows();
  const T eps = static_cast<T>(epsilon);
  const T gscale = weight / static_cast<T>(std::max<Index>(n, 1));
  double total = 0;
  for (Index k = 0; k < n; ++k)
    for (Index m = 0; m < r; ++m) {
      const T a = x(m, k), b = e(m, k);
      const T la = std::log(a + eps), lb = std::log(b + eps);
      total += static_cast<double>((a - b) * (la - lb));
      // d/db [(a - b)(la - lb)] = -(la - lb) - (a - b) / (b + eps)
      if (grad) (*grad)(m, k) += gscale * (lb - la - (a - b) / (b + eps));
    }
  return static_cast<T>(total / static_cast<double>(std::max<Index>(n, 1)));
}

template <typename T>
T ReconstructionMse(const Matrix<T>& y, const Matrix<T>& yhat, Matrix<T>* grad, T weight) {
  const T n = static_cast<T>(std::max<Index>(y.size(), 1));
  if (grad) grad->noalias() += (T(2) * weight / n) * (yhat - y);
  return (yhat - y).squaredNorm() / n;
}

template <typename T>
T CompositeLoss(const Matrix<T>& x, const Matrix<T>& e, Matrix<T>* grad, const CompositeLossWeights& w,
                const AadOptions& aad, double aid_epsilon) {
  T total = 0;
  if (w.mse != 0) total += static_cast<T>(w.mse) * MseLoss(x, e, grad, static_cast<T>(w.mse));
  if (w.aad != 0) total += static_cast<T>(w.aad) * AadLoss(x, e, grad, static_cast<T>(w.aad), aad);
  if (w.aid != 0) total += static_cast<T>(w.aid) * AidLoss(x, e, grad, static_cast<T>(w.aid), aid_epsilon);
  return total;
}

#define UNMIX_INSTANTIATE_LOSSES(T)                                                                        \
  template T MseLoss<T>(const Matrix<T>&, const Matrix<T>&, Matrix<T>*, T);                                \
  template T AadLoss<T>(const Matrix<T>&, const Matrix<T>&, Matrix<T>*, T, const AadOptions&);             \
  template T AidLoss<T>(const Matrix<T>&, const Matrix<T>&, Matrix<T>*, T, double);                        \
  template T ReconstructionMse<T>(const Matrix<T>&, const Matrix<T>&, Matrix<T>*, T);                      \
  template T CompositeLoss<T>(const Matrix<T>&, const Matrix<T>&, Matrix<T>*, const CompositeLossWeights&, \
                              const AadOptions&, double);
UNMIX_INSTANTIATE_LOSSES(float)
UNMIX_INSTANTIATE_LOSSES(double)

}  // namespace unmix::nets
