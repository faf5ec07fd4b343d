// VCA: vertex component analysis.
#include "unmix/endmember/vca.hpp"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>

#include "abundance/classical_internal.hpp"
#include "unmix/core/rng.hpp"

namespace unmix {

bool vca::Options::IsValid(std::string* why) const {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  if (snr_db && std::isnan(*snr_db)) return fail("snr_db must not be NaN (leave unset to estimate)");
  if (num_threads < 0) return fail("num_threads must be >= 0 (0 = automatic)");
  return true;
}

std::string vca::Summary::BriefReport() const {
  return fmt::format(
      "VCA: {} pixels, p={}, r={}, SNR {:.1f} dB ({}; threshold {:.1f} dB) -> {} "
      "projection{}, {:.3f} s",
      pixels, bands, endmembers, snr_db, snr_estimated ? "estimated" : "given", snr_threshold_db,
      high_snr_projection ? "subspace" : "affine",
      rank_deficient ? ", RANK DEFICIENT (data span fewer than r dimensions)" : "", seconds);
}

namespace {

// Orthonormal basis (columns) of the given vectors; dependent vectors are skipped.
MatrixD OrthonormalBasis(const MatrixD& vectors, bool* dependent) {
  const Index d = vectors.rows();
  MatrixD q(d, vectors.cols());
  Index k = 0;
  for (Index j = 0; j < vectors.cols(); ++j) {
    VectorD v = vectors.col(j);
    const double norm0 = v.norm();
    for (int pass = 0; pass < 2; ++pass)  // twice is enough for orthogonality to rounding
      for (Index i = 0; i < k; ++i) v -= q.col(i).dot(v) * q.col(i);
    const double norm = v.norm();
    if (!(norm > 1e-10 * norm0) || norm0 == 0.0) {
      *dependent = true;
      continue;
    }
    q.col(k++) = v / norm;
  }
  return q.leftCols(k);
}

}  // namespace

template <typename Scalar>
vca::Result<Scalar> Vca(const Matrix<Scalar>& y, Index r, const vca::Options& options) {
  {
    std::string why;
    if (!options.IsValid(&why)) throw OptionError("VCA: " + why);
  }
  detail::ValidateExtractorInputs(y, r, "VCA");
  const Stopwatch clock;
  const Index p = y.rows(), n = y.cols();
  const int threads = detail::ResolveThreads(options.num_threads);

  const VectorD mean = detail::ColumnMean(y, threads);
  const MatrixD cov = detail::CenteredGram(y, mean, threads) / static_cast<double>(n);
  const double power = cov.trace() + mean.squaredNorm();  // mean ||y||^2
  if (!(power > 0.0)) throw InputError("VCA: all pixels are zero");

  vca::Result<Scalar> result;
  auto& sm = result.summary;
  sm.bands = p;
  sm.pixels = n;
  sm.endmembers = r;
  sm.snr_threshold_db = 15.0 + 10.0 * std::log10(static_cast<double>(r));

  // The projection choice needs eigenvalues only; vectors are computed for the chosen branch.
  VectorD cov_values;
  detail::SerialEigen([&] {
    const Eigen::SelfAdjointEigenSolver<MatrixD> eig(cov, Eigen::EigenvaluesOnly);
    cov_values = eig.eigenvalues().reverse();
  });
  if (options.snr_db) {
    sm.snr_db = *options.snr_db;
    sm.snr_estimated = false;
  } else {
    // Power captured by the r leading principal directions plus the mean, against the rest.
    const double px = cov_values.head(r).sum() + mean.squaredNorm();
    const double signal = px - static_cast<double>(r) / static_cast<double>(p) * power;
    const double residual = power - px;
    if (!(residual > 0.0))
      sm.snr_db = std::numeric_limits<double>::infinity();
    else if (!(signal > 0.0))
      sm.snr_db = -std::numeric_limits<double>::infinity();
    else
      sm.snr_db = 10.0 * std::log10(signal / residual);
  }
  sm.high_snr_projection = sm.snr_db >= sm.snr_threshold_db;

  // Projected data `proj` (r x N) in which vertices are searched, the basis `u` and offset used
  // to map a selected pixel back to the band space, and which pixels may be selected.
  MatrixD proj, u;
  VectorD offset = VectorD::Zero(p);
  MatrixD coords;  // coordinates of the pixels in the basis u
  std::vector<char> eligible(static_cast<std::size_t>(n), 1);
  if (sm.high_snr_projection) {
    VectorD values;
    MatrixD vectors;
    detail::SymmetricEigenDescending(cov + mean * mean.transpose(), &values, &vectors);
    u = vectors.leftCols(r);
    sm.rank_deficient = !(values(r - 1) > 1e-12 * values(0));
    coords = detail::ProjectColumns(y, u, VectorD::Zero(p), threads);
    // Projective scaling onto the hyperplane u^T x = 1 (u = projected mean): the data simplex
    // keeps its vertices. Pixels with a vanishing scale (zero pixels) cannot be placed there.
    const VectorD um = u.transpose() * mean;
    const Eigen::RowVectorXd scales = um.transpose() * coords;
    const double limit = 1e-12 * scales.cwiseAbs().maxCoeff();
    proj.resize(r, n);
    for (Index j = 0; j < n; ++j) {
      if (std::abs(scales(j)) > limit) {
        proj.col(j) = coords.col(j) / scales(j);
      } else {
        proj.col(j).setZero();
        eligible[static_cast<std::size_t>(j)] = 0;
      }
    }
  } else {
    const Index d = r - 1;
    MatrixD cov_vectors;
    detail::SymmetricEigenDescending(cov, &cov_values, &cov_vectors);
    u = cov_vectors.leftCols(d);
    offset = mean;
    sm.rank_deficient = d > 0 && !(cov_values(d - 1) > 1e-12 * cov_values(0));
    coords = detail::ProjectColumns(y, u, mean, threads);
    double c = d > 0 ? coords.colwise().norm().maxCoeff() : 0.0;
    if (!(c > 0.0)) c = 1.0;
    proj.resize(r, n);
    proj.topRows(d) = coords;
    proj.row(d).setConstant(c);
  }

  // Vertex search: project onto a random direction orthogonal to the vertices found so far (to
  // the last coordinate axis at the first step) and take the extreme pixel.
  Rng rng(options.seed);
  std::vector<char> chosen(static_cast<std::size_t>(n), 0);
  std::vector<Index>& indices = result.indices;
  MatrixD found(r, r);
  for (Index i = 0; i < r; ++i) {
    VectorD w(r);
    for (Index k = 0; k < r; ++k) w(k) = rng.Normal();
    MatrixD span;
    if (i == 0) {
      span = MatrixD::Zero(r, 1);
      span(r - 1, 0) = 1.0;
    } else {
      span = found.leftCols(i);
    }
    bool dependent = false;
    const MatrixD q = OrthonormalBasis(span, &dependent);
    if (dependent) sm.rank_deficient = true;
    VectorD f = w - q * (q.transpose() * w);
    const double fn = f.norm();
    f = fn > 0.0 ? VectorD(f / fn) : VectorD(w / w.norm());
    double best = 0.0;
    auto score = [&](Index j) { return std::abs(f.dot(proj.col(j))); };
    Index pick = detail::ArgMaxPixels(
        n, score,
        [&](Index j) { return eligible[static_cast<std::size_t>(j)] && !chosen[static_cast<std::size_t>(j)]; }, &best);
    if (pick < 0)  // no eligible pixel left: fall back to any unused pixel
      pick = detail::ArgMaxPixels(
          n, score, [&](Index j) { return !chosen[static_cast<std::size_t>(j)]; }, &best);
    const double spread = proj.cwiseAbs().maxCoeff();
    if (!(best > 1e-10 * spread)) sm.rank_deficient = true;  // no data along f
    chosen[static_cast<std::size_t>(pick)] = 1;
    indices.push_back(pick);
    found.col(i) = proj.col(pick);
  }

  result.endmembers.resize(p, r);
  for (Index k = 0; k < r; ++k) {
    const Index j = indices[static_cast<std::size_t>(k)];
    if (options.projected_endmembers) {
      result.endmembers.col(k) = (u * coords.col(j) + offset).template cast<Scalar>();
    } else {
      result.endmembers.col(k) = y.col(j);
    }
  }
  sm.seconds = clock.seconds();
  return result;
}

template vca::Result<float> Vca<float>(const MatrixF&, Index, const vca::Options&);
template vca::Result<double> Vca<double>(const MatrixD&, Index, const vca::Options&);

}  // namespace unmix
