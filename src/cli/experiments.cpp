// The experiments of u-admm-nets.txt (section VI) and nmf-sae.txt (section 3), with the
// settings each paper states, as data for the runner in experiment_command.cpp.
#include "cli/experiments.hpp"

#include <cmath>
#include <filesystem>
#include <limits>

#include <fmt/format.h>

#include "cli/common.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/library.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix::cli {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The paper's default noise levels: 15 dB for abundance estimation, 25 dB for blind unmixing.
double DefaultSnr(const Variant& v) { return v.supervised ? 15.0 : 25.0; }

Variant V(std::string label, std::string method, bool supervised, bool quick = false,
          std::function<void(RunOptions&)> tweak = {}) {
  return Variant{std::move(label), std::move(method), std::move(tweak), supervised, quick};
}

// AENet-II with sum-to-one updates and mu chosen on the training loss (docs/networks.md).
void Asc(RunOptions& o) {
  o.sum_to_one = true;
  o.mu_auto = true;
}

std::vector<Variant> SupervisedVariants() {
  // fcls: the constrained least-squares reference with the true endmembers (u-admm-nets.txt's
  // Table VI "SunSAL" column matches it: docs/classical.md).
  return {V("sunsal", "sunsal", true, true),       V("fcls", "fcls", true),
          V("mnn-ae1", "mnn-ae1", true),           V("mnn-ae2", "mnn-ae2", true),
          V("aenet1", "aenet1", true),             V("aenet2", "aenet2", true, true),
          V("aenet2+asc", "aenet2", true, true, Asc)};
}

std::vector<Variant> BlindVariants() {
  return {V("vca-fcls", "vca-fcls", false, true), V("spatial-nfindr", "spatial-nfindr", false),
          V("spatial-purity", "spatial-purity", false), V("l1-nmf", "l1-nmf", false), V("nmf-sae", "nmf-sae", false),
          V("mnn-bu1", "mnn-bu1", false),          V("mnn-bu2", "mnn-bu2", false), V("bunet1", "bunet1", false),
          V("bunet2", "bunet2", false, true)};
}

// spatial-purity with exponent q (the default, 32, was chosen on the blind-regions scenes).
std::function<void(RunOptions&)> Purity(double q) {
  return [q](RunOptions& o) { o.purity_exponent = q; };
}

std::vector<Variant> Concat(std::vector<Variant> a, const std::vector<Variant>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Synthetic scenes of u-admm-nets.txt VI-B (or nmf-sae.txt 3.2), one per seed and SNR.
struct SyntheticSource {
  std::string library_path;
  std::shared_ptr<SpectralLibrary> library;
  SceneAndTruth Make(SyntheticOptions so, double snr, int seed) {
    so.snr_db = snr;
    so.seed = static_cast<std::uint64_t>(seed);
    if (!library_path.empty() && !library) library = std::make_shared<SpectralLibrary>(io::ReadSpectralLibrary(library_path));
    const SyntheticScene s = MakeSyntheticScene(so, library.get());
    SceneAndTruth out;
    out.scene = s.scene;
    out.truth.endmembers = s.endmembers;
    out.truth.abundances = s.abundances;
    out.description = fmt::format("{} x {} pixels, {} bands, {} endmembers ({}), SNR {} dB, scene seed {}",
                                  s.scene.rows, s.scene.cols, s.scene.bands(), s.endmembers.count(),
                                  library ? "USGS library" : "built-in spectra",
                                  std::isfinite(snr) ? fmt::format("{:g}", snr) : "inf", seed);
    return out;
  }
};

std::string SnrLabel(double snr) { return std::isfinite(snr) ? fmt::format("{:g} dB", snr) : "inf"; }

// Jasper Ridge as the papers use it: Y / maxValue, 198 bands, reference M and A.
SceneAndTruth Jasper(const std::string& data_dir) {
  const std::filesystem::path dir = std::filesystem::path(data_dir) / "jasper_ridge";
  SceneArgs args;
  args.input = (dir / "jasperRidge2_R198.mat").string();
  SceneAndTruth out;
  out.scene = LoadScene(args);
  out.truth = LoadGroundTruth((dir / "JasperRidge2_end4.mat").string(), out.scene, args);
  out.description = fmt::format("Jasper Ridge: {} x {} pixels, {} bands, Y / maxValue, reference M and A of "
                                "JasperRidge2_end4.mat", out.scene.rows, out.scene.cols, out.scene.bands());
  return out;
}

}  // namespace

std::vector<Experiment> AllExperiments(const ExperimentContext& ctx) {
  auto synth = std::make_shared<SyntheticSource>();
  synth->library_path = ctx.library;
  const std::string data_dir = ctx.data_dir;
  std::vector<Experiment> all;
  const std::vector<std::string> sup_metrics = {"rmse", "aad_deg", "aid", "train_seconds"};
  const std::vector<std::string> both_metrics = {"rmse", "sad_deg_mean", "aad_deg", "init_rmse",
                                                 "init_sad_deg_mean", "train_seconds"};
  auto uadmm_scene = [synth](double snr, int seed) { return synth->Make(SyntheticOptions::UAdmmNets(), snr, seed); };
  // The sweeps of Figs. 8-10: the networks on the paper's default scenes (supervised at 15 dB,
  // blind at 25 dB), one setting varied by `apply`.
  auto network_sweep = [&](Experiment& e, std::function<void(const Condition&, RunOptions&)> apply) {
    e.variants = {V("mnn-ae2", "mnn-ae2", true), V("aenet1", "aenet1", true), V("aenet2", "aenet2", true, true),
                  V("aenet2+asc", "aenet2", true, false, Asc), V("mnn-bu2", "mnn-bu2", false),
                  V("bunet1", "bunet1", false), V("bunet2", "bunet2", false, true)};
    e.metrics = both_metrics;
    e.plot_metrics = {"rmse", "sad_deg_mean"};
    e.scene = [uadmm_scene](const Condition&, int seed, const Variant& v) { return uadmm_scene(DefaultSnr(v), seed); };
    e.scene_key = [](const Condition&, int seed, const Variant& v) { return fmt::format("{}-{}", DefaultSnr(v), seed); };
    e.apply = std::move(apply);
  };

  {  // Fig. 11: accuracy against noise.
    Experiment e;
    e.name = "uadmm-snr";
    e.title = "Accuracy against noise";
    e.reproduces = "u-admm-nets.txt Fig. 11";
    e.settings = "Synthetic scenes (a = 10, gamma = 0.8) at each SNR; supervised methods train on 1000 random "
                 "pixels and are scored on the other 9000; blind methods train on all pixels. Defaults: "
                 "2 layers, 300 epochs, batch 64, lr 1e-4. The inf column is plotted at 35 dB.";
    e.x_label = "SNR (dB)";
    for (double snr : {15.0, 20.0, 25.0, 30.0, kInf})
      e.conditions.push_back({SnrLabel(snr), std::isfinite(snr) ? snr : 35.0, snr == 15.0 || snr == 25.0});
    e.variants = Concat(SupervisedVariants(), BlindVariants());
    e.metrics = both_metrics;
    e.plot_metrics = {"rmse", "sad_deg_mean"};
    e.scene = [uadmm_scene](const Condition& c, int seed, const Variant&) {
      return uadmm_scene(c.x == 35.0 ? kInf : c.x, seed);
    };
    e.scene_key = [](const Condition& c, int seed, const Variant&) { return fmt::format("{}-{}", c.x, seed); };
    all.push_back(std::move(e));
  }
  {  // Fig. 8: layers.
    Experiment e;
    e.name = "uadmm-layers";
    e.title = "Accuracy against the number of layers";
    e.reproduces = "u-admm-nets.txt Fig. 8";
    e.settings = "Supervised networks at 15 dB (1000 training pixels, scored on the other 9000), blind networks at "
                 "25 dB (all pixels); 300 epochs, batch 64, lr 1e-4; layers counted as the authors' code does.";
    e.x_label = "layers";
    for (int k = 1; k <= 7; ++k) e.conditions.push_back({fmt::format("{} layers", k), double(k), k <= 2});
    network_sweep(e, [](const Condition& c, RunOptions& o) { o.layers = static_cast<int>(c.x); });
    all.push_back(std::move(e));
  }
  {  // Fig. 9: epochs.
    Experiment e;
    e.name = "uadmm-epochs";
    e.title = "Accuracy against training epochs";
    e.reproduces = "u-admm-nets.txt Fig. 9";
    e.settings = "As uadmm-layers with 2 layers, for 50 to 500 epochs.";
    e.x_label = "epochs";
    for (int ep : {50, 100, 200, 300, 400, 500}) e.conditions.push_back({fmt::format("{} epochs", ep), double(ep), ep == 100});
    network_sweep(e, [](const Condition& c, RunOptions& o) { o.epochs = static_cast<int>(c.x); });
    all.push_back(std::move(e));
  }
  {  // Fig. 10: training-set size.
    Experiment e;
    e.name = "uadmm-train-size";
    e.title = "Accuracy against the number of training pixels";
    e.reproduces = "u-admm-nets.txt Fig. 10";
    e.settings = "Supervised at 15 dB, blind at 25 dB; each network trains on a random subset of the given size "
                 "(supervised: scored on the remaining pixels; blind: abundances of all pixels by the trained "
                 "encoder). 2 layers, 300 epochs, batch 64, lr 1e-4.";
    e.x_label = "training pixels";
    for (int n : {256, 512, 1024, 2048, 4096}) e.conditions.push_back({fmt::format("{} pixels", n), double(n), n == 256});
    network_sweep(e, [](const Condition& c, RunOptions& o) { o.train_pixels = static_cast<Index>(c.x); });
    all.push_back(std::move(e));
  }
  {  // Fig. 7: loss ablation.
    Experiment e;
    e.name = "uadmm-loss";
    e.title = "Supervised loss ablation";
    e.reproduces = "u-admm-nets.txt Fig. 7";
    e.settings = "AENet-II at 15 dB trained on 256 pixels (scored on the other 9744) with each combination of the "
                 "composite loss's terms, weights as in eq. (13) (MSE 1, AAD 1e-7, AID 1e-5) or 0; 100 to 500 "
                 "epochs, batch 64, lr 1e-4.";
    e.x_label = "epochs";
    for (int ep : {100, 200, 300, 400, 500}) e.conditions.push_back({fmt::format("{} epochs", ep), double(ep), ep == 100});
    auto loss = [](double m, double a, double i) { return [=](RunOptions& o) { o.loss = {m, a, i}; }; };
    e.variants = {V("MSE", "aenet2", true, false, loss(1, 0, 0)), V("MSE+AAD", "aenet2", true, false, loss(1, 1e-7, 0)),
                  V("MSE+AID", "aenet2", true, false, loss(1, 0, 1e-5)),
                  V("AAD+AID", "aenet2", true, false, loss(0, 1e-7, 1e-5)),
                  V("composite", "aenet2", true, true, loss(1, 1e-7, 1e-5))};
    e.metrics = sup_metrics;
    e.plot_metrics = {"rmse", "aad_deg"};
    e.scene = [uadmm_scene](const Condition&, int seed, const Variant&) { return uadmm_scene(15.0, seed); };
    e.scene_key = [](const Condition&, int seed, const Variant&) { return fmt::format("15-{}", seed); };
    e.apply = [](const Condition& c, RunOptions& o) {
      o.epochs = static_cast<int>(c.x);
      o.train_pixels = 256;
    };
    all.push_back(std::move(e));
  }
  {  // Tables IV and V: run times.
    Experiment e;
    e.name = "uadmm-times";
    e.title = "Run times";
    e.reproduces = "u-admm-nets.txt Tables IV and V";
    e.settings = "The default settings (supervised: 1000 training pixels at 15 dB; blind: all pixels at 25 dB; "
                 "2 layers, 300 epochs, batch 64). `seconds` is the whole method (training and unmixing all "
                 "pixels), `inference_seconds` one forward pass of the trained encoder over the scene. The "
                 "paper's times were measured on a Xeon Gold 5120 with a V100 GPU; ours on this project's "
                 "2-core machine, CPU only.";
    e.conditions = {{"default", 0, true}};
    e.variants = {V("sunsal", "sunsal", true, true), V("mnn-ae1", "mnn-ae1", true), V("mnn-ae2", "mnn-ae2", true),
                  V("aenet1", "aenet1", true),       V("aenet2", "aenet2", true, true),
                  V("mnn-bu1", "mnn-bu1", false),    V("mnn-bu2", "mnn-bu2", false),
                  V("bunet1", "bunet1", false),      V("bunet2", "bunet2", false, true)};
    e.metrics = {"seconds", "train_seconds", "inference_seconds"};
    e.scene = [uadmm_scene](const Condition&, int seed, const Variant& v) { return uadmm_scene(DefaultSnr(v), seed); };
    e.scene_key = [](const Condition&, int seed, const Variant& v) { return fmt::format("{}-{}", DefaultSnr(v), seed); };
    e.paper = {{"sunsal", {{"seconds", "1.44"}}},  {"mnn-ae1", {{"seconds", "0.14"}}}, {"mnn-ae2", {{"seconds", "0.14"}}},
               {"aenet1", {{"seconds", "0.21"}}},  {"aenet2", {{"seconds", "0.25"}}}, {"mnn-bu1", {{"seconds", "0.19"}}},
               {"mnn-bu2", {{"seconds", "0.27"}}}, {"bunet1", {{"seconds", "0.22"}}}, {"bunet2", {{"seconds", "0.21"}}}};
    all.push_back(std::move(e));
  }
  auto nmf_scene = [synth](double snr, int seed) { return synth->Make(SyntheticOptions::NmfSae(), snr, seed); };
  {  // nmf-sae.txt Fig. 2: training pixels.
    Experiment e;
    e.name = "nmfsae-pixels";
    e.title = "NMF-SAE against the number of training pixels";
    e.reproduces = "nmf-sae.txt Fig. 2";
    e.settings = "Synthetic scenes of nmf-sae.txt 3.2 (z = 8: 64 x 64 pixels, beta = 0.8) at 25 dB; NMF-SAE "
                 "trains on a random subset (1000 full-batch iterations, lr 1e-4 / 5e-4, 2 layers) and encodes "
                 "every pixel; its VCA + FCLS start beside it.";
    e.x_label = "training pixels";
    for (int n : {256, 512, 1000, 2048, 4096}) e.conditions.push_back({fmt::format("{} pixels", n), double(n), n == 1000});
    e.variants = {V("nmf-sae", "nmf-sae", false, true)};
    e.metrics = {"rmse", "sad_deg_mean", "sad_rad_mean", "init_rmse", "init_sad_deg_mean", "train_seconds"};
    e.plot_metrics = {"rmse", "sad_deg_mean"};
    e.scene = [nmf_scene](const Condition&, int seed, const Variant&) { return nmf_scene(25.0, seed); };
    e.scene_key = [](const Condition&, int seed, const Variant&) { return fmt::format("25-{}", seed); };
    e.apply = [](const Condition& c, RunOptions& o) { o.train_pixels = static_cast<Index>(c.x); };
    all.push_back(std::move(e));
  }
  {  // nmf-sae.txt Fig. 3: noise.
    Experiment e;
    e.name = "nmfsae-snr";
    e.title = "NMF-SAE and the blind baselines against noise";
    e.reproduces = "nmf-sae.txt Fig. 3";
    e.settings = "Synthetic scenes of nmf-sae.txt 3.2 at each SNR; NMF-SAE trains on 1000 pixels, the other "
                 "networks on all; defaults otherwise.";
    e.x_label = "SNR (dB)";
    for (double snr : {15.0, 20.0, 25.0, 30.0, 35.0}) e.conditions.push_back({SnrLabel(snr), snr, snr == 25.0});
    e.variants = {V("vca-fcls", "vca-fcls", false, true), V("l1-nmf", "l1-nmf", false),
                  V("nmf-sae", "nmf-sae", false, true), V("mnn-bu2", "mnn-bu2", false), V("bunet2", "bunet2", false)};
    e.metrics = {"rmse", "sad_deg_mean", "sad_rad_mean", "train_seconds"};
    e.plot_metrics = {"rmse", "sad_deg_mean"};
    e.scene = [nmf_scene](const Condition& c, int seed, const Variant&) { return nmf_scene(c.x, seed); };
    e.scene_key = [](const Condition& c, int seed, const Variant&) { return fmt::format("{}-{}", c.x, seed); };
    all.push_back(std::move(e));
  }
  auto jasper = [data_dir](const Condition&, int, const Variant&) { return Jasper(data_dir); };
  auto jasper_key = [](const Condition&, int, const Variant&) { return std::string("jasper"); };
  {  // Table VI: supervised on Jasper Ridge.
    Experiment e;
    e.name = "jasper-supervised";
    e.title = "Jasper Ridge, supervised abundance estimation";
    e.reproduces = "u-admm-nets.txt Table VI";
    e.settings = "256 random training pixels per run (seed = run), scored on the other 9744; networks "
                 "initialised from the reference endmembers; 2 layers, 300 epochs, batch 64, lr 1e-4.";
    e.conditions = {{"Jasper Ridge", 0, true}};
    e.variants = SupervisedVariants();
    e.metrics = {"rmse", "aad_deg", "aid", "train_seconds"};
    e.needs_data = true;
    e.scene = jasper;
    e.scene_key = jasper_key;
    e.apply = [](const Condition&, RunOptions& o) {
      o.train_pixels = 256;
      o.init = Init::kGroundTruth;
    };
    e.paper = {{"sunsal", {{"rmse", "0.0612 ± 0.0001"}, {"aad_deg", "7.9068 ± 0.0001"}, {"aid", "0.4564 ± 0.0001"}}},
               {"mnn-ae1", {{"rmse", "0.1285 ± 0.0021"}, {"aad_deg", "17.9929 ± 0.3719"}, {"aid", "2.1823 ± 0.0358"}}},
               {"mnn-ae2", {{"rmse", "0.1262 ± 0.0008"}, {"aad_deg", "17.4182 ± 0.1998"}, {"aid", "2.1215 ± 0.0444"}}},
               {"aenet1", {{"rmse", "0.0212 ± 0.0005"}, {"aad_deg", "2.6742 ± 0.0660"}, {"aid", "0.1765 ± 0.0126"}}},
               {"aenet2", {{"rmse", "0.0214 ± 0.0004"}, {"aad_deg", "2.7447 ± 0.0669"}, {"aid", "0.1630 ± 0.0197"}}}};
    all.push_back(std::move(e));
  }
  {  // Not in the papers: scenes with pure regions and brightness variation, where the blind
     // starts are developed before they meet Jasper Ridge.
    Experiment e;
    e.name = "blind-regions";
    e.title = "Blind starts on scenes with pure regions";
    e.reproduces = "not in the papers";
    e.settings = "Synthetic 100 x 100 scenes: 40 Voronoi cells, each pure in one of 5 endmembers (cell i takes "
                 "endmember i mod 5), blurred with the papers' 11 x 11 Gaussian (variance 2), every pixel's "
                 "brightness scaled by U[0.8, 1.2], white noise at each SNR (unmix synth --layout regions "
                 "--regions 40 --brightness 0.2 -r 5). No training: the endmember searches and their "
                 "abundances. spatial-purity-qN: exponent q = N; spatial-purity: q = 32.";
    e.x_label = "SNR (dB)";
    for (double snr : {20.0, 25.0, 30.0, 40.0}) e.conditions.push_back({SnrLabel(snr), snr, snr == 20.0});
    e.variants = {V("vca-fcls", "vca-fcls", false, true),
                  V("nfindr-fcls", "nfindr-fcls", false),
                  V("l1-nmf", "l1-nmf", false),
                  V("spatial-nfindr", "spatial-nfindr", false, true),
                  V("spatial-purity-q8", "spatial-purity", false, false, Purity(8)),
                  V("spatial-purity-q16", "spatial-purity", false, false, Purity(16)),
                  V("spatial-purity", "spatial-purity", false, true),
                  V("spatial-purity-q64", "spatial-purity", false, false, Purity(64))};
    e.metrics = {"sad_deg_mean", "rmse", "aad_deg"};
    e.plot_metrics = {"sad_deg_mean", "rmse"};
    e.scene = [synth](const Condition& c, int seed, const Variant&) {
      SyntheticOptions so = SyntheticOptions::UAdmmNets();
      so.layout = SyntheticOptions::Layout::kRegions;
      so.regions = 40;
      so.brightness = 0.2;
      so.endmembers = 5;
      return synth->Make(so, c.x, seed);
    };
    e.scene_key = [](const Condition& c, int seed, const Variant&) { return fmt::format("{}-{}", c.x, seed); };
    all.push_back(std::move(e));
  }
  {  // Tables VII and VIII, nmf-sae.txt Table 1: blind on Jasper Ridge.
    Experiment e;
    e.name = "jasper-blind";
    e.title = "Jasper Ridge, blind unmixing";
    e.reproduces = "u-admm-nets.txt Tables VII and VIII, nmf-sae.txt Table 1";
    e.settings = "All 10,000 pixels; networks start from VCA (seed = run) + FCLS unless the name says otherwise "
                 "(+spatial: spatial-nfindr's endmembers; +purity: spatial-purity's (q = 32); +best: --init best; "
                 "+gt: the reference endmembers, an "
                 "oracle start to see what training does from the right answer; +angle: --recon-loss angle); ADMM and MNN networks 2 layers, "
                 "300 epochs, batch 64, lr 1e-4; NMF-SAE 1000 full-batch iterations on 1000 pixels with lr 1e-6 "
                 "for both groups (nmf-sae.txt 3.1, real data). SAD per endmember in degrees.";
    e.conditions = {{"Jasper Ridge", 0, true}};
    auto init = [](Init how) { return [how](RunOptions& o) { o.init = how; }; };
    auto nmf_real = [](Init how) {
      return [how](RunOptions& o) {
        o.learning_rate = 1e-6;
        o.decoder_learning_rate = 1e-6;
        o.init = how;
      };
    };
    e.variants = {V("vca-fcls", "vca-fcls", false, true), V("nfindr-fcls", "nfindr-fcls", false),
                  V("l1-nmf", "l1-nmf", false),
                  V("nmf-sae", "nmf-sae", false, true, nmf_real(Init::kVca)),
                  V("mnn-bu2", "mnn-bu2", false), V("bunet1", "bunet1", false), V("bunet2", "bunet2", false, true),
                  V("spatial-nfindr", "spatial-nfindr", false, true),
                  V("spatial-purity", "spatial-purity", false, true),
                  V("spatial-purity-q8", "spatial-purity", false, false, Purity(8)),
                  V("spatial-purity-q16", "spatial-purity", false, false, Purity(16)),
                  V("spatial-purity-q64", "spatial-purity", false, false, Purity(64)),
                  V("l1-nmf+purity", "l1-nmf", false, false, init(Init::kSpatialPurity)),
                  V("bunet2+purity", "bunet2", false, false, init(Init::kSpatialPurity)),
                  V("l1-nmf+spatial", "l1-nmf", false, false, init(Init::kSpatialNFindr)),
                  V("nmf-sae+spatial", "nmf-sae", false, false, nmf_real(Init::kSpatialNFindr)),
                  V("bunet2+spatial", "bunet2", false, false, init(Init::kSpatialNFindr)),
                  V("bunet2+best", "bunet2", false, false, init(Init::kBest)),
                  V("bunet2+gt", "bunet2", false, false, init(Init::kGroundTruth)),
                  V("nmf-sae+gt", "nmf-sae", false, false, nmf_real(Init::kGroundTruth)),
                  V("bunet2+gt+angle", "bunet2", false, false,
                    [](RunOptions& o) {
                      o.init = Init::kGroundTruth;
                      o.reconstruction_loss = ReconstructionLoss::kAngle;
                    }),
                  V("bunet2+spatial+angle", "bunet2", false, false, [](RunOptions& o) {
                    o.init = Init::kSpatialNFindr;
                    o.reconstruction_loss = ReconstructionLoss::kAngle;
                  })};
    e.metrics = {"sad_deg.tree", "sad_deg.water", "sad_deg.dirt", "sad_deg.road", "sad_deg_mean", "sad_rad_mean",
                 "rmse", "aad_deg", "aid", "init_sad_deg_mean", "train_seconds"};
    e.needs_data = true;
    e.scene = jasper;
    e.scene_key = jasper_key;
    e.paper = {{"mnn-bu2", {{"sad_deg.tree", "5.0530 ± 0.0017"}, {"sad_deg.water", "16.4420 ± 0.0276"},
                            {"sad_deg.dirt", "2.2163 ± 0.0037"}, {"sad_deg.road", "0.9679 ± 0.0029"},
                            {"sad_deg_mean", "6.1698 ± 0.0057"}, {"sad_rad_mean", "0.0726 (nmf-sae.txt, MNN-BU)"},
                            {"rmse", "0.0773 ± 0.0009"}, {"aad_deg", "9.8228 ± 0.1362"}, {"aid", "0.4974 ± 0.0088"}}},
               {"bunet2", {{"sad_deg.tree", "5.0308 ± 0.0037"}, {"sad_deg.water", "13.4348 ± 0.0931"},
                           {"sad_deg.dirt", "1.2418 ± 0.0049"}, {"sad_deg.road", "1.0425 ± 0.0058"},
                           {"sad_deg_mean", "5.1875 ± 0.0240"}, {"rmse", "0.0720 ± 0.0012"},
                           {"aad_deg", "9.1563 ± 0.1625"}, {"aid", "0.4604 ± 0.0153"}}},
               {"nmf-sae", {{"sad_deg.tree", "2.83 (0.0494 rad)"}, {"sad_deg.water", "4.18 (0.0729 rad)"},
                            {"sad_deg.dirt", "3.02 (0.0527 rad)"}, {"sad_deg.road", "5.34 (0.0932 rad)"},
                            {"sad_deg_mean", "3.84"}, {"sad_rad_mean", "0.0671 ± 1.47 %"}}}};
    all.push_back(std::move(e));
  }
  return all;
}

}  // namespace unmix::cli
