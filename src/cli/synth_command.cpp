// unmix synth: write a synthetic scene (both papers' procedure) and its ground truth.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>

#include "cli/common.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/csv.hpp"
#include "unmix/io/library.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix::cli {
namespace {

struct SynthArgs {
  CommonArgs common;
  std::string preset = "uadmm";
  std::optional<Index> patch;
  std::optional<double> gamma;
  std::optional<Index> endmembers;
  std::string snr = "inf";
  std::string library;
  std::vector<std::string> names;
  std::optional<double> min_angle;
  std::optional<double> blur_variance;
  std::optional<Index> kernel;
  std::optional<Index> bands;
  std::string format = "envi";
  std::string layout = "patches";
  std::optional<Index> regions;
  double brightness = 0;
  double max_purity = 1;
  double dark = 0;
  double variability = 0;
  double noise_correlation = 0;
};

double ParseSnr(const std::string& s) {
  if (s == "inf" || s == "Inf" || s == "none") return std::numeric_limits<double>::infinity();
  try {
    size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw OptionError(fmt::format("--snr: expected a number of dB or 'inf', got '{}'", s));
}

void RunSynth(const SynthArgs& a) {
  SyntheticOptions o;
  if (a.preset == "uadmm")
    o = SyntheticOptions::UAdmmNets();
  else if (a.preset == "nmfsae")
    o = SyntheticOptions::NmfSae();
  else
    throw OptionError(fmt::format("--preset: expected uadmm or nmfsae, got '{}'", a.preset));
  if (a.patch) o.patch = *a.patch;
  if (a.gamma) o.gamma = *a.gamma;
  if (a.endmembers) {
    o.endmembers = *a.endmembers;
    if (a.names.empty()) o.library_names.clear();
  }
  if (!a.names.empty()) o.library_names = a.names;
  if (a.min_angle) o.spectra.min_angle_deg = *a.min_angle;
  if (a.blur_variance) o.blur_variance = *a.blur_variance;
  if (a.kernel) {
    if (*a.kernel < 1) throw OptionError(fmt::format("--kernel must be at least 1 (got {})", *a.kernel));
    o.kernel_size = *a.kernel;
  }
  if (a.bands) o.spectra.bands = *a.bands;
  if (a.layout == "regions")
    o.layout = SyntheticOptions::Layout::kRegions;
  else if (a.layout != "patches")
    throw OptionError(fmt::format("--layout: expected patches or regions, got '{}'", a.layout));
  if (a.regions) {
    if (o.layout != SyntheticOptions::Layout::kRegions) throw OptionError("--regions needs --layout regions");
    o.regions = *a.regions;
  }
  o.brightness = a.brightness;
  o.max_purity = a.max_purity;
  o.dark = a.dark;
  o.variability = a.variability;
  o.noise_correlation = a.noise_correlation;
  o.snr_db = ParseSnr(a.snr);
  o.seed = a.common.seed;
  if (a.library.empty() && a.preset == "nmfsae") o.library_names.clear();  // built-in spectra
  if (a.library.empty() && !a.names.empty())
    throw OptionError("--names needs --library (names pick spectra from a library)");
  if (!a.library.empty() && a.bands)
    throw OptionError("--bands applies to built-in spectra only; a library fixes the band count");
  std::string why;
  if (!o.IsValid(&why)) throw OptionError(why);

  std::optional<SpectralLibrary> lib;
  if (!a.library.empty()) lib = io::ReadSpectralLibrary(a.library);
  Stopwatch sw;
  const SyntheticScene s = MakeSyntheticScene(o, lib ? &*lib : nullptr);
  const double t_make = sw.seconds();

  const std::filesystem::path out(a.common.out);
  EnsureWritableDirectory(out);
  std::filesystem::path scene_path;
  if (a.format == "envi") {
    scene_path = out / "scene.hdr";
    io::WriteRaster(out / "scene.img", s.scene, {.format = io::RasterFormat::kEnvi});
  } else if (a.format == "gtiff") {
    scene_path = out / "scene.tif";
    io::WriteRaster(scene_path, s.scene, {.format = io::RasterFormat::kGTiff});
  } else if (a.format == "mat") {
    scene_path = out / "scene.mat";
    io::WriteMatScene(scene_path, s.scene);
  } else {
    throw OptionError(fmt::format("--format: expected envi, gtiff or mat, got '{}'", a.format));
  }
  io::WriteMatResult(out / "gt.mat", &s.endmembers, &s.abundances);
  io::WriteEndmembersCsv(out / "endmembers.csv", s.endmembers);

  nlohmann::json info = {
      {"scene", scene_path.string()},
      {"ground_truth", (out / "gt.mat").string()},
      {"endmembers_csv", (out / "endmembers.csv").string()},
      {"preset", a.preset},
      {"patch", o.patch},
      {"image", {s.scene.rows, s.scene.cols}},
      {"bands", s.scene.bands()},
      {"gamma", o.gamma},
      {"layout", a.layout},
      {"regions", o.layout == SyntheticOptions::Layout::kRegions ? nlohmann::json(o.regions) : nlohmann::json()},
      {"brightness", o.brightness},
      {"endmembers", s.endmembers.names},
      {"blur_variance", o.blur_variance},
      {"kernel", o.kernel()},
      {"snr_db", std::isfinite(o.snr_db) ? nlohmann::json(o.snr_db) : nlohmann::json("inf")},
      {"realized_snr_db", std::isfinite(s.realized_snr_db) ? nlohmann::json(s.realized_snr_db) : nlohmann::json("inf")},
      {"noise_sigma", s.noise_sigma},
      {"seed", o.seed},
      {"library", a.library},
      {"seconds", t_make}};
  WriteJson(out / "synth.json", info);
  if (a.common.json) {
    fmt::print("{}\n", info.dump(2));
    return;
  }
  Say(a.common, fmt::format("synthetic scene: {} x {} pixels, {} bands, {} endmembers, SNR {} dB", s.scene.rows,
                            s.scene.cols, s.scene.bands(), s.endmembers.count(),
                            std::isfinite(o.snr_db) ? fmt::format("{:g}", o.snr_db) : "inf"));
  Say(a.common, fmt::format("  scene        {}", scene_path.string()));
  Say(a.common, fmt::format("  ground truth {}", (out / "gt.mat").string()));
}

}  // namespace

void RegisterSynth(CLI::App& app) {
  auto a = std::make_shared<SynthArgs>();
  auto* cmd = app.add_subcommand("synth", "Write a synthetic scene and its ground truth");
  AddCommonOptions(*cmd, a->common);
  cmd->get_option("--out")->required();
  cmd->add_option("--preset", a->preset, "uadmm (u-admm-nets.txt VI-B) or nmfsae (nmf-sae.txt 3.2)")
      ->capture_default_str();
  cmd->add_option("--layout", a->layout,
                  "patches (the papers': a x a two-endmember patches) or regions (pure Voronoi cells, blurred)")
      ->capture_default_str();
  cmd->add_option("--regions", a->regions, "Number of Voronoi cells with --layout regions (40)");
  cmd->add_option("--brightness", a->brightness,
                  "Per-pixel brightness variation b: each clean spectrum scaled by U[1-b, 1+b] (0)")
      ->capture_default_str();
  cmd->add_option("--max-purity", a->max_purity,
                  "No pixel purer than c: pixels above it are moved towards the simplex centre (1 = off)")
      ->capture_default_str();
  cmd->add_option("--dark", a->dark, "Scale the last endmember to this mean reflectance, a dark material (0 = off)")
      ->capture_default_str();
  cmd->add_option(
         "--variability", a->variability,
         "Endmember variability v: each pixel's copy of each spectrum times 1 + v (a + b t), a, b in U[-1, 1], "
         "t across the bands (0)")
      ->capture_default_str();
  cmd->add_option("--noise-correlation", a->noise_correlation,
                  "Noise correlated between neighbouring bands: AR(1) coefficient rho in [0, 1), same SNR (0)")
      ->capture_default_str();
  cmd->add_option("--patch,-a", a->patch, "Patch size a: a x a patches, a^2 x a^2 image (uadmm 10, nmfsae 8)");
  cmd->add_option("--gamma", a->gamma, "Fraction of the first endmember in a patch (0.8)");
  cmd->add_option("-r,--endmembers", a->endmembers, "Number of endmembers (6)");
  cmd->add_option("--snr", a->snr, "Signal-to-noise ratio in dB, or inf for none")->capture_default_str();
  cmd->add_option("--library", a->library, "Spectral library (.mat USGS layout or CSV) for the endmembers");
  cmd->add_option("--names", a->names, "Library spectra to use, by name prefix")->delimiter(',');
  cmd->add_option("--min-angle", a->min_angle, "Minimum angle between random endmembers, degrees (5)");
  cmd->add_option("--blur-variance", a->blur_variance, "Gaussian blur variance, pixels^2 (2)");
  cmd->add_option("--kernel", a->kernel, "Blur kernel size (a + 1)");
  cmd->add_option("--bands", a->bands, "Bands of the built-in spectra (224)");
  cmd->add_option("--format", a->format, "Scene file format: envi, gtiff or mat")->capture_default_str();
  cmd->callback([a] { RunSynth(*a); });
}

}  // namespace unmix::cli
