#include "io/common.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#include "unmix/core/error.hpp"
#include "unmix/io/bands.hpp"

namespace fs = std::filesystem;

namespace unmix::io::detail {

void RequireReadableFile(const fs::path& path) {
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (!fs::exists(st)) throw InputError(path.string(), "", "file not found");
  if (fs::is_directory(st)) throw InputError(path.string(), "", "is a directory, expected a file");
  // Refused before opening: open() on a FIFO blocks until a writer appears, for ever if none does.
  if (!fs::is_regular_file(st)) {
    const char* kind = fs::is_fifo(st)             ? "a FIFO (named pipe)"
                       : fs::is_socket(st)         ? "a socket"
                       : fs::is_block_file(st)     ? "a block device"
                       : fs::is_character_file(st) ? "a character device"
                                                   : "not a regular file";
    throw InputError(path.string(), "",
                     fmt::format("is {}, expected a regular file (unmix reads files, not streams or devices)", kind));
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError(path.string(), "", fmt::format("cannot open for reading: {}", std::strerror(errno)));
  std::fclose(f);
}

void RequireWritableTarget(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  const auto dst = fs::status(dir, ec);
  if (!fs::exists(dst))
    throw Error(fmt::format("{}: cannot write: directory {} does not exist", path.string(), dir.string()));
  if (!fs::is_directory(dst))
    throw Error(fmt::format("{}: cannot write: {} is not a directory", path.string(), dir.string()));
  if (fs::is_directory(fs::status(path, ec)))
    throw Error(fmt::format("{}: cannot write: a directory exists at this path", path.string()));
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  auto blank = [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '\0'; };
  while (b < e && blank(s[b])) ++b;
  while (e > b && blank(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

std::string NormalizeWavelengthUnits(std::string_view units) {
  const std::string u = ToLower(Trim(units));
  if (u.empty() || u == "unknown" || u == "none") return "";
  if (u == "micrometers" || u == "micrometres" || u == "micrometer" || u == "micrometre" || u == "microns" ||
      u == "micron" || u == "um" || u == "\xc2\xb5m" || u == "\xce\xbcm")
    return "micrometers";
  if (u == "nanometers" || u == "nanometres" || u == "nanometer" || u == "nanometre" || u == "nm") return "nanometers";
  return std::string(Trim(units));
}

std::string GuessWavelengthUnits(const std::vector<double>& wl) {
  if (wl.empty()) return "";
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : wl) {
    if (!std::isfinite(v)) return "";
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (lo > 0.1 && hi < 30.0) return "micrometers";
  if (lo > 100.0 && hi < 30000.0) return "nanometers";
  return "";
}

std::optional<double> MicrometresPerUnit(const std::string& units, const std::vector<double>& wl) {
  const std::string u = units.empty() ? GuessWavelengthUnits(wl) : NormalizeWavelengthUnits(units);
  if (u == "micrometers") return 1.0;
  if (u == "nanometers") return 1e-3;
  return std::nullopt;
}

std::string CleanEndmemberName(std::string_view name) {
  const std::string t = Trim(name);
  size_t i = 0;
  const bool hash = !t.empty() && t[0] == '#';
  if (hash) ++i;
  const size_t digits_begin = i;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  if (i == digits_begin || i == t.size()) return t;  // no number, or nothing but a number
  const char sep = t[i];
  if (sep == '-' || sep == '_' || sep == '.' || sep == ':' || sep == ')' || sep == ' ')
    ++i;
  else if (!hash)
    return t;  // e.g. "3D": the digits are part of the name
  std::string rest = Trim(std::string_view(t).substr(i));
  return rest.empty() ? t : rest;
}

void ThrowNotFinite(const std::string& file, const std::string& field, double value, Index row, Index col) {
  throw InputError(file, field,
                   fmt::format("contains {} at row {}, column {} (1-based); values must be finite",
                               std::isnan(value) ? "NaN" : "an infinite value", row + 1, col + 1));
}

void AlignEndmembersToScene(Endmembers& e, const Scene& scene, const std::string& file, const std::string& field,
                            const std::vector<Index>& band_index, const std::string& band_spec) {
  const Index p = scene.bands();
  if (e.bands() == p) return;
  std::vector<Index> pick;
  std::string how;
  if (e.bands() > p && !e.wavelengths.empty() && !scene.wavelengths.empty()) {
    const auto fe = MicrometresPerUnit("", e.wavelengths);
    const auto fs = MicrometresPerUnit(scene.wavelength_units, scene.wavelengths);
    if (fe && fs) {
      for (Index b = 0; b < p; ++b) {
        const double w = scene.wavelengths[static_cast<size_t>(b)] * *fs;
        Index best = -1;
        double best_d = 1e-3;  // 1 nm
        for (Index j = 0; j < e.bands(); ++j) {
          const double d = std::abs(e.wavelengths[static_cast<size_t>(j)] * *fe - w);
          if (d <= best_d) best = j, best_d = d;
        }
        if (best < 0) {
          pick.clear();
          break;
        }
        pick.push_back(best);
      }
      how = "wavelengths";
    }
  }
  if (pick.empty() && static_cast<Index>(band_index.size()) == p) {
    bool ok = true;
    for (Index i : band_index) ok = ok && i >= 0 && i < e.bands();
    if (ok) pick = band_index;
  }
  if (pick.empty() && !band_spec.empty()) {
    try {
      auto idx = ParseBandSpec(band_spec, e.bands());
      if (static_cast<Index>(idx.size()) == p) pick = std::move(idx);
    } catch (const Error&) {
      // the spec was written for the scene's file, not these endmembers: report the mismatch
    }
  }
  if (pick.empty())
    throw InputError(file, field,
                     fmt::format("endmembers have {} bands, the scene has {} (no wavelengths or band index "
                                 "in both to match them)",
                                 e.bands(), p));
  MatrixF spectra(p, e.count());
  std::vector<double> wl;
  for (Index i = 0; i < p; ++i) {
    spectra.row(i) = e.spectra.row(pick[static_cast<size_t>(i)]);
    if (!e.wavelengths.empty()) wl.push_back(e.wavelengths[static_cast<size_t>(pick[static_cast<size_t>(i)])]);
  }
  e.spectra = std::move(spectra);
  e.wavelengths = std::move(wl);
}

void CheckAbundancesAgainstScene(const Abundances& a, const Scene& scene, const std::string& file,
                                 const std::string& field) {
  if (a.pixels() != scene.pixels())
    throw InputError(file, field,
                     fmt::format("expected {} pixels ({} x {} like the scene), found {}", scene.pixels(), scene.rows,
                                 scene.cols, a.pixels()));
  if (a.rows != scene.rows || a.cols != scene.cols)
    throw InputError(
        file, field,
        fmt::format("abundance maps are {} x {} pixels, the scene is {} x {}", a.rows, a.cols, scene.rows, scene.cols));
  if (!a.names.empty() && static_cast<Index>(a.names.size()) != a.count())
    throw InputError(file, field, fmt::format("expected {} names, found {}", a.count(), a.names.size()));
}

Index InvalidateNonFinitePixels(Scene& scene) {
  Index count = 0;
  const Index p = scene.bands(), n = scene.pixels();
  for (Index k = 0; k < n; ++k) {
    float* col = scene.data.col(k).data();
    bool bad = false;
    for (Index b = 0; b < p && !bad; ++b) bad = !std::isfinite(col[b]);
    if (!bad) continue;
    if (scene.valid.empty()) scene.valid.assign(static_cast<size_t>(n), 1);
    if (scene.valid[static_cast<size_t>(k)]) ++count;
    scene.valid[static_cast<size_t>(k)] = 0;
    for (Index b = 0; b < p; ++b) col[b] = 0.0f;
  }
  return count;
}

std::vector<Index> DropBandsWithoutValues(Scene& scene) {
  const Index p = scene.bands(), n = scene.pixels();
  std::vector<char> has_value(static_cast<size_t>(p), 0);
  Index missing = p;
  for (Index k = 0; k < n && missing > 0; ++k) {
    if (!scene.valid.empty() && !scene.valid[static_cast<size_t>(k)]) continue;
    const float* col = scene.data.col(k).data();
    for (Index b = 0; b < p; ++b)
      if (!has_value[static_cast<size_t>(b)] && std::isfinite(col[b])) has_value[static_cast<size_t>(b)] = 1, --missing;
  }
  if (missing == 0 || missing == p) return {};
  std::vector<Index> keep, dropped;
  for (Index b = 0; b < p; ++b) (has_value[static_cast<size_t>(b)] ? keep : dropped).push_back(b);
  KeepBands(scene, keep);
  return dropped;
}

std::string FormatNumber(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{:.10g}", v);
}

}  // namespace unmix::io::detail
