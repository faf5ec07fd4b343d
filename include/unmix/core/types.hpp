#pragma once
// Matrix aliases used throughout unmix. Convention: a scene is p x N (bands x pixels),
// one pixel per column; endmembers are p x r; abundances are r x N.
#include <Eigen/Core>

namespace unmix {

using Index = Eigen::Index;

template <typename Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
template <typename Scalar>
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

using MatrixF = Matrix<float>;
using MatrixD = Matrix<double>;
using VectorF = Vector<float>;
using VectorD = Vector<double>;

}  // namespace unmix
