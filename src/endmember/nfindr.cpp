// N-FINDR: simplex volume maximisation by vertex swaps, deterministic start.
#include "unmix/endmember/nfindr.hpp"

#include <fmt/format.h>

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <limits>

#include "abundance/classical_internal.hpp"

namespace unmix {

bool nfindr::Options::IsValid(std::string* why) const {
  auto fail = [&](const std::string& m) {
    if (why) *why = m;
    return false;
  };
  if (!(tolerance >= 0.0) || !std::isfinite(tolerance)) return fail("tolerance must be finite and >= 0");
  if (max_iterations < 0) return fail("max_iterations must be >= 0");
  if (num_threads < 0) return fail("num_threads must be >= 0 (0 = automatic)");
  return true;
}

std::string nfindr::Summary::BriefReport() const {
  return fmt::format("N-FINDR: {} pixels, p={}, r={}, {} swaps, {}{}, log-volume {:.4g}, {:.3f} s", pixels, bands,
                     endmembers, iterations, converged ? "converged" : "NOT converged (max_iterations)",
                     rank_deficient ? ", RANK DEFICIENT (data span fewer than r-1 dimensions)" : "", log_volume,
                     seconds);
}

template <typename Scalar>
nfindr::Result<Scalar> NFindr(const Matrix<Scalar>& y, Index r, const nfindr::Options& options) {
  {
    std::string why;
    if (!options.IsValid(&why)) throw OptionError("N-FINDR: " + why);
  }
  detail::ValidateExtractorInputs(y, r, "N-FINDR");
  if (!options.initial_indices.empty()) {
    const auto& init = options.initial_indices;
    std::vector<Index> sorted(init);
    std::sort(sorted.begin(), sorted.end());
    if (static_cast<Index>(init.size()) != r || sorted.front() < 0 || sorted.back() >= y.cols() ||
        std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      throw OptionError(
          fmt::format("N-FINDR: initial_indices must be {} distinct pixel indices in [0, {})", r, y.cols()));
  }
  const Stopwatch clock;
  const Index p = y.rows(), n = y.cols();
  const int threads = detail::ResolveThreads(options.num_threads);

  nfindr::Result<Scalar> result;
  auto& sm = result.summary;
  sm.bands = p;
  sm.pixels = n;
  sm.endmembers = r;
  std::vector<Index>& idx = result.indices;
  std::vector<char> chosen(static_cast<std::size_t>(n), 0);
  auto unused = [&](Index j) { return !chosen[static_cast<std::size_t>(j)]; };

  const VectorD mean = detail::ColumnMean(y, threads);
  const Index d = r - 1;
  MatrixD z;  // d x N coordinates in the principal subspace
  if (d > 0) {
    VectorD values;
    MatrixD vectors;
    detail::SymmetricEigenDescending(detail::CenteredGram(y, mean, threads), &values, &vectors);
    z = detail::ProjectColumns(y, MatrixD(vectors.leftCols(d)), mean, threads);
  }

  if (r == 1) {
    // A single vertex: the most representative pixel.
    const Index pick = detail::ArgMaxPixels(
        n, [&](Index j) { return -(y.col(j).template cast<double>() - mean).squaredNorm(); },
        [](Index) { return true; }, nullptr);
    idx.push_back(pick);
    sm.converged = true;
  } else {
    // Start: farthest pixel from the mean, then farthest from the affine hull of those chosen.
    double best = 0.0;
    Index pick = detail::ArgMaxPixels(
        n, [&](Index j) { return z.col(j).squaredNorm(); }, [](Index) { return true; }, &best);
    const double spread = std::sqrt(std::max(best, 0.0));
    chosen[static_cast<std::size_t>(pick)] = 1;
    idx.push_back(pick);
    MatrixD q(d, d);  // orthonormal directions of the affine hull
    Index rank = 0;
    VectorD score(n);
    for (Index k = 1; k < r; ++k) {
      const VectorD base = z.col(idx[0]);
      const MatrixD qk = q.leftCols(rank);
      // Squared distance of every pixel to the affine hull: ||v||^2 - ||Q^T v||^2, v = z - base.
      struct Workspace {
        MatrixD v, qv;
      };
      detail::ForEachBlock(
          n, detail::kPixelBlock, threads,
          [&] {
            return Workspace{MatrixD(d, detail::kPixelBlock), MatrixD(d, detail::kPixelBlock)};
          },
          [&](Workspace& ws, Index start, Index len) {
            auto vb = ws.v.leftCols(len);
            vb = z.middleCols(start, len).colwise() - base;
            auto qv = ws.qv.topLeftCorner(rank, len);
            qv.noalias() = qk.transpose() * vb;
            for (Index j = 0; j < len; ++j) score(start + j) = vb.col(j).squaredNorm() - qv.col(j).squaredNorm();
          });
      pick = detail::ArgMaxPixels(
          n, [&](Index j) { return score(j); }, unused, &best);
      chosen[static_cast<std::size_t>(pick)] = 1;
      idx.push_back(pick);
      const VectorD v = z.col(pick) - base;
      const VectorD residual = v - qk * (qk.transpose() * v);
      const double dist = residual.norm();
      if (!(dist > 1e-9 * spread) || rank >= d) {
        sm.rank_deficient = true;
      } else {
        q.col(rank++) = residual / dist;
      }
    }

    if (!options.initial_indices.empty()) {
      // A usable given start replaces the greedy one (which then only served as a fallback).
      MatrixD m0(r, r);
      for (Index k = 0; k < r; ++k) {
        m0(0, k) = 1.0;
        m0.col(k).tail(d) = z.col(options.initial_indices[static_cast<std::size_t>(k)]);
      }
      Index rank0 = 0;
      detail::SerialEigen([&] {
        Eigen::FullPivLU<MatrixD> lu(m0);
        lu.setThreshold(1e-9);
        rank0 = lu.rank();
      });
      if (rank0 == r) {
        for (Index k = 0; k < r; ++k) chosen[static_cast<std::size_t>(idx[static_cast<std::size_t>(k)])] = 0;
        idx = options.initial_indices;
        for (Index k = 0; k < r; ++k) chosen[static_cast<std::size_t>(idx[static_cast<std::size_t>(k)])] = 1;
        sm.rank_deficient = false;
        sm.used_initial_indices = true;
      }
    }

    if (!sm.rank_deficient) {
      // Vertex swaps. M = [1 ... 1; z_e1 ... z_er]; replacing vertex j by pixel z scales the
      // volume by |c_j| with c = M^{-1} [1; z] (Cramer's rule).
      MatrixD m(r, r);
      for (Index k = 0; k < r; ++k) {
        m(0, k) = 1.0;
        m.col(k).tail(d) = z.col(idx[static_cast<std::size_t>(k)]);
      }
      sm.converged = false;
      for (;;) {
        MatrixD minv;
        detail::SerialEigen([&] { minv = m.fullPivLu().inverse(); });
        // Barycentric coordinates of every pixel; keep the largest |c_j| and its vertex j.
        std::vector<Index> vertex_of(static_cast<std::size_t>(n));
        VectorD ratio_of(n);
        detail::ForEachBlock(
            n, detail::kPixelBlock, threads, [&] { return MatrixD(r, detail::kPixelBlock); },
            [&](MatrixD& c, Index start, Index len) {
              auto cb = c.leftCols(len);
              cb.noalias() = minv.rightCols(d) * z.middleCols(start, len);
              cb.colwise() += minv.col(0);
              for (Index j = 0; j < len; ++j) {
                Index v = 0;
                ratio_of(start + j) = cb.col(j).cwiseAbs().maxCoeff(&v);
                vertex_of[static_cast<std::size_t>(start + j)] = v;
              }
            });
        double ratio = 0.0;
        const Index pixel = detail::ArgMaxPixels(
            n, [&](Index j) { return ratio_of(j); }, [](Index) { return true; }, &ratio);
        if (!(ratio > 1.0 + options.tolerance)) {
          sm.converged = true;
          break;
        }
        if (sm.iterations >= options.max_iterations) break;
        const Index vertex = vertex_of[static_cast<std::size_t>(pixel)];
        chosen[static_cast<std::size_t>(idx[static_cast<std::size_t>(vertex)])] = 0;
        idx[static_cast<std::size_t>(vertex)] = pixel;
        chosen[static_cast<std::size_t>(pixel)] = 1;
        m.col(vertex).tail(d) = z.col(pixel);
        ++sm.iterations;
      }
      detail::SerialEigen([&] { sm.log_volume = std::log(std::abs(m.partialPivLu().determinant())); });
    } else {
      sm.converged = true;
      sm.log_volume = -std::numeric_limits<double>::infinity();
    }
  }

  result.endmembers.resize(p, r);
  for (Index k = 0; k < r; ++k) result.endmembers.col(k) = y.col(idx[static_cast<std::size_t>(k)]);
  sm.seconds = clock.seconds();
  return result;
}

template nfindr::Result<float> NFindr<float>(const MatrixF&, Index, const nfindr::Options&);
template nfindr::Result<double> NFindr<double>(const MatrixD&, Index, const nfindr::Options&);

}  // namespace unmix
