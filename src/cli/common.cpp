#include "cli/common.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/read.hpp"
#include "unmix/run/load.hpp"
#include "unmix/run/run_folder.hpp"

namespace unmix::cli {

void AddSceneOptions(CLI::App& cmd, SceneArgs& a, bool input_required) {
  auto* in = cmd.add_option("-i,--input", a.input, "Scene file (.mat, ENVI .hdr/.img, GeoTIFF, any GDAL raster)");
  if (input_required) in->required();
  cmd.add_option("--gt", a.gt,
                 "Ground truth: .mat with M and/or A (benchmark layout), endmember CSV, or abundance raster");
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
  if (a.pixel_order == "column-major")
    opts.pixel_order = io::MatPixelOrder::kColumnMajor;
  else if (a.pixel_order == "row-major")
    opts.pixel_order = io::MatPixelOrder::kRowMajor;
  else if (a.pixel_order != "auto")
    throw OptionError(fmt::format("--pixel-order: expected auto, column-major or row-major, got '{}'", a.pixel_order));
  return opts;
}

Scene LoadScene(const SceneArgs& a) {
  std::vector<std::string> warnings;
  Scene scene = unmix::LoadScene(a.input, ReadOptionsOf(a), &warnings);
  for (const auto& w : warnings) fmt::print(stderr, "unmix: warning: {}\n", w);
  return scene;
}

GroundTruth LoadGroundTruth(const std::string& path, const Scene& scene, const SceneArgs& a, bool check_simplex) {
  std::vector<std::string> warnings;
  GroundTruth gt = unmix::LoadGroundTruth(path, scene, ReadOptionsOf(a), check_simplex, &warnings);
  for (const auto& w : warnings) fmt::print(stderr, "unmix: warning: {}\n", w);
  return gt;
}

void Say(const CommonArgs& a, const std::string& text) {
  if (!a.quiet && !a.json) fmt::print("{}\n", text);
}

void WriteJson(const std::filesystem::path& path, const nlohmann::json& j) { WriteJsonFile(path, j); }

std::string MethodsHelp(bool networks_only) {
  std::string s = networks_only ? "Networks:\n" : "Methods:\n";
  for (const MethodInfo& m : Methods()) {
    if (networks_only && !m.network()) continue;
    s +=
        fmt::format("  {:<15} {:<10} {}{}\n", m.name, Name(m.kind), m.supervised ? "(supervised) " : "", m.description);
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
