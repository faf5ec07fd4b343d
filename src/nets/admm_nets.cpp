#include "unmix/nets/admm_nets.hpp"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>

#include "unmix/core/error.hpp"

namespace unmix::nets {

bool AdmmNetOptions::IsValid(std::string* why) const {
  auto fail = [&](std::string s) {
    if (why) *why = std::move(s);
    return false;
  };
  if (layers < 1) return fail(fmt::format("layers must be >= 1 (got {})", layers));
  if (lambda && !(*lambda >= 0)) return fail("lambda must be >= 0");
  if (mu && !(*mu > 0)) return fail("mu must be > 0");
  if (!(lambda0 >= 0)) return fail("lambda0 must be >= 0");
  if (!(norm_epsilon >= 0)) return fail("the normalisation epsilon must be >= 0");
  if (decoder_min && decoder_max && !(*decoder_min <= *decoder_max)) return fail("decoder_min must be <= decoder_max");
  return true;
}

AdmmInitValues ResolveAdmmInit(const AdmmNetOptions& o, const MatrixD& a) {
  AdmmInitValues v;
  const double p = static_cast<double>(a.rows());
  if (o.preset == AdmmPreset::kAuthorsCode) {
    const double norm_m = a.norm() * (25.0 + p) / p;
    v.lambda = o.lambda0;
    v.mu = 10.0 * o.lambda0 + 0.01 * norm_m * norm_m;
  } else {
    v.lambda = 1e-3;
    const Eigen::SelfAdjointEigenSolver<MatrixD> es(a.transpose() * a, Eigen::EigenvaluesOnly);
    v.mu = std::max(es.eigenvalues().maxCoeff(), 1e-12);
  }
  if (o.lambda) v.lambda = *o.lambda;
  if (o.mu) v.mu = *o.mu;
  return v;
}

template <typename T>
AdmmEncoder<T> MakeAdmmEncoder(const AdmmNetOptions& o, const MatrixD& a) {
  std::string why;
  if (!o.IsValid(&why)) throw OptionError("ADMM network: " + why);
  AdmmEncoder<T> enc(a.rows(), a.cols(), o.updates(), o.tied, o.norm_epsilon, o.sum_to_one);
  const auto v = ResolveAdmmInit(o, a);
  enc.InitFromEndmembers(a, v.lambda, v.mu);
  return enc;
}

template AdmmEncoder<float> MakeAdmmEncoder<float>(const AdmmNetOptions&, const MatrixD&);
template AdmmEncoder<double> MakeAdmmEncoder<double>(const AdmmNetOptions&, const MatrixD&);

}  // namespace unmix::nets
