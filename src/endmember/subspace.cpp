// Deterministic parallel statistics used by the endmember extractors.
#include <fmt/format.h>

#include <Eigen/Eigenvalues>

#include "abundance/classical_internal.hpp"

namespace unmix::detail {

template <typename Scalar>
VectorD ColumnMean(const Matrix<Scalar>& y, int num_threads) {
  const Index p = y.rows(), n = y.cols();
  VectorD sum = VectorD::Zero(p);
  if (n == 0) return sum;
  ReduceBlocks(
      n, ResolveThreads(num_threads), VectorD(VectorD::Zero(p)), [&] { return MatrixD(p, kPixelBlock); },
      [&](MatrixD& buffer, VectorD& partial, Index start, Index len) {
        partial += DoubleColumns(y, start, len, buffer).rowwise().sum();
      },
      [](VectorD& t, const VectorD& v) { t += v; }, &sum);
  return sum / static_cast<double>(n);
}

template <typename Scalar>
MatrixD CenteredGram(const Matrix<Scalar>& y, const VectorD& center, int num_threads) {
  const Index p = y.rows();
  MatrixD gram = MatrixD::Zero(p, p);
  struct Workspace {
    MatrixD buffer, centred;
  };
  ReduceBlocks(
      y.cols(), ResolveThreads(num_threads), MatrixD(MatrixD::Zero(p, p)),
      [&] {
        return Workspace{MatrixD(p, kPixelBlock), MatrixD(p, kPixelBlock)};
      },
      [&](Workspace& ws, MatrixD& partial, Index start, Index len) {
        auto c = ws.centred.leftCols(len);
        c = DoubleColumns(y, start, len, ws.buffer).colwise() - center;
        partial.selfadjointView<Eigen::Lower>().rankUpdate(c);
      },
      [](MatrixD& t, const MatrixD& v) { t += v; }, &gram);
  gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose();
  return gram;
}

template <typename Scalar>
MatrixD ProjectColumns(const Matrix<Scalar>& y, const MatrixD& u, const VectorD& center, int num_threads) {
  const Index p = y.rows(), n = y.cols();
  MatrixD out(u.cols(), n);
  const VectorD shift = u.transpose() * center;
  ForEachBlock(
      n, kPixelBlock, ResolveThreads(num_threads), [&] { return MatrixD(p, kPixelBlock); },
      [&](MatrixD& buffer, Index start, Index len) {
        auto ob = out.middleCols(start, len);
        ob.noalias() = u.transpose() * DoubleColumns(y, start, len, buffer);
        ob.colwise() -= shift;
      });
  return out;
}

void SymmetricEigenDescending(const MatrixD& m, VectorD* values, MatrixD* vectors) {
  SerialEigen([&] {
    Eigen::SelfAdjointEigenSolver<MatrixD> eig(m);
    *values = eig.eigenvalues().reverse();
    *vectors = eig.eigenvectors().rowwise().reverse();
  });
}

template <typename Scalar>
void ValidateExtractorInputs(const Matrix<Scalar>& y, Index r, const std::string& method) {
  if (r < 1) throw OptionError(fmt::format("{}: number of endmembers must be >= 1, got {}", method, r));
  if (r > y.rows())
    throw OptionError(fmt::format("{}: {} endmembers requested but the scene has only {} bands", method, r, y.rows()));
  if (r > y.cols())
    throw OptionError(fmt::format("{}: {} endmembers requested but the scene has only {} pixels", method, r, y.cols()));
  CheckFinite(y, method + ": scene");
}

#define UNMIX_INSTANTIATE(S)                                                                 \
  template VectorD ColumnMean<S>(const Matrix<S>&, int);                                     \
  template MatrixD CenteredGram<S>(const Matrix<S>&, const VectorD&, int);                   \
  template MatrixD ProjectColumns<S>(const Matrix<S>&, const MatrixD&, const VectorD&, int); \
  template void ValidateExtractorInputs<S>(const Matrix<S>&, Index, const std::string&);
UNMIX_INSTANTIATE(float)
UNMIX_INSTANTIATE(double)
#undef UNMIX_INSTANTIATE

}  // namespace unmix::detail
