// unmix._unmix: the library for Python. Methods from the registry, runs through RunScene /
// RunSceneToFolder (the CLI's own path, so run.json's content comes back as the summary),
// models, endmember-count estimates. The pure-Python package (python/unmix/__init__.py) gives
// these their keyword interface and array layouts.
#include <omp.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <csignal>
#include <filesystem>

#include "convert.hpp"
#include "core/record_json.hpp"
#include "unmix/core/cancel.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/stopwatch.hpp"
#include "unmix/endmember/endmember_count.hpp"
#include "unmix/io/georeference.hpp"
#include "unmix/methods/registry.hpp"
#include "unmix/nets/model_file.hpp"
#include "unmix/pipeline/run.hpp"
#include "unmix/run/job.hpp"
#include "unmix/version.hpp"

namespace unmix::python {
namespace {

template <typename T>
py::object Optional(const std::optional<T>& v) {
  return v ? py::cast(*v) : py::object(py::none());
}

py::dict MethodDict(const MethodInfo& m) {
  py::dict defaults;
  const MethodDefaults& d = m.defaults;
  defaults["lambda"] = Optional(d.lambda);
  defaults["iterations"] = Optional(d.iterations);
  defaults["epochs"] = Optional(d.epochs);
  defaults["lr"] = Optional(d.learning_rate);
  defaults["decoder_lr"] = Optional(d.decoder_learning_rate);
  defaults["full_batch"] = d.full_batch;
  defaults["train_pixels"] = Optional(d.train_pixels);
  py::dict out;
  out["name"] = m.name;
  out["description"] = m.description;
  out["kind"] = std::string(Name(m.kind));
  out["supervised"] = m.supervised;
  out["blind"] = m.blind();
  out["network"] = m.network();
  out["defaults"] = defaults;
  return out;
}

template <typename E>
E Choice(const py::handle& v) {
  return Parse<E>(py::str(v).cast<std::string>());
}

// RunOptions from keyword arguments named like the CLI's options (--decoder-lr: decoder_lr;
// --lambda: lambda_). Values are checked by the library (RunOptions::IsValid, Parse<E>), so
// the messages are the CLI's.
RunOptions OptionsOf(const std::string& method, Index r, const py::dict& kw) {
  RunOptions o;
  o.method = method;
  o.endmembers = r;
  for (const auto& [key, v] : kw) {
    const std::string k = key.cast<std::string>();
    if (k == "seed")
      o.seed = v.cast<std::uint64_t>();
    else if (k == "threads")
      o.threads = v.cast<int>();
    else if (k == "lambda_" || k == "lam")
      o.lambda = v.cast<double>();
    else if (k == "iterations")
      o.iterations = v.cast<int>();
    else if (k == "layers")
      o.layers = v.cast<int>();
    else if (k == "epochs")
      o.epochs = v.cast<int>();
    else if (k == "batch")
      o.batch = v.cast<Index>();
    else if (k == "lr")
      o.learning_rate = v.cast<double>();
    else if (k == "decoder_lr")
      o.decoder_learning_rate = v.cast<double>();
    else if (k == "train_pixels")
      o.train_pixels = v.cast<Index>();
    else if (k == "purity_exponent")
      o.purity_exponent = v.cast<double>();
    else if (k == "patience")
      o.patience = v.cast<int>();
    else if (k == "anchor")
      o.anchor = v.cast<double>();
    else if (k == "asc")
      o.sum_to_one = v.cast<bool>();
    else if (k == "preset")
      o.preset = Choice<Preset>(v);
    else if (k == "init")
      o.init = Choice<Init>(v);
    else if (k == "augment")
      o.augment = Choice<Augment>(v);
    else if (k == "recon_loss")
      o.reconstruction_loss = Choice<ReconstructionLoss>(v);
    else if (k == "mixing")
      o.mixing = Choice<Mixing>(v);
    else if (k == "nmf_inference")
      o.nmf_inference = Choice<NmfInference>(v);
    else if (k == "select")
      o.select = Choice<Select>(v);
    else if (k == "keep_better") {
      if (py::isinstance<py::bool_>(v)) {
        o.keep_better = v.cast<bool>();
      } else {
        const std::string s = py::str(v).cast<std::string>();
        if (s != "on" && s != "off") throw OptionError("--keep-better: expected on or off, got '" + s + "'");
        o.keep_better = s == "on";
      }
    } else if (k == "mu") {
      if (py::isinstance<py::str>(v) && v.cast<std::string>() == "auto") {
        o.mu_auto = true;
      } else {
        const double x = py::isinstance<py::str>(v) ? std::nan("") : v.cast<double>();
        if (!std::isfinite(x) || !(x > 0))
          throw OptionError("--mu: expected a positive number or 'auto', got '" + py::str(v).cast<std::string>() + "'");
        o.mu = x;
      }
    } else if (k == "loss_weights") {
      const auto w = v.cast<std::vector<double>>();
      if (w.size() != 3) throw OptionError("--loss-weights takes three numbers: MSE,AAD,AID");
      o.loss = {w[0], w[1], w[2]};
    } else {
      throw OptionError("unknown option '" + k +
                        "' (known: seed, threads, lambda_, iterations, layers, epochs, batch, lr, decoder_lr, "
                        "train_pixels, purity_exponent, patience, anchor, asc, preset, init, augment, recon_loss, "
                        "mixing, nmf_inference, select, keep_better, mu, loss_weights)");
    }
  }
  return o;
}

// Ctrl-C during a call made from the main thread: SIGINT requests the library's cooperative
// cancellation (checked at every training batch), and the call raises KeyboardInterrupt once
// the library has unwound. Python's own handler is back in place when the call returns.
extern "C" void OnInterrupt(int signal) { RequestCancel(signal); }

class InterruptScope {
 public:
  explicit InterruptScope(bool main_thread) : active_(main_thread) {
    if (!active_) return;
    ResetCancel();
    struct sigaction sa = {};
    sa.sa_handler = OnInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &previous_);
  }
  ~InterruptScope() {
    if (active_) sigaction(SIGINT, &previous_, nullptr);
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  bool active_;
  struct sigaction previous_ = {};
};

// A call into the library with the GIL released, interruptible, with the progress callback's
// Python exception (if any) raised in place of the cancellation it caused.
struct Progress {
  py::object callback;
  std::optional<py::error_already_set> failure;

  std::function<void(const train::EpochReport&)> OnEpoch() {
    if (callback.is_none()) return {};
    return [this](const train::EpochReport& e) {
      py::gil_scoped_acquire gil;
      if (failure) return;
      try {
        py::dict d;
        d["epoch"] = e.epoch;
        d["epochs"] = e.epochs;
        d["loss"] = e.loss;
        d["best_loss"] = e.best_loss;
        d["elapsed"] = e.seconds;
        callback(d);
      } catch (py::error_already_set& err) {
        failure = std::move(err);
        RequestCancel(0);  // stops training at the next batch
      }
    };
  }
};

template <typename F>
auto Guarded(bool main_thread, Progress& progress, F&& work) {
  InterruptScope interrupts(main_thread);
  try {
    decltype(work()) out = [&] {
      py::gil_scoped_release release;
      return work();
    }();
    if (progress.failure) {
      ResetCancel();
      throw *progress.failure;
    }
    if (main_thread && CancelRequested()) {
      // The interrupt came after the last checkpoint: the results are complete, but Ctrl-C
      // still means stop.
      const int signal = CancelSignal();
      ResetCancel();
      throw Cancelled(signal);
    }
    return out;
  } catch (const Cancelled&) {
    ResetCancel();
    if (progress.failure) throw *progress.failure;
    throw;
  } catch (...) {
    if (progress.failure) ResetCancel();  // the callback's request must not stop later calls
    throw;
  }
}

// The result of a run as the Python layer takes it: matrices as numpy (no copies), run.json's
// content and metrics.json's as Python objects.
py::dict ResultDict(RunOutcome out, const Scene& scene) {
  RunResult& r = out.result;
  py::dict d;
  d["rows"] = scene.rows;
  d["cols"] = scene.cols;
  d["names"] = r.endmembers.names;
  d["endmembers"] = ToNumpy(std::move(r.endmembers.spectra));
  d["abundances"] = ToNumpy(std::move(r.abundances.values));
  d["init_endmembers"] = r.init_endmembers ? py::object(ToNumpy(std::move(r.init_endmembers->spectra))) : py::none();
  d["init_abundances"] = r.init_abundances ? py::object(ToNumpy(std::move(r.init_abundances->values))) : py::none();
  nlohmann::json summary = ToJson(out.record);
  // What a folder's run.json says of the scene, also without a folder (ToJson writes the units
  // with the outputs only).
  if (out.report.empty()) summary["wavelength_units"] = scene.wavelength_units;
  d["summary"] = FromJson(summary);
  d["metrics"] = out.scored ? FromJson(out.scored->metrics) : py::object(py::none());
  d["model"] = r.model ? py::cast(std::move(*r.model)) : py::object(py::none());
  d["report"] = out.report.empty() ? py::object(py::none()) : py::cast(out.report.string());
  return d;
}

std::optional<GroundTruth> GroundTruthOf(const py::handle& endmembers, const py::handle& abundances,
                                         const py::handle& names, const Scene& scene) {
  if (endmembers.is_none() && abundances.is_none()) return std::nullopt;
  GroundTruth gt;
  gt.source = "(array)";
  const auto n = names.is_none() ? std::vector<std::string>{} : names.cast<std::vector<std::string>>();
  if (!endmembers.is_none()) {
    gt.endmembers = Endmembers{MatrixFFromArray(endmembers, "gt endmembers", scene.bands()), n, scene.wavelengths};
    gt.endmembers->Validate();
  }
  if (!abundances.is_none()) {
    gt.abundances =
        Abundances{MatrixFFromArray(abundances, "gt abundances", -1, scene.pixels()), scene.rows, scene.cols, n};
    gt.abundances->Validate();
  }
  return gt;
}

py::dict RunPy(const py::handle& data, const SceneArgs& args, const std::string& method, Index r,
               const py::handle& gt_endmembers, const py::handle& gt_abundances, const py::handle& gt_names,
               const py::dict& options, const py::object& progress_callback, const std::string& out,
               const std::string& match, bool networks_only, bool main_thread, bool wait) {
  const Scene scene = SceneFromArray(data, args);
  const std::optional<GroundTruth> gt = GroundTruthOf(gt_endmembers, gt_abundances, gt_names, scene);
  RunOptions o = OptionsOf(method, r, options);
  const MatchRule rule = ParseMatchRule(match);
  const MethodInfo& info = GetMethod(o.method);
  if (networks_only && !info.network())
    throw OptionError("unmix train needs a network method; '" + o.method + "' has nothing to train");
  Progress progress{progress_callback, std::nullopt};
  o.on_epoch = progress.OnEpoch();
  std::vector<std::string> notes;
  RunNotes run_notes;
  run_notes.estimate = [&notes](const std::string& line) { notes.push_back(line); };
  RunOutcome outcome = Guarded(main_thread, progress, [&] {
    const Stopwatch since;
    if (o.threads > 0) omp_set_num_threads(o.threads);
    RunRecord record;
    record.command = {"unmix.run" + std::string(networks_only ? " (train)" : "")};
    record.input = scene.source;
    o.endmembers = ChooseEndmemberCount(scene, gt ? &*gt : nullptr, o, run_notes, &record.endmembers_chosen);
    std::string why;
    if (!o.IsValid(&why)) throw OptionError(why);
    if (out.empty()) {
      record.georeference = io::GeoreferenceJson(scene);
      return RunScene(scene, gt ? &*gt : nullptr, o, rule, record, &since);
    }
    FolderLock lock(out, wait);
    return RunSceneToFolder(scene, gt ? &*gt : nullptr, o, rule, lock, record, io::RasterFormat::kGTiff, {}, &since);
  });
  py::dict d = ResultDict(std::move(outcome), scene);
  d["notes"] = notes;
  return d;
}

py::array ApplyPy(const nets::Model& model, const py::handle& data, const SceneArgs& args, int threads,
                  bool main_thread) {
  const Scene scene = SceneFromArray(data, args);
  Progress none{py::none(), std::nullopt};
  Abundances a = Guarded(main_thread, none, [&] {
    if (threads > 0) omp_set_num_threads(threads);
    return ApplyModel(model, scene);
  });
  return ToNumpy(std::move(a.values));
}

py::dict EstimatePy(const py::handle& data, const SceneArgs& args, const std::string& estimator, double false_alarm,
                    Index guard_bands, Index max_r, double min_gain, std::uint64_t seed, int threads,
                    bool main_thread) {
  rcount::Pick(rcount::Estimates{}, estimator);  // refuses an unknown name first
  const Scene scene = SceneFromArray(data, args);
  rcount::Options o;
  o.false_alarm = false_alarm;
  o.guard_bands = guard_bands;
  o.max_count = max_r;
  o.min_relative_gain = min_gain;
  o.seed = seed;
  o.num_threads = threads;
  std::string why;
  if (!o.IsValid(&why)) throw OptionError(why);
  Progress none{py::none(), std::nullopt};
  const rcount::Result est = Guarded(main_thread, none, [&] {
    if (threads > 0) omp_set_num_threads(threads);
    return EstimateCount<float>(scene.valid_data(), o);
  });
  return FromJson(EstimateCountJson(est, o, estimator));
}

void TranslateErrors(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const Cancelled& e) {
    PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
  } catch (const OptionError& e) {
    PyErr_SetString(Errors().option, e.what());
  } catch (const InputError& e) {
    PyErr_SetString(e.file().empty() ? Errors().input : Errors().file, e.what());
  } catch (const Error& e) {
    PyErr_SetString(Errors().error, e.what());
  }
}

}  // namespace
}  // namespace unmix::python

PYBIND11_MODULE(_unmix, m) {
  using namespace unmix;
  using namespace unmix::python;
  m.doc() = "unmix: hyperspectral unmixing (the compiled part; import unmix)";
  m.attr("__version__") = std::string(kVersion);
  RegisterErrors(m);
  py::register_exception_translator(&TranslateErrors);

  m.def(
      "methods",
      [] {
        py::list out;
        for (const MethodInfo& info : Methods()) out.append(MethodDict(info));
        return out;
      },
      "Every registered method, in the order help texts list them: name, description, kind, supervised, "
      "blind, network and the defaults of the options it uses.");

  py::class_<nets::Model>(m, "Model", "A trained network (model.json).")
      .def_readonly("architecture", &nets::Model::architecture)
      .def_readonly("bands", &nets::Model::bands)
      .def_readonly("endmembers", &nets::Model::endmembers)
      .def_readonly("endmember_names", &nets::Model::endmember_names)
      .def_readonly("wavelengths", &nets::Model::wavelengths)
      .def_readonly("source", &nets::Model::source)
      .def_property_readonly("hyperparameters",
                             [](const nets::Model& model) { return FromJson(Json(model.hyperparameters)); })
      .def_property_readonly("training", [](const nets::Model& model) { return FromJson(Json(model.training)); })
      .def_property_readonly("tensors",
                             [](const nets::Model& model) {
                               py::dict d;
                               for (const auto& [name, t] : model.tensors) d[py::str(name)] = ToNumpy(MatrixF(t));
                               return d;
                             })
      .def(
          "save", [](const nets::Model& model, const std::filesystem::path& path) { nets::SaveModel(path, model); },
          py::arg("path"), "Writes the model file (the format of unmix train's model.json).")
      .def("__repr__", [](const nets::Model& model) {
        return "<unmix.Model " + model.architecture + ": " + std::to_string(model.bands) + " bands, " +
               std::to_string(model.endmembers) + " endmembers>";
      });

  m.def(
      "load_model",
      [](const std::filesystem::path& path) {
        CheckModelFile(path);
        return nets::LoadModel(path);
      },
      py::arg("path"),
      "Reads a model file written by unmix train / run (or Model.save), with the CLI's checks: inside a run "
      "folder it must be the model that run.json lists, with its recorded checksum.");

  m.def("_run", &RunPy, py::arg("data"), py::arg("args"), py::arg("method"), py::arg("r"), py::arg("gt_endmembers"),
        py::arg("gt_abundances"), py::arg("gt_names"), py::arg("options"), py::arg("progress"), py::arg("out"),
        py::arg("match"), py::arg("networks_only"), py::arg("main_thread"), py::arg("wait"));
  m.def("_apply", &ApplyPy, py::arg("model"), py::arg("data"), py::arg("args"), py::arg("threads"),
        py::arg("main_thread"));
  m.def("_estimate_r", &EstimatePy, py::arg("data"), py::arg("args"), py::arg("estimator"), py::arg("false_alarm"),
        py::arg("guard_bands"), py::arg("max_r"), py::arg("min_gain"), py::arg("seed"), py::arg("threads"),
        py::arg("main_thread"));
  m.def("_estimate_bound", &EstimateBound, py::arg("bands"));

  RegisterData(m);
}
