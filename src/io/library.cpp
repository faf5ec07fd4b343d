#include "unmix/io/library.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <numeric>

#include "io/common.hpp"
#include "io/csv_table.hpp"
#include "io/mat_file.hpp"
#include "unmix/core/error.hpp"

namespace fs = std::filesystem;

namespace unmix::io {

namespace {

// Reorders rows so wavelengths ascend (stable: equal wavelengths keep their order).
void SortByWavelength(SpectralLibrary& lib) {
  std::vector<Index> order(lib.wavelengths.size());
  std::iota(order.begin(), order.end(), Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
    return lib.wavelengths[static_cast<size_t>(a)] < lib.wavelengths[static_cast<size_t>(b)];
  });
  MatrixD sorted(lib.spectra.rows(), lib.spectra.cols());
  std::vector<double> wl(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    sorted.row(static_cast<Index>(i)) = lib.spectra.row(order[i]);
    wl[i] = lib.wavelengths[static_cast<size_t>(order[i])];
  }
  lib.spectra = std::move(sorted);
  lib.wavelengths = std::move(wl);
}

SpectralLibrary ReadMatLibrary(const fs::path& path) {
  detail::MatReader mr(path);
  const std::string& file = mr.file();
  const auto* dl = mr.Find("datalib");
  const auto* nm = mr.Find("names");
  if (!dl)
    throw InputError(file, "",
                     fmt::format("no spectral library recognised (expected datalib: bands x "
                                 "(3 + spectra) and names); variables found: {}",
                                 mr.VariableList()));
  auto var = mr.Read(dl->name);
  if (var->rank != 2 || var->dims[1] < 4)
    throw InputError(file, "datalib",
                     fmt::format("expected bands x (3 header columns + spectra), found {}", dl->dims_text()));
  const Index p = static_cast<Index>(var->dims[0]), cols = static_cast<Index>(var->dims[1]);
  const auto values = detail::ToDoubles(*var, file);
  SpectralLibrary lib;
  lib.source = file;
  lib.wavelengths.assign(values.begin(), values.begin() + p);
  detail::RequireFinite(lib.wavelengths.data(), p, 1, file, "datalib (wavelength column)");
  lib.spectra = Eigen::Map<const MatrixD>(values.data() + 3 * p, p, cols - 3);
  detail::RequireFinite(lib.spectra.data(), p, cols - 3, file, "datalib (spectra)");
  if (nm) {
    auto names = detail::StringsOf(*mr.Read(nm->name), file);
    if (static_cast<Index>(names.size()) != cols)
      throw InputError(file, "names",
                       fmt::format("expected {} names (one per datalib column), found {}", cols, names.size()));
    lib.names.assign(names.begin() + 3, names.end());
  } else {
    for (Index j = 0; j < cols - 3; ++j) lib.names.push_back(fmt::format("S{}", j + 1));
  }
  lib.wavelength_units = detail::GuessWavelengthUnits(lib.wavelengths);
  SortByWavelength(lib);
  return lib;
}

SpectralLibrary ReadCsvLibrary(const fs::path& path) {
  const auto t = detail::ReadCsvTable(path);
  if (t.header.empty())
    throw InputError(t.file, "line 1", "expected a header row: a wavelength column then one name per spectrum");
  if (t.columns() < 2) throw InputError(t.file, "columns", "expected a wavelength column and at least one spectrum");
  SpectralLibrary lib;
  lib.source = t.file;
  const Index p = static_cast<Index>(t.rows.size()), m = static_cast<Index>(t.columns() - 1);
  lib.spectra.resize(p, m);
  for (Index b = 0; b < p; ++b) {
    const auto& row = t.rows[static_cast<size_t>(b)];
    lib.wavelengths.push_back(row[0]);
    for (Index j = 0; j < m; ++j) lib.spectra(b, j) = row[static_cast<size_t>(j) + 1];
  }
  for (std::size_t c = 1; c < t.header.size(); ++c) lib.names.push_back(detail::Trim(t.header[c]));
  const std::string h = detail::ToLower(t.header[0]);
  if (h.find("nm") != std::string::npos || h.find("nanomet") != std::string::npos)
    lib.wavelength_units = "nanometers";
  else if (h.find("um") != std::string::npos || h.find("microm") != std::string::npos ||
           h.find("micron") != std::string::npos || h.find("\xc2\xb5m") != std::string::npos)
    lib.wavelength_units = "micrometers";
  else
    lib.wavelength_units = detail::GuessWavelengthUnits(lib.wavelengths);
  SortByWavelength(lib);
  return lib;
}

bool LooksLikeMat(const fs::path& path) {
  if (detail::IEquals(path.extension().string(), ".mat")) return true;
  std::ifstream in(path, std::ios::binary);
  char magic[6] = {};
  in.read(magic, 6);
  return in.gcount() == 6 && std::memcmp(magic, "MATLAB", 6) == 0;
}

}  // namespace

SpectralLibrary ReadSpectralLibrary(const fs::path& path) {
  detail::RequireReadableFile(path);
  return LooksLikeMat(path) ? ReadMatLibrary(path) : ReadCsvLibrary(path);
}

}  // namespace unmix::io
