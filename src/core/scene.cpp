#include "unmix/core/scene.hpp"

#include <fmt/format.h>

#include "unmix/core/error.hpp"

namespace unmix {

bool Scene::all_valid() const {
  for (auto v : valid)
    if (!v) return false;
  return true;
}

Index Scene::valid_count() const {
  if (valid.empty()) return pixels();
  Index n = 0;
  for (auto v : valid) n += v ? 1 : 0;
  return n;
}

std::vector<Index> Scene::valid_indices() const {
  std::vector<Index> idx;
  idx.reserve(static_cast<size_t>(valid_count()));
  for (Index k = 0; k < pixels(); ++k)
    if (valid.empty() || valid[static_cast<size_t>(k)]) idx.push_back(k);
  return idx;
}

MatrixF Scene::valid_data() const {
  if (all_valid()) return data;
  const auto idx = valid_indices();
  MatrixF out(bands(), static_cast<Index>(idx.size()));
  for (size_t j = 0; j < idx.size(); ++j) out.col(static_cast<Index>(j)) = data.col(idx[j]);
  return out;
}

void Scene::Validate() const {
  const Index p = bands(), n = pixels();
  if (rows * cols != n)
    throw InputError(source, "shape",
                     fmt::format("{} x {} pixels expected {} columns, found {}", rows, cols, rows * cols, n));
  if (!wavelengths.empty() && static_cast<Index>(wavelengths.size()) != p)
    throw InputError(source, "wavelengths",
                     fmt::format("expected {} values (one per band), found {}", p, wavelengths.size()));
  if (!band_names.empty() && static_cast<Index>(band_names.size()) != p)
    throw InputError(source, "band names",
                     fmt::format("expected {} names (one per band), found {}", p, band_names.size()));
  if (!valid.empty() && static_cast<Index>(valid.size()) != n)
    throw InputError(source, "valid-pixel mask",
                     fmt::format("expected {} entries (one per pixel), found {}", n, valid.size()));
}

std::string Endmembers::name(Index j) const {
  if (j < static_cast<Index>(names.size()) && !names[static_cast<size_t>(j)].empty())
    return names[static_cast<size_t>(j)];
  return fmt::format("E{}", j + 1);
}

void Endmembers::Validate() const {
  if (!names.empty() && static_cast<Index>(names.size()) != count())
    throw InputError("", "endmember names", fmt::format("expected {} names, found {}", count(), names.size()));
  if (!wavelengths.empty() && static_cast<Index>(wavelengths.size()) != bands())
    throw InputError("", "endmember wavelengths",
                     fmt::format("expected {} values, found {}", bands(), wavelengths.size()));
}

void Abundances::Validate() const {
  if (rows * cols != pixels())
    throw InputError("", "abundance shape",
                     fmt::format("{} x {} pixels expected {} columns, found {}", rows, cols, rows * cols, pixels()));
  if (!names.empty() && static_cast<Index>(names.size()) != count())
    throw InputError("", "abundance names", fmt::format("expected {} names, found {}", count(), names.size()));
}

}  // namespace unmix
