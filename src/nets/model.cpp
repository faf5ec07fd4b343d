#include "unmix/nets/model.hpp"

#include <fmt/format.h>

#include "unmix/core/error.hpp"

namespace unmix::nets {

const MatrixF& Model::Tensor(const std::string& name, Index rows, Index cols) const {
  const auto it = tensors.find(name);
  if (it == tensors.end())
    throw InputError(source, "tensors." + name, fmt::format("missing (architecture {} needs it)", architecture));
  if ((rows >= 0 && it->second.rows() != rows) || (cols >= 0 && it->second.cols() != cols))
    throw InputError(
        source, "tensors." + name,
        fmt::format("expected {} x {}, found {} x {}", rows < 0 ? std::string("any") : std::to_string(rows),
                    cols < 0 ? std::string("any") : std::to_string(cols), it->second.rows(), it->second.cols()));
  return it->second;
}

}  // namespace unmix::nets
