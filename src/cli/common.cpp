#include "cli/common.hpp"

#include <omp.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/read.hpp"

namespace unmix::cli {

void AddSceneOptions(CLI::App& cmd, SceneArgs& a, bool input_required) {
  auto* in = cmd.add_option("-i,--input", a.input, "Scene file (.mat, ENVI .hdr/.img, GeoTIFF, any GDAL raster)");
  if (input_required) in->required();
  cmd.add_option("--gt", a.gt, "Ground truth: .mat with M and/or A (benchmark layout), endmember CSV, or abundance raster");
  cmd.add_option("--var", a.var, "Data variable to read from a .mat file when the layout is not recognised");
  cmd.add_option("--bands", a.bands, "Keep only these bands, 1-based inclusive ranges, e.g. 1-100,120-198");
  cmd.add_flag("--drop-water-bands", a.drop_water,
               "Remove the water-vapour absorption bands 1.34-1.45 and 1.79-1.97 um (needs wavelengths)");
  cmd.add_flag("--trim-edges", a.trim_edges, "With --drop-water-bands: also drop bands below 0.40 and above 2.45 um");
  cmd.add_option("--nodata", a.nodata, "Nodata value of a raster (overrides the file's)");
  cmd.add_flag("--no-scale", a.no_scale, "Do not apply maxValue / reflectance scale factor / band scale");
  cmd.add_flag("--keep-bad-bands", a.keep_bad_bands, "Keep bands the ENVI bbl list marks bad");
  cmd.add_option("--pixel-order", a.pixel_order, "Pixel order of 2-D .mat matrices: auto, column-major, row-major")
      ->capture_default_str();
}

CLI::Validator PositiveNumberCheck() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double v = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, v);
        if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v) || !(v > 0))
          return fmt::format("expected a number greater than 0, got '{}'", text);
        return {};
      },
      "POSITIVE");
}

void AddCommonOptions(CLI::App& cmd, CommonArgs& a, bool with_out) {
  if (with_out) cmd.add_option("-o,--out", a.out, "Output directory (created if missing)");
  cmd.add_option("--threads", a.threads, "Threads (default: all cores)")->check(CLI::Range(0, 1024));
  // CLI11 would take "-1" and 2^64 as 2^64-1: the text is checked first.
  cmd.add_option("--seed", a.seed, "Random seed: a whole number from 0 to 18446744073709551615")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            std::uint64_t v = 0;
            const char* end = text.data() + text.size();
            const auto [ptr, ec] = std::from_chars(text.data(), end, v);
            if (text.empty() || ec != std::errc() || ptr != end)
              return fmt::format("expected a whole number from 0 to 18446744073709551615 (2^64-1), got '{}'", text);
            return {};
          },
          "UINT64"));
  cmd.add_flag("-q,--quiet", a.quiet, "Print nothing but errors");
  cmd.add_flag("--json", a.json, "Print machine-readable JSON on stdout");
}

int ApplyThreads(int threads) {
  if (threads > 0) omp_set_num_threads(threads);
  return omp_get_max_threads();
}

io::ReadOptions ReadOptionsOf(const SceneArgs& a) {
  io::ReadOptions opts;
  opts.var = a.var;
  opts.bands = a.bands;
  opts.remove_water_vapor = a.drop_water;
  opts.water_vapor.trim_edges = a.trim_edges;
  opts.nodata = a.nodata;
  opts.apply_scale = !a.no_scale;
  opts.drop_bad_bands = !a.keep_bad_bands;
  if (a.pixel_order == "column-major") opts.pixel_order = io::MatPixelOrder::kColumnMajor;
  else if (a.pixel_order == "row-major") opts.pixel_order = io::MatPixelOrder::kRowMajor;
  else if (a.pixel_order != "auto")
    throw OptionError(fmt::format("--pixel-order: expected auto, column-major or row-major, got '{}'", a.pixel_order));
  return opts;
}

Scene LoadScene(const SceneArgs& a) {
  Scene scene = io::ReadScene(a.input, ReadOptionsOf(a));
  WarnIfImplausibleValues(scene);
  return scene;
}

void WarnIfImplausibleValues(const Scene& scene) {
  // Reflectance is about 0..1 (0..10000 as scaled integers), radiance up to some 1e4 in common
  // units; raw counts up to 65535. Values beyond 1e7, or all below 1e-6, are none of these.
  double max_abs = 0;
  bool any = false;
  const Index n = scene.pixels(), p = scene.bands();
  for (Index k = 0; k < n; ++k) {
    if (!scene.valid.empty() && !scene.valid[static_cast<size_t>(k)]) continue;
    for (Index b = 0; b < p; ++b) {
      const double v = std::abs(static_cast<double>(scene.data(b, k)));
      if (std::isfinite(v)) max_abs = std::max(max_abs, v), any = true;
    }
  }
  if (!any || (max_abs <= 1e7 && max_abs >= 1e-6) || max_abs == 0) return;
  fmt::print(stderr,
             "unmix: warning: {}: the largest value is {:.3g}, {} any reflectance (0-1, or 0-10000 scaled) or radiance "
             "(up to ~1e4): check the header's data type, byte order and scale factor\n",
             scene.source, max_abs, max_abs > 1e7 ? "far above" : "far below");
}

GroundTruth LoadGroundTruth(const std::string& path, const Scene& scene, const SceneArgs& a, bool check_simplex) {
  GroundTruth gt = io::ReadGroundTruth(path, scene, ReadOptionsOf(a));
  if (!check_simplex || !gt.abundances) return gt;
  const Abundances& ab = *gt.abundances;
  const Index n = ab.pixels(), r = ab.count();
  double lo = 0, hi = 0, worst_sum = 1, sum_dev = 0;
  Index lo_k = 0, hi_k = 0, lo_b = 0, hi_b = 0, counted = 0;
  bool first = true;
  for (Index k = 0; k < n; ++k) {
    if (!scene.valid.empty() && !scene.valid[static_cast<size_t>(k)]) continue;
    double sum = 0;
    for (Index j = 0; j < r; ++j) {
      const double v = ab.values(j, k);
      if (!std::isfinite(v)) continue;
      sum += v;
      if (first || v < lo) lo = v, lo_k = k, lo_b = j;
      if (first || v > hi) hi = v, hi_k = k, hi_b = j;
      first = false;
    }
    sum_dev += std::abs(sum - 1.0);
    ++counted;
    if (std::abs(sum - 1.0) > std::abs(worst_sum - 1.0)) worst_sum = sum;
  }
  const auto where = [&](Index k, Index j) {
    return fmt::format("abundance {} of pixel (row {}, col {})", j + 1, k / ab.cols + 1, k % ab.cols + 1);
  };
  constexpr double kTol = 0.02;  // rounding in files written with few decimals (sums)
  constexpr double kValueTol = 0.05;
  if (!first && (lo < -kValueTol || hi > 1 + kValueTol)) {
    const bool high = hi > 1 + kValueTol;
    throw InputError(path, "abundances",
                     fmt::format("expected values in [0, 1] (fractions of each pixel), found {} = {:.6g}{}: this is not "
                                 "an abundance map (an image or a scaled file given as --gt?)",
                                 high ? where(hi_k, hi_b) : where(lo_k, lo_b), high ? hi : lo,
                                 r > 1 ? fmt::format(" (values {:.4g} to {:.4g} over {} maps)", lo, hi, r) : ""));
  }
  const double mean_dev = counted > 0 ? sum_dev / static_cast<double>(counted) : 0.0;
  if (mean_dev > 0.5)
    throw InputError(path, "abundances",
                     fmt::format("expected the {} maps to sum to about 1 in each pixel (fractions of it), found sums "
                                 "{:.3g} from 1 on average (worst {:.4g}): this is not an abundance map (an image given "
                                 "as --gt?)",
                                 r, mean_dev, worst_sum));
  if (mean_dev > kTol)
    fmt::print(stderr,
               "unmix: warning: {}: abundances: the {} maps sum to 1 in a pixel only on average within {:.3g} (worst "
               "{:.4g}): off the simplex; scores that assume sum-to-one (AID, RMSE against sum-to-one methods) "
               "compare unlike things\n",
               path, r, mean_dev, worst_sum);
  return gt;
}

void Say(const CommonArgs& a, const std::string& text) {
  if (!a.quiet && !a.json) fmt::print("{}\n", text);
}

void WriteJson(const std::filesystem::path& path, const nlohmann::json& j) {
  WriteFileAtomic(path, j.dump(2) + "\n");
}

std::string MethodsHelp(bool networks_only) {
  std::string s = networks_only ? "Networks:\n" : "Methods:\n";
  for (const MethodInfo& m : Methods()) {
    if (networks_only && !m.network()) continue;
    s += fmt::format("  {:<15} {:<10} {}{}\n", m.name, Name(m.kind), m.supervised ? "(supervised) " : "", m.description);
  }
  return s;
}

namespace {
template <typename T>
std::string GroupDefaults(std::optional<T> MethodDefaults::*field) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const MethodInfo& m : Methods()) {
    const auto& v = m.defaults.*field;
    if (!v) continue;
    const std::string text = fmt::format("{:g}", static_cast<double>(*v));
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == text; });
    if (it == groups.end()) it = groups.insert(groups.end(), {text, {}});
    it->second.push_back(m.name);
  }
  std::vector<std::string> parts;
  for (const auto& [value, names] : groups) parts.push_back(fmt::format("{} ({})", value, fmt::join(names, ", ")));
  return fmt::format("{}", fmt::join(parts, "; "));
}
}  // namespace

std::string DefaultsHelp(std::optional<double> MethodDefaults::*field) { return GroupDefaults(field); }
std::string DefaultsHelp(std::optional<int> MethodDefaults::*field) { return GroupDefaults(field); }
std::string DefaultsHelp(std::optional<Index> MethodDefaults::*field) { return GroupDefaults(field); }

}  // namespace unmix::cli
