// The experiments of u-admm-nets.txt (section VI) and nmf-sae.txt (section 3), with the
// settings each paper states, as data for the runner in experiments.cpp. Each experiment
// states its text, conditions, variants, metrics and scenes; the helpers below build the
// shared parts.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>

#include "unmix/core/error.hpp"
#include "unmix/io/library.hpp"
#include "unmix/run/experiments.hpp"
#include "unmix/run/load.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The paper's default noise levels: 15 dB for abundance estimation, 25 dB for blind unmixing.
double DefaultSnr(const Variant& v) { return v.supervised ? 15.0 : 25.0; }

// A variant of `method` with settings `tweak`, supervised as the method is registered.
Variant V(std::string label, std::string method, bool quick = false, std::function<void(RunOptions&)> tweak = {}) {
  const bool supervised = GetMethod(method).supervised;
  return Variant{std::move(label), std::move(method), std::move(tweak), supervised, quick};
}

// Variants named after their methods, with the methods' defaults; a name ending in '*' is part
// of the quick size.
std::vector<Variant> Plain(std::initializer_list<std::string_view> methods) {
  std::vector<Variant> out;
  for (std::string_view m : methods) {
    const bool quick = m.ends_with('*');
    if (quick) m.remove_suffix(1);
    out.push_back(V(std::string(m), std::string(m), quick));
  }
  return out;
}

std::vector<Variant> Join(std::initializer_list<std::vector<Variant>> lists) {
  std::vector<Variant> out;
  for (const auto& l : lists) out.insert(out.end(), l.begin(), l.end());
  return out;
}

std::function<void(RunOptions&)> WithInit(Init how) {
  return [how](RunOptions& o) { o.init = how; };
}

// AENet-II with sum-to-one updates and mu chosen on the training loss (docs/networks.md).
void Asc(RunOptions& o) {
  o.sum_to_one = true;
  o.mu_auto = true;
}

// spatial-purity with exponent q (the default, 32, was chosen on the blind-regions scenes).
Variant Purity(double q) {
  return V(fmt::format("spatial-purity-q{:g}", q), "spatial-purity", false,
           [q](RunOptions& o) { o.purity_exponent = q; });
}

// One condition per value: "15 dB" ("inf", plotted at 35 dB) with unit "dB", else "<value>
// <unit>". The values in `quick` are part of the quick size.
std::vector<Condition> Sweep(std::string_view unit, std::initializer_list<double> values,
                             std::initializer_list<double> quick) {
  std::vector<Condition> out;
  for (double v : values) {
    const bool finite = std::isfinite(v);
    std::string label = finite ? fmt::format("{:g} {}", v, unit) : std::string("inf");
    out.push_back({std::move(label), finite ? v : 35.0, std::find(quick.begin(), quick.end(), v) != quick.end()});
  }
  return out;
}

// The one condition of a table.
std::vector<Condition> Single(std::string label) { return {{std::move(label), 0, true}}; }

// Synthetic scenes of u-admm-nets.txt VI-B (or nmf-sae.txt 3.2), one per seed and SNR.
struct SyntheticSource {
  std::string library_path;
  std::shared_ptr<SpectralLibrary> library;
  SceneAndTruth Make(SyntheticOptions so, double snr, int seed) {
    so.snr_db = snr;
    so.seed = static_cast<std::uint64_t>(seed);
    if (!library_path.empty() && !library)
      library = std::make_shared<SpectralLibrary>(io::ReadSpectralLibrary(library_path));
    SceneAndTruth out = SyntheticSceneAndTruth(so, library.get());
    out.description = fmt::format("{} x {} pixels, {} bands, {} endmembers ({}), SNR {} dB, scene seed {}",
                                  out.scene.rows, out.scene.cols, out.scene.bands(), out.truth.endmembers->count(),
                                  library ? "USGS library" : "built-in spectra",
                                  std::isfinite(snr) ? fmt::format("{:g}", snr) : "inf", seed);
    return out;
  }
};

// The SNR of a scene: the condition's (an SNR sweep), the variant's default, or one value.
using SnrOf = std::function<double(const Condition&, const Variant&)>;
double ConditionSnr(const Condition& c, const Variant&) { return c.label == "inf" ? kInf : c.x; }
double VariantSnr(const Condition&, const Variant& v) { return DefaultSnr(v); }
SnrOf FixedSnr(double snr) {
  return [snr](const Condition&, const Variant&) { return snr; };
}

// Scenes of `so` at SNR `snr`; runs with the same SNR and seed share a scene.
void Synthetic(Experiment& e, const std::shared_ptr<SyntheticSource>& synth, const SyntheticOptions& so, SnrOf snr) {
  e.scene = [synth, so, snr](const Condition& c, int seed, const Variant& v) {
    return synth->Make(so, snr(c, v), seed);
  };
  e.scene_key = [snr](const Condition& c, int seed, const Variant& v) { return fmt::format("{}-{}", snr(c, v), seed); };
}

void OnJasper(Experiment& e, const std::string& data_dir) {
  e.needs_data = true;
  e.scene = [data_dir](const Condition&, int, const Variant&) { return LoadJasperRidge(data_dir); };
  e.scene_key = [](const Condition&, int, const Variant&) { return std::string("jasper"); };
}

// A new experiment at the end of `all`, with its text.
Experiment& Add(std::vector<Experiment>& all, std::string name, std::string title, std::string reproduces,
                std::string settings) {
  Experiment& e = all.emplace_back();
  e.name = std::move(name);
  e.title = std::move(title);
  e.reproduces = std::move(reproduces);
  e.settings = std::move(settings);
  return e;
}

// A plotted sweep: x axis, conditions, the metrics shown and those plotted.
void Plot(Experiment& e, std::string x_label, std::vector<Condition> conditions, std::vector<std::string> metrics,
          std::vector<std::string> plot_metrics) {
  e.x_label = std::move(x_label);
  e.conditions = std::move(conditions);
  e.metrics = std::move(metrics);
  e.plot_metrics = std::move(plot_metrics);
}

const std::vector<std::string> kSupervisedMetrics = {"rmse", "aad_deg", "aid", "train_seconds"};
const std::vector<std::string> kBothMetrics = {"rmse",      "sad_deg_mean",      "aad_deg",
                                               "init_rmse", "init_sad_deg_mean", "train_seconds"};
const std::vector<std::string> kRmseSad = {"rmse", "sad_deg_mean"};

// fcls: the constrained least-squares reference with the true endmembers (u-admm-nets.txt's
// Table VI "SunSAL" column matches it: docs/classical.md).
std::vector<Variant> SupervisedVariants() {
  return Join(
      {Plain({"sunsal*", "fcls", "mnn-ae1", "mnn-ae2", "aenet1", "aenet2*"}), {V("aenet2+asc", "aenet2", true, Asc)}});
}

std::vector<Variant> BlindVariants() {
  return Plain({"vca-fcls*", "spatial-nfindr", "spatial-purity", "l1-nmf", "nmf-sae", "mnn-bu1", "mnn-bu2", "bunet1",
                "bunet2*"});
}

// The sweeps of Figs. 8-10: the networks on the paper's default scenes (supervised at 15 dB,
// blind at 25 dB), one setting varied by `apply`.
void NetworkSweep(Experiment& e, const std::shared_ptr<SyntheticSource>& synth, std::string x_label,
                  std::vector<Condition> conditions, std::function<void(const Condition&, RunOptions&)> apply) {
  Plot(e, std::move(x_label), std::move(conditions), kBothMetrics, kRmseSad);
  e.variants = Join({Plain({"mnn-ae2", "aenet1", "aenet2*"}),
                     {V("aenet2+asc", "aenet2", false, Asc)},
                     Plain({"mnn-bu2", "bunet1", "bunet2*"})});
  Synthetic(e, synth, SyntheticOptions::UAdmmNets(), VariantSnr);
  e.apply = std::move(apply);
}

// NMF-SAE on real data (nmf-sae.txt 3.1): lr 1e-6 for both groups, from the start `how`.
std::function<void(RunOptions&)> NmfReal(Init how) {
  return [how](RunOptions& o) {
    o.learning_rate = 1e-6;
    o.decoder_learning_rate = 1e-6;
    o.init = how;
  };
}

std::function<void(RunOptions&)> AngleFrom(Init how) {
  return [how](RunOptions& o) {
    o.init = how;
    o.reconstruction_loss = ReconstructionLoss::kAngle;
  };
}

void AddUAdmmNets(std::vector<Experiment>& all, const std::shared_ptr<SyntheticSource>& synth) {
  {
    Experiment& e = Add(all, "uadmm-snr", "Accuracy against noise", "u-admm-nets.txt Fig. 11",
                        "Synthetic scenes (a = 10, gamma = 0.8) at each SNR; supervised methods train on 1000 random "
                        "pixels and are scored on the other 9000; blind methods train on all pixels. Defaults: "
                        "2 layers, 300 epochs, batch 64, lr 1e-4. The inf column is plotted at 35 dB.");
    Plot(e, "SNR (dB)", Sweep("dB", {15, 20, 25, 30, kInf}, {15, 25}), kBothMetrics, kRmseSad);
    e.variants = Join({SupervisedVariants(), BlindVariants()});
    Synthetic(e, synth, SyntheticOptions::UAdmmNets(), ConditionSnr);
  }
  NetworkSweep(Add(all, "uadmm-layers", "Accuracy against the number of layers", "u-admm-nets.txt Fig. 8",
                   "Supervised networks at 15 dB (1000 training pixels, scored on the other 9000), blind networks at "
                   "25 dB (all pixels); 300 epochs, batch 64, lr 1e-4; layers counted as the authors' code does."),
               synth, "layers", Sweep("layers", {1, 2, 3, 4, 5, 6, 7}, {1, 2}),
               [](const Condition& c, RunOptions& o) { o.layers = static_cast<int>(c.x); });
  NetworkSweep(Add(all, "uadmm-epochs", "Accuracy against training epochs", "u-admm-nets.txt Fig. 9",
                   "As uadmm-layers with 2 layers, for 50 to 500 epochs."),
               synth, "epochs", Sweep("epochs", {50, 100, 200, 300, 400, 500}, {100}),
               [](const Condition& c, RunOptions& o) { o.epochs = static_cast<int>(c.x); });
  NetworkSweep(Add(all, "uadmm-train-size", "Accuracy against the number of training pixels", "u-admm-nets.txt Fig. 10",
                   "Supervised at 15 dB, blind at 25 dB; each network trains on a random subset of the given size "
                   "(supervised: scored on the remaining pixels; blind: abundances of all pixels by the trained "
                   "encoder). 2 layers, 300 epochs, batch 64, lr 1e-4."),
               synth, "training pixels", Sweep("pixels", {256, 512, 1024, 2048, 4096}, {256}),
               [](const Condition& c, RunOptions& o) { o.train_pixels = static_cast<Index>(c.x); });
  {
    Experiment& e = Add(all, "uadmm-loss", "Supervised loss ablation", "u-admm-nets.txt Fig. 7",
                        "AENet-II at 15 dB trained on 256 pixels (scored on the other 9744) with each combination of "
                        "the composite loss's terms, weights as in eq. (13) (MSE 1, AAD 1e-7, AID 1e-5) or 0; 100 to "
                        "500 epochs, batch 64, lr 1e-4.");
    Plot(e, "epochs", Sweep("epochs", {100, 200, 300, 400, 500}, {100}), kSupervisedMetrics, {"rmse", "aad_deg"});
    auto loss = [](const std::string& label, double m, double a, double i) {
      return V(label, "aenet2", label == "composite", [=](RunOptions& o) { o.loss = {m, a, i}; });
    };
    e.variants = {loss("MSE", 1, 0, 0), loss("MSE+AAD", 1, 1e-7, 0), loss("MSE+AID", 1, 0, 1e-5),
                  loss("AAD+AID", 0, 1e-7, 1e-5), loss("composite", 1, 1e-7, 1e-5)};
    Synthetic(e, synth, SyntheticOptions::UAdmmNets(), FixedSnr(15.0));
    e.apply = [](const Condition& c, RunOptions& o) {
      o.epochs = static_cast<int>(c.x);
      o.train_pixels = 256;
    };
  }
  {
    Experiment& e = Add(all, "uadmm-times", "Run times", "u-admm-nets.txt Tables IV and V",
                        "The default settings (supervised: 1000 training pixels at 15 dB; blind: all pixels at 25 dB; "
                        "2 layers, 300 epochs, batch 64). `seconds` is the whole method (training and unmixing all "
                        "pixels), `inference_seconds` one forward pass of the trained encoder over the scene. The "
                        "paper's times were measured on a Xeon Gold 5120 with a V100 GPU; ours on this project's "
                        "2-core machine, CPU only.");
    e.conditions = Single("default");
    e.variants =
        Plain({"sunsal*", "mnn-ae1", "mnn-ae2", "aenet1", "aenet2*", "mnn-bu1", "mnn-bu2", "bunet1", "bunet2*"});
    e.metrics = {"seconds", "train_seconds", "inference_seconds"};
    Synthetic(e, synth, SyntheticOptions::UAdmmNets(), VariantSnr);
    const std::pair<const char*, const char*> seconds[] = {
        {"sunsal", "1.44"},  {"mnn-ae1", "0.14"}, {"mnn-ae2", "0.14"}, {"aenet1", "0.21"}, {"aenet2", "0.25"},
        {"mnn-bu1", "0.19"}, {"mnn-bu2", "0.27"}, {"bunet1", "0.22"},  {"bunet2", "0.21"}};
    for (const auto& [variant, s] : seconds) e.paper[variant] = {{"seconds", s}};
  }
}

void AddNmfSae(std::vector<Experiment>& all, const std::shared_ptr<SyntheticSource>& synth) {
  {
    Experiment& e = Add(all, "nmfsae-pixels", "NMF-SAE against the number of training pixels", "nmf-sae.txt Fig. 2",
                        "Synthetic scenes of nmf-sae.txt 3.2 (z = 8: 64 x 64 pixels, beta = 0.8) at 25 dB; NMF-SAE "
                        "trains on a random subset (1000 full-batch iterations, lr 1e-4 / 5e-4, 2 layers) and "
                        "encodes every pixel; its VCA + FCLS start beside it.");
    Synthetic(e, synth, SyntheticOptions::NmfSae(), FixedSnr(25.0));
    Plot(e, "training pixels", Sweep("pixels", {256, 512, 1000, 2048, 4096}, {1000}),
         {"rmse", "sad_deg_mean", "sad_rad_mean", "init_rmse", "init_sad_deg_mean", "train_seconds"}, kRmseSad);
    e.variants = Plain({"nmf-sae*"});
    e.apply = [](const Condition& c, RunOptions& o) { o.train_pixels = static_cast<Index>(c.x); };
  }
  {
    Experiment& e = Add(all, "nmfsae-snr", "NMF-SAE and the blind baselines against noise", "nmf-sae.txt Fig. 3",
                        "Synthetic scenes of nmf-sae.txt 3.2 at each SNR; NMF-SAE trains on 1000 pixels, the other "
                        "networks on all; defaults otherwise.");
    Plot(e, "SNR (dB)", Sweep("dB", {15, 20, 25, 30, 35}, {25}),
         {"rmse", "sad_deg_mean", "sad_rad_mean", "train_seconds"}, kRmseSad);
    e.variants = Plain({"vca-fcls*", "l1-nmf", "nmf-sae*", "mnn-bu2", "bunet2"});
    Synthetic(e, synth, SyntheticOptions::NmfSae(), ConditionSnr);
  }
}

void AddJasperSupervised(std::vector<Experiment>& all, const std::string& data_dir) {
  Experiment& e =
      Add(all, "jasper-supervised", "Jasper Ridge, supervised abundance estimation", "u-admm-nets.txt Table VI",
          "256 random training pixels per run (seed = run), scored on the other 9744; networks "
          "initialised from the reference endmembers; 2 layers, 300 epochs, batch 64, lr 1e-4.");
  e.conditions = Single("Jasper Ridge");
  e.variants = SupervisedVariants();
  e.metrics = kSupervisedMetrics;
  OnJasper(e, data_dir);
  e.apply = [](const Condition&, RunOptions& o) {
    o.train_pixels = 256;
    o.init = Init::kGroundTruth;
  };
  // Table VI: RMSE, AAD (degrees) and AID, mean ± std.
  const std::vector<std::array<const char*, 4>> table = {
      {"sunsal", "0.0612 ± 0.0001", "7.9068 ± 0.0001", "0.4564 ± 0.0001"},
      {"mnn-ae1", "0.1285 ± 0.0021", "17.9929 ± 0.3719", "2.1823 ± 0.0358"},
      {"mnn-ae2", "0.1262 ± 0.0008", "17.4182 ± 0.1998", "2.1215 ± 0.0444"},
      {"aenet1", "0.0212 ± 0.0005", "2.6742 ± 0.0660", "0.1765 ± 0.0126"},
      {"aenet2", "0.0214 ± 0.0004", "2.7447 ± 0.0669", "0.1630 ± 0.0197"}};
  for (const auto& [variant, rmse, aad, aid] : table)
    e.paper[variant] = {{"rmse", rmse}, {"aad_deg", aad}, {"aid", aid}};
}

void AddBlindRegions(std::vector<Experiment>& all, const std::shared_ptr<SyntheticSource>& synth) {
  // Not in the papers: scenes with pure regions and brightness variation, where the blind starts
  // are developed before they meet Jasper Ridge.
  Experiment& e = Add(all, "blind-regions", "Blind starts on scenes with pure regions", "not in the papers",
                      "Synthetic 100 x 100 scenes: 40 Voronoi cells, each pure in one of 5 endmembers (cell i takes "
                      "endmember i mod 5), blurred with the papers' 11 x 11 Gaussian (variance 2), every pixel's "
                      "brightness scaled by U[0.8, 1.2], white noise at each SNR (unmix synth --layout regions "
                      "--regions 40 --brightness 0.2 -r 5). No training: the endmember searches and their "
                      "abundances. spatial-purity-qN: exponent q = N; spatial-purity: q = 32.");
  Plot(e, "SNR (dB)", Sweep("dB", {20, 25, 30, 40}, {20}), {"sad_deg_mean", "rmse", "aad_deg"},
       {"sad_deg_mean", "rmse"});
  e.variants = Join({Plain({"vca-fcls*", "nfindr-fcls", "l1-nmf", "spatial-nfindr*"}),
                     {Purity(8), Purity(16)},
                     Plain({"spatial-purity*"}),
                     {Purity(64)}});
  SyntheticOptions so = SyntheticOptions::UAdmmNets();
  so.layout = SyntheticOptions::Layout::kRegions;
  so.regions = 40;
  so.brightness = 0.2;
  so.endmembers = 5;
  Synthetic(e, synth, so, ConditionSnr);
}

void AddJasperBlind(std::vector<Experiment>& all, const std::string& data_dir) {
  // Tables VII and VIII, nmf-sae.txt Table 1.
  Experiment& e = Add(
      all, "jasper-blind", "Jasper Ridge, blind unmixing", "u-admm-nets.txt Tables VII and VIII, nmf-sae.txt Table 1",
      "All 10,000 pixels; networks start from VCA (seed = run) + FCLS unless the name says otherwise "
      "(+spatial: spatial-nfindr's endmembers; +purity: spatial-purity's (q = 32); +best: --init best; "
      "+gt: the reference endmembers, an "
      "oracle start to see what training does from the right answer; +angle: --recon-loss angle); ADMM and MNN "
      "networks 2 layers, "
      "300 epochs, batch 64, lr 1e-4; NMF-SAE 1000 full-batch iterations on 1000 pixels with lr 1e-6 "
      "for both groups (nmf-sae.txt 3.1, real data). SAD per endmember in degrees.");
  e.conditions = Single("Jasper Ridge");
  e.variants =
      Join({Plain({"vca-fcls*", "nfindr-fcls", "l1-nmf"}),
            {V("nmf-sae", "nmf-sae", true, NmfReal(Init::kVca))},
            Plain({"mnn-bu2", "bunet1", "bunet2*", "spatial-nfindr*", "spatial-purity*"}),
            {Purity(8), Purity(16), Purity(64), V("l1-nmf+purity", "l1-nmf", false, WithInit(Init::kSpatialPurity)),
             V("bunet2+purity", "bunet2", false, WithInit(Init::kSpatialPurity)),
             V("l1-nmf+spatial", "l1-nmf", false, WithInit(Init::kSpatialNFindr)),
             V("nmf-sae+spatial", "nmf-sae", false, NmfReal(Init::kSpatialNFindr)),
             V("bunet2+spatial", "bunet2", false, WithInit(Init::kSpatialNFindr)),
             V("bunet2+best", "bunet2", false, WithInit(Init::kBest)),
             V("bunet2+gt", "bunet2", false, WithInit(Init::kGroundTruth)),
             V("nmf-sae+gt", "nmf-sae", false, NmfReal(Init::kGroundTruth)),
             V("bunet2+gt+angle", "bunet2", false, AngleFrom(Init::kGroundTruth)),
             V("bunet2+spatial+angle", "bunet2", false, AngleFrom(Init::kSpatialNFindr))}});
  e.metrics = {"sad_deg.tree", "sad_deg.water", "sad_deg.dirt", "sad_deg.road",      "sad_deg_mean", "sad_rad_mean",
               "rmse",         "aad_deg",       "aid",          "init_sad_deg_mean", "train_seconds"};
  OnJasper(e, data_dir);
  e.paper = {{"mnn-bu2",
              {{"sad_deg.tree", "5.0530 ± 0.0017"},
               {"sad_deg.water", "16.4420 ± 0.0276"},
               {"sad_deg.dirt", "2.2163 ± 0.0037"},
               {"sad_deg.road", "0.9679 ± 0.0029"},
               {"sad_deg_mean", "6.1698 ± 0.0057"},
               {"sad_rad_mean", "0.0726 (nmf-sae.txt, MNN-BU)"},
               {"rmse", "0.0773 ± 0.0009"},
               {"aad_deg", "9.8228 ± 0.1362"},
               {"aid", "0.4974 ± 0.0088"}}},
             {"bunet2",
              {{"sad_deg.tree", "5.0308 ± 0.0037"},
               {"sad_deg.water", "13.4348 ± 0.0931"},
               {"sad_deg.dirt", "1.2418 ± 0.0049"},
               {"sad_deg.road", "1.0425 ± 0.0058"},
               {"sad_deg_mean", "5.1875 ± 0.0240"},
               {"rmse", "0.0720 ± 0.0012"},
               {"aad_deg", "9.1563 ± 0.1625"},
               {"aid", "0.4604 ± 0.0153"}}},
             {"nmf-sae",
              {{"sad_deg.tree", "2.83 (0.0494 rad)"},
               {"sad_deg.water", "4.18 (0.0729 rad)"},
               {"sad_deg.dirt", "3.02 (0.0527 rad)"},
               {"sad_deg.road", "5.34 (0.0932 rad)"},
               {"sad_deg_mean", "3.84"},
               {"sad_rad_mean", "0.0671 ± 1.47 %"}}}};
}

}  // namespace

std::vector<Experiment> AllExperiments(const ExperimentContext& ctx) {
  auto synth = std::make_shared<SyntheticSource>();
  synth->library_path = ctx.library;
  std::vector<Experiment> all;
  all.reserve(11);
  AddUAdmmNets(all, synth);
  AddNmfSae(all, synth);
  AddJasperSupervised(all, ctx.data_dir);
  AddBlindRegions(all, synth);
  AddJasperBlind(all, ctx.data_dir);
  return all;
}

const Experiment& FindExperiment(const std::vector<Experiment>& all, std::string_view name) {
  const auto it = std::find_if(all.begin(), all.end(), [&](const Experiment& e) { return e.name == name; });
  if (it != all.end()) return *it;
  std::string names;
  for (const auto& e : all) names += (names.empty() ? "" : ", ") + e.name;
  throw OptionError(fmt::format("unknown experiment '{}' (known: {}, all)", name, names));
}

std::string DefaultDataDir() {
  if (const char* env = std::getenv("UNMIX_SHARED_DATA")) return env;
  return "../shared/data";
}

std::filesystem::path JasperRidgeScenePath(const std::filesystem::path& data_dir) {
  return data_dir / "jasper_ridge" / "jasperRidge2_R198.mat";
}

SceneAndTruth SyntheticSceneAndTruth(const SyntheticOptions& options, const SpectralLibrary* library) {
  SyntheticScene syn = MakeSyntheticScene(options, library);
  SceneAndTruth out;
  out.scene = std::move(syn.scene);
  out.truth.endmembers = std::move(syn.endmembers);
  out.truth.abundances = std::move(syn.abundances);
  return out;
}

SceneAndTruth LoadJasperRidge(const std::filesystem::path& data_dir) {
  const std::filesystem::path dir = data_dir / "jasper_ridge";
  SceneAndTruth out;
  out.scene = LoadScene(JasperRidgeScenePath(data_dir).string(), io::ReadOptions{}, &out.warnings);
  out.truth =
      LoadGroundTruth((dir / "JasperRidge2_end4.mat").string(), out.scene, io::ReadOptions{}, true, &out.warnings);
  out.description = fmt::format(
      "Jasper Ridge: {} x {} pixels, {} bands, Y / maxValue, reference M and A of "
      "JasperRidge2_end4.mat",
      out.scene.rows, out.scene.cols, out.scene.bands());
  return out;
}

}  // namespace unmix
