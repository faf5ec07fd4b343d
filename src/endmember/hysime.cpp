// HySime: noise estimation by band-wise multiple regression, then signal-subspace identification
// by minimum mean squared error.
#include "unmix/endmember/hysime.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "abundance/classical_internal.hpp"

namespace unmix {

bool hysime::Options::IsValid(std::string* why) const {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  if (!(regression_ridge >= 0.0) || !std::isfinite(regression_ridge))
    return fail("regression_ridge must be finite and >= 0");
  if (!(noise_floor >= 0.0) || !std::isfinite(noise_floor)) return fail("noise_floor must be finite and >= 0");
  if (guard_bands < 0) return fail("guard_bands must be >= 0");
  if (num_threads < 0) return fail("num_threads must be >= 0 (0 = automatic)");
  return true;
}

std::string hysime::Summary::BriefReport() const {
  return fmt::format(
      "HySime: {} pixels, p={}: r={}, signal power {:.4g}, noise power {:.4g} ({:.1f} dB), "
      "{:.3f} s",
      pixels, bands, count, signal_power, noise_power, snr_db, seconds);
}

template <typename Scalar>
hysime::Result<Scalar> EstimateEndmemberCount(const Matrix<Scalar>& y, const hysime::Options& options) {
  {
    std::string why;
    if (!options.IsValid(&why)) throw OptionError("HySime: " + why);
  }
  const Index p = y.rows(), n = y.cols();
  if (p < 2) throw InputError(fmt::format("HySime: needs at least 2 bands, got {}", p));
  if (2 * options.guard_bands + 1 >= p)
    throw OptionError(
        fmt::format("HySime: guard_bands {} leaves no band to regress on ({} bands)", options.guard_bands, p));
  if (n <= p)
    throw InputError(
        fmt::format("HySime: needs more pixels than bands for the noise regression (got {} pixels, {} bands)", n, p));
  detail::CheckFinite(y, "HySime: scene");
  const Stopwatch clock;
  const int threads = detail::ResolveThreads(options.num_threads);

  const MatrixD rr = detail::CenteredGram(y, VectorD::Zero(p), threads);  // Y Y^T
  const double trace = rr.trace();
  if (!(trace > 0.0)) throw InputError("HySime: all pixels are zero");

  // Row i of `beta` holds the regression coefficients of band i on the other bands. With
  // K = (Y Y^T + ridge I)^{-1}, the inverse of the matrix with row/column i removed is
  // K - K e_i e_i^T K / K_ii (restricted), which gives every regression from one inverse.
  MatrixD beta(p, p), rx, noise_cov_diag;
  VectorD noise_var(p);
  detail::SerialEigen([&] {
    MatrixD reg = rr;
    reg.diagonal().array() += options.regression_ridge * trace / static_cast<double>(p);
    const MatrixD k = reg.ldlt().solve(MatrixD::Identity(p, p));
    const Index guard = options.guard_bands;
    for (Index i = 0; i < p; ++i) {
      // Bands left out of band i's regression: i itself and its `guard` neighbours each side.
      const Index lo = std::max<Index>(0, i - guard), hi = std::min<Index>(p - 1, i + guard);
      const Index s = hi - lo + 1;
      VectorD rhs = rr.col(i);
      rhs.segment(lo, s).setZero();
      // Inverse of the Gram matrix with the rows/columns lo..hi removed, applied to rhs:
      // K v - K_{:,S} K_SS^{-1} (K v)_S (block downdate of the full inverse).
      const VectorD kv = k * rhs;
      const MatrixD kss = k.block(lo, lo, s, s);
      const VectorD corr = kss.ldlt().solve(kv.segment(lo, s));
      VectorD b = kv - k.middleCols(lo, s) * corr;
      b.segment(lo, s).setZero();
      beta.row(i) = b.transpose();
    }
    // Signal estimate X = beta Y and noise W = (I - beta) Y, so their correlations follow from
    // Y Y^T without another pass over the data.
    const MatrixD beta_rr = beta * rr;
    rx = beta_rr * beta.transpose() / static_cast<double>(n);
    rx = 0.5 * (rx + rx.transpose());
    // Residual variance over the regression's degrees of freedom (p - 1 coefficients fitted):
    // dividing by N instead underestimates the noise by (N - p + 1) / N, which on small scenes
    // (N = 1296, p = 224) made weak noise directions count as signal.
    const double dof = static_cast<double>(n - std::max<Index>(1, p - (2 * options.guard_bands + 1)));
    for (Index i = 0; i < p; ++i) {
      const double v = rr(i, i) - 2.0 * beta_rr(i, i) + beta_rr.row(i).dot(beta.row(i));
      noise_var(i) = std::max(v, 0.0) / dof;
    }
  });

  VectorD eigenvalues;
  MatrixD eigenvectors;
  detail::SymmetricEigenDescending(rx, &eigenvalues, &eigenvectors);
  const double floor = options.noise_floor * rx.trace() / static_cast<double>(p);
  // Criterion per direction: -P_y + 2 P_n with P_y = e^T R_y e, P_n = e^T R_n e.
  VectorD cost(p);
  detail::SerialEigen([&] {
    const MatrixD ry_e = rr * eigenvectors / static_cast<double>(n);
    for (Index i = 0; i < p; ++i) {
      const double py = eigenvectors.col(i).dot(ry_e.col(i));
      const double pn = eigenvectors.col(i).cwiseAbs2().dot(noise_var) + floor;  // R_n is diagonal
      cost(i) = -py + 2.0 * pn;
    }
  });
  std::vector<Index> order(static_cast<std::size_t>(p));
  std::iota(order.begin(), order.end(), Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) { return cost(a) < cost(b); });
  Index count = 0;
  for (Index i = 0; i < p; ++i) count += cost(i) < 0.0 ? 1 : 0;

  hysime::Result<Scalar> result;
  result.count = count;
  result.noise_variance = noise_var.template cast<Scalar>();
  result.signal_eigenvalues = eigenvalues.template cast<Scalar>();
  result.cost = cost.template cast<Scalar>();
  result.subspace.resize(p, count);
  for (Index k = 0; k < count; ++k)
    result.subspace.col(k) = eigenvectors.col(order[static_cast<std::size_t>(k)]).template cast<Scalar>();
  if (options.keep_noise) {
    MatrixD w(p, n);
    detail::ForEachBlock(
        n, detail::kPixelBlock, threads, [&] { return MatrixD(p, detail::kPixelBlock); },
        [&](MatrixD& buffer, Index start, Index len) {
          const auto yb = detail::DoubleColumns(y, start, len, buffer);
          auto wb = w.middleCols(start, len);
          wb.noalias() = yb;
          wb.noalias() -= beta * yb;
        });
    result.noise = w.template cast<Scalar>();
  }

  auto& sm = result.summary;
  sm.bands = p;
  sm.pixels = n;
  sm.count = count;
  sm.signal_power = rx.trace() / static_cast<double>(p);
  sm.noise_power = noise_var.mean();
  sm.snr_db = sm.noise_power > 0.0 ? 10.0 * std::log10(sm.signal_power / sm.noise_power)
                                   : std::numeric_limits<double>::infinity();
  sm.seconds = clock.seconds();
  return result;
}

template hysime::Result<float> EstimateEndmemberCount<float>(const MatrixF&, const hysime::Options&);
template hysime::Result<double> EstimateEndmemberCount<double>(const MatrixD&, const hysime::Options&);

}  // namespace unmix
