// numpy <-> library conversions, the readers and writers, synthetic scenes and the metrics.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "convert.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/csv.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/io/read.hpp"
#include "unmix/metrics/metrics.hpp"
#include "unmix/report/metrics_json.hpp"
#include "unmix/run/load.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix::python {

namespace {

ErrorTypes g_errors;

[[noreturn]] void ThrowValue(const std::string& text) { throw py::value_error(text); }
[[noreturn]] void ThrowType(const std::string& text) { throw py::type_error(text); }

// The array behind `o` (a numpy array, or anything numpy turns into one without a copy, such
// as an xarray DataArray's values), checked for a float dtype and a contiguous layout.
py::array FloatArray(const py::handle& o, const std::string& name) {
  if (o.is_none()) ThrowType(name + ": expected a numpy array, got None");
  py::array a = py::isinstance<py::array>(o) ? py::reinterpret_borrow<py::array>(o)
                                             : py::array(py::module_::import("numpy").attr("asarray")(o));
  const py::dtype dt = a.dtype();
  if (dt.kind() != 'f' || (dt.itemsize() != 4 && dt.itemsize() != 8))
    ThrowType(name + ": expected a float32 or float64 array, got dtype " +
              py::str(static_cast<const py::handle&>(dt)).cast<std::string>() +
              " (convert it with .astype(numpy.float32))");
  if (a.size() == 0) ThrowValue(name + ": the array is empty");
  const auto flags = a.flags();
  if (!(flags & py::array::c_style) && !(flags & py::array::f_style))
    ThrowValue(name +
               ": the array is not contiguous (a strided view or slice); pass numpy.ascontiguousarray(x) "
               "(C or Fortran order are both read without reordering copies)");
  return a;
}

std::string ShapeText(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

// Copies element (b, k) of a bands x pixels view given by element strides into out(b, k),
// counting non-finite values of valid pixels.
template <typename In, typename Out>
void CopyStrided(const In* src, Index bands, Index rows, Index cols, py::ssize_t sb, py::ssize_t sr, py::ssize_t sc,
                 const std::vector<std::uint8_t>& valid, Matrix<Out>& out, Index* bad, Index* first_bad) {
  out.resize(bands, rows * cols);
  *bad = 0;
  *first_bad = -1;
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) {
      const Index k = r * cols + c;
      const In* p = src + r * sr + c * sc;
      Out* o = out.data() + k * bands;
      const bool keep = valid.empty() || valid[k];
      for (Index b = 0; b < bands; ++b) {
        const In v = p[b * sb];
        if (!std::isfinite(v)) {
          if (keep) {
            if (*first_bad < 0) *first_bad = k * bands + b;
            ++*bad;
          }
          o[b] = 0;
        } else {
          o[b] = keep ? static_cast<Out>(v) : Out(0);
        }
      }
    }
}

template <typename Out>
void CopyAny(const py::array& a, Index bands, Index rows, Index cols, py::ssize_t sb, py::ssize_t sr, py::ssize_t sc,
             const std::vector<std::uint8_t>& valid, Matrix<Out>& out, Index* bad, Index* first_bad) {
  if (a.itemsize() == 4)
    CopyStrided(static_cast<const float*>(a.data()), bands, rows, cols, sb, sr, sc, valid, out, bad, first_bad);
  else
    CopyStrided(static_cast<const double*>(a.data()), bands, rows, cols, sb, sr, sc, valid, out, bad, first_bad);
}

py::ssize_t ElementStride(const py::array& a, int dim) { return a.strides(dim) / a.itemsize(); }

template <typename Out>
Matrix<Out> MatrixFrom(const py::handle& o, const std::string& name, Index want_rows, Index want_cols) {
  const py::array a = FloatArray(o, name);
  if (a.ndim() != 2) ThrowValue(name + ": expected a 2-D array, got shape " + ShapeText(a));
  const Index rows = a.shape(0), cols = a.shape(1);
  if ((want_rows >= 0 && rows != want_rows) || (want_cols >= 0 && cols != want_cols))
    ThrowValue(name + ": expected shape (" + (want_rows >= 0 ? std::to_string(want_rows) : std::string("any")) + ", " +
               (want_cols >= 0 ? std::to_string(want_cols) : std::string("any")) + "), got " + ShapeText(a));
  Matrix<Out> m;
  Index bad = 0, first = -1;
  // Matrix columns are the "pixels": element (i, j) at i * s0 + j * s1.
  CopyAny(a, rows, 1, cols, ElementStride(a, 0), 0, ElementStride(a, 1), {}, m, &bad, &first);
  if (bad > 0)
    ThrowValue(name + ": " + std::to_string(bad) + " values are NaN or infinite, the first at [" +
               std::to_string(first % rows) + ", " + std::to_string(first / rows) + "]");
  return m;
}

template <typename T>
std::vector<T> ListOf(const py::handle& o) {
  return o.is_none() ? std::vector<T>{} : o.cast<std::vector<T>>();
}

// The valid-pixel mask from info["valid"]: rows x cols or N values, nonzero = unmix the pixel.
std::vector<std::uint8_t> MaskOf(const py::handle& o, Index rows, Index cols, const std::string& name) {
  if (o.is_none()) return {};
  const py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> m(
      py::module_::import("numpy").attr("asarray")(o).attr("astype")("uint8"));
  if (m.size() != rows * cols)
    ThrowValue(name + ": info['valid'] has " + std::to_string(m.size()) + " values, expected one per pixel (" +
               std::to_string(rows) + " x " + std::to_string(cols) + ")");
  return std::vector<std::uint8_t>(m.data(), m.data() + m.size());
}

py::object Item(const py::object& info, const char* key) {
  if (info.is_none()) return py::none();
  const py::dict d = info.cast<py::dict>();
  return d.contains(key) ? py::reinterpret_borrow<py::object>(d[key]) : py::object(py::none());
}

GeoReference GeoOf(const py::object& info) {
  GeoReference g;
  const py::object o = Item(info, "georeference");
  if (o.is_none()) return g;
  const py::dict d = o.cast<py::dict>();
  if (d.contains("projection_wkt") && !d["projection_wkt"].is_none())
    g.projection_wkt = d["projection_wkt"].cast<std::string>();
  if (d.contains("geotransform") && !d["geotransform"].is_none()) {
    const auto t = d["geotransform"].cast<std::vector<double>>();
    if (t.size() != 6) ThrowValue("info['georeference']['geotransform']: expected 6 numbers (GDAL's affine transform)");
    std::array<double, 6> a{};
    std::copy(t.begin(), t.end(), a.begin());
    g.geotransform = a;
  }
  if (d.contains("metadata") && !d["metadata"].is_none())
    g.metadata = d["metadata"].cast<std::map<std::string, std::string>>();
  return g;
}

py::dict GeoDict(const GeoReference& g) {
  py::dict d;
  d["projection_wkt"] = g.projection_wkt;
  d["geotransform"] = g.geotransform ? py::cast(std::vector<double>(g.geotransform->begin(), g.geotransform->end()))
                                     : py::object(py::none());
  d["metadata"] = g.metadata;
  return d;
}

io::ReadOptions ReadOptionsOf(const std::string& var, const std::string& bands, bool apply_scale, bool drop_bad_bands,
                              std::optional<double> nodata, bool remove_water_vapor) {
  io::ReadOptions o;
  o.var = var;
  o.bands = bands;
  o.apply_scale = apply_scale;
  o.drop_bad_bands = drop_bad_bands;
  o.nodata = nodata;
  o.remove_water_vapor = remove_water_vapor;
  return o;
}

py::dict GroundTruthDict(GroundTruth gt) {
  py::dict d;
  d["endmembers"] = gt.endmembers ? py::object(ToNumpy(std::move(gt.endmembers->spectra))) : py::none();
  d["names"] =
      gt.endmembers ? gt.endmembers->names : (gt.abundances ? gt.abundances->names : std::vector<std::string>{});
  d["abundances"] = gt.abundances ? py::object(ToNumpy(std::move(gt.abundances->values))) : py::none();
  d["source"] = gt.source;
  return d;
}

}  // namespace

const ErrorTypes& Errors() { return g_errors; }

void RegisterErrors(py::module_& m) {
  auto make = [&](const char* name, PyObject* bases, const char* doc) {
    PyObject* t = PyErr_NewExceptionWithDoc((std::string("unmix.") + name).c_str(), doc, bases, nullptr);
    Py_XDECREF(bases);
    if (!t) throw py::error_already_set();
    m.add_object(name, py::handle(t));
    return t;
  };
  g_errors.error = make("Error", nullptr, "Every error of the unmix library.");
  g_errors.option = make("OptionError", PyTuple_Pack(2, g_errors.error, PyExc_ValueError),
                         "An option out of range or not known (the CLI's 'invalid option').");
  g_errors.input = make("InputError", PyTuple_Pack(2, g_errors.error, PyExc_ValueError), "Unusable input data.");
  g_errors.file = make("FileError", PyTuple_Pack(2, g_errors.input, PyExc_OSError),
                       "An input error that names a file: missing, unreadable or malformed.");
}

Scene SceneFromArray(const py::handle& data, const SceneArgs& args) {
  const std::string& name = args.name;
  const py::array a = FloatArray(data, name);
  Index bands = 0, rows = 0, cols = 0;
  py::ssize_t sb = 0, sr = 0, sc = 0;
  if (a.ndim() == 3) {
    if (!args.shape.is_none()) ThrowValue(name + ": shape= is for 2-D bands x pixels arrays; a cube has its own");
    if (args.bands_first) {
      bands = a.shape(0), rows = a.shape(1), cols = a.shape(2);
      sb = ElementStride(a, 0), sr = ElementStride(a, 1), sc = ElementStride(a, 2);
    } else {
      rows = a.shape(0), cols = a.shape(1), bands = a.shape(2);
      sr = ElementStride(a, 0), sc = ElementStride(a, 1), sb = ElementStride(a, 2);
    }
  } else if (a.ndim() == 2) {
    bands = a.shape(0);
    const Index pixels = a.shape(1);
    if (args.shape.is_none()) {
      rows = 1, cols = pixels;
    } else {
      const auto s = args.shape.cast<std::vector<Index>>();
      if (s.size() != 2 || s[0] < 1 || s[1] < 1 || s[0] * s[1] != pixels)
        ThrowValue(name + ": shape= must be (rows, cols) with rows * cols = " + std::to_string(pixels) +
                   ", the pixels (columns) of the bands x pixels array");
      rows = s[0], cols = s[1];
    }
    sb = ElementStride(a, 0), sc = ElementStride(a, 1), sr = cols * sc;
  } else {
    ThrowValue(name + ": expected a rows x cols x bands cube or a bands x pixels matrix, got a " +
               std::to_string(a.ndim()) + "-D array of shape " + ShapeText(a));
  }
  Scene scene;
  scene.rows = rows;
  scene.cols = cols;
  scene.valid = MaskOf(Item(args.info, "valid"), rows, cols, name);
  Index bad = 0, first = -1;
  CopyAny(a, bands, rows, cols, sb, sr, sc, scene.valid, scene.data, &bad, &first);
  if (bad > 0) {
    const Index k = first / bands, b = first % bands;
    ThrowValue(name + ": " + std::to_string(bad) + " values are NaN or infinite, the first at pixel (row " +
               std::to_string(k / cols) + ", col " + std::to_string(k % cols) + ") band " + std::to_string(b) +
               "; mask such pixels out with info={'valid': mask} (rows x cols, True = unmix) or replace them");
  }
  scene.wavelengths = ListOf<double>(Item(args.info, "wavelengths"));
  const py::object units = Item(args.info, "wavelength_units");
  if (!units.is_none()) scene.wavelength_units = units.cast<std::string>();
  scene.band_names = ListOf<std::string>(Item(args.info, "band_names"));
  scene.geo = GeoOf(args.info);
  const py::object source = Item(args.info, "source");
  scene.source = source.is_none() ? "(array)" : source.cast<std::string>();
  try {
    scene.Validate();
  } catch (const InputError& e) {
    ThrowValue(name + ": " + e.what());
  }
  return scene;
}

MatrixF MatrixFFromArray(const py::handle& a, const std::string& name, Index rows, Index cols) {
  return MatrixFrom<float>(a, name, rows, cols);
}
MatrixD MatrixDFromArray(const py::handle& a, const std::string& name, Index rows, Index cols) {
  return MatrixFrom<double>(a, name, rows, cols);
}

py::array ToNumpy(MatrixF m) {
  auto* owned = new MatrixF(std::move(m));
  py::capsule free(owned, [](void* p) { delete static_cast<MatrixF*>(p); });
  const py::ssize_t f = sizeof(float);
  return py::array_t<float>({owned->rows(), owned->cols()}, {f, f * owned->rows()}, owned->data(), free);
}

py::array ToNumpy(const MatrixD& m) {
  py::array_t<double, py::array::f_style> out({m.rows(), m.cols()});
  std::memcpy(out.mutable_data(), m.data(), sizeof(double) * m.size());
  return out;
}

py::object FromJson(const nlohmann::json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

nlohmann::json ToJsonValue(const py::handle& o) {
  return nlohmann::json::parse(py::module_::import("json").attr("dumps")(o).cast<std::string>());
}

py::dict InfoOf(const Scene& scene) {
  py::dict d;
  d["wavelengths"] = scene.wavelengths;
  d["wavelength_units"] = scene.wavelength_units;
  d["band_names"] = scene.band_names;
  if (scene.valid.empty()) {
    d["valid"] = py::none();
  } else {
    py::array_t<bool> v({scene.rows, scene.cols});
    for (size_t k = 0; k < scene.valid.size(); ++k) v.mutable_data()[k] = scene.valid[k] != 0;
    d["valid"] = v;
  }
  d["georeference"] = GeoDict(scene.geo);
  d["source"] = scene.source;
  return d;
}

py::array CubeOf(Scene scene) {
  const Index rows = scene.rows, cols = scene.cols, bands = scene.bands();
  auto* owned = new MatrixF(std::move(scene.data));
  py::capsule free(owned, [](void* p) { delete static_cast<MatrixF*>(p); });
  const py::ssize_t f = sizeof(float);
  return py::array_t<float>({rows, cols, bands}, {f * bands * cols, f * bands, f}, owned->data(), free);
}

void RegisterData(py::module_& m) {
  py::class_<SceneArgs>(m, "_SceneArgs")
      .def(py::init([](bool bands_first, py::object shape, py::object info, std::string name) {
             return SceneArgs{bands_first, std::move(shape), std::move(info), std::move(name)};
           }),
           py::arg("bands_first") = false, py::arg("shape") = py::none(), py::arg("info") = py::none(),
           py::arg("name") = "scene");

  m.def(
      "_read_scene",
      [](const std::string& path, const std::string& var, const std::string& bands, bool apply_scale,
         bool drop_bad_bands, std::optional<double> nodata, bool remove_water_vapor) {
        const io::ReadOptions o = ReadOptionsOf(var, bands, apply_scale, drop_bad_bands, nodata, remove_water_vapor);
        std::vector<std::string> warnings;
        Scene scene;
        {
          py::gil_scoped_release release;
          scene = LoadScene(path, o, &warnings);
        }
        py::dict info = InfoOf(scene);
        info["warnings"] = warnings;
        return py::make_tuple(CubeOf(std::move(scene)), info);
      },
      py::arg("path"), py::arg("var") = "", py::arg("bands") = "", py::arg("apply_scale") = true,
      py::arg("drop_bad_bands") = true, py::arg("nodata") = py::none(), py::arg("remove_water_vapor") = false);

  m.def(
      "_read_ground_truth",
      [](const std::string& path, const py::handle& scene_data, const SceneArgs& args, bool check_simplex) {
        const Scene scene = SceneFromArray(scene_data, args);
        GroundTruth gt;
        {
          py::gil_scoped_release release;
          gt = LoadGroundTruth(path, scene, io::ReadOptions{}, check_simplex);
        }
        return GroundTruthDict(std::move(gt));
      },
      py::arg("path"), py::arg("scene"), py::arg("args"), py::arg("check_simplex") = true);

  m.def(
      "_write_raster",
      [](const std::string& path, const py::handle& data, const SceneArgs& args, const std::string& format,
         bool compress) {
        const Scene scene = SceneFromArray(data, args);
        io::RasterWriteOptions o;
        if (format == "gtiff")
          o.format = io::RasterFormat::kGTiff;
        else if (format == "envi")
          o.format = io::RasterFormat::kEnvi;
        else if (format != "auto")
          throw OptionError("--format: expected gtiff or envi, got '" + format + "'");
        o.compress = compress;
        py::gil_scoped_release release;
        io::WriteRaster(path, scene, o);
      },
      py::arg("path"), py::arg("data"), py::arg("args"), py::arg("format") = "auto", py::arg("compress") = true);

  m.def(
      "_write_mat",
      [](const std::string& path, const py::handle& data, const SceneArgs& args) {
        const Scene scene = SceneFromArray(data, args);
        py::gil_scoped_release release;
        io::WriteMatScene(path, scene);
      },
      py::arg("path"), py::arg("data"), py::arg("args"));

  m.def(
      "_write_result_mat",
      [](const std::string& path, const py::handle& endmembers, const py::handle& abundances, Index rows, Index cols) {
        std::optional<Endmembers> e;
        std::optional<Abundances> x;
        if (!endmembers.is_none()) e = Endmembers{MatrixFFromArray(endmembers, "endmembers"), {}, {}};
        if (!abundances.is_none()) x = Abundances{MatrixFFromArray(abundances, "abundances"), rows, cols, {}};
        py::gil_scoped_release release;
        io::WriteMatResult(path, e ? &*e : nullptr, x ? &*x : nullptr);
      },
      py::arg("path"), py::arg("endmembers"), py::arg("abundances"), py::arg("rows"), py::arg("cols"));

  m.def(
      "read_endmembers_csv",
      [](const std::filesystem::path& path) {
        Endmembers e = io::ReadEndmembersCsv(path);
        py::dict d;
        d["names"] = e.names;
        d["wavelengths"] = e.wavelengths;
        d["endmembers"] = ToNumpy(std::move(e.spectra));
        return d;
      },
      py::arg("path"), "Endmember spectra from a CSV file: {'endmembers': bands x r, 'names', 'wavelengths'}.");

  m.def(
      "write_endmembers_csv",
      [](const std::filesystem::path& path, const py::handle& endmembers, std::vector<std::string> names,
         std::vector<double> wavelengths) {
        Endmembers e{MatrixFFromArray(endmembers, "endmembers"), std::move(names), std::move(wavelengths)};
        e.Validate();
        io::WriteEndmembersCsv(path, e);
      },
      py::arg("path"), py::arg("endmembers"), py::arg("names") = std::vector<std::string>{},
      py::arg("wavelengths") = std::vector<double>{}, "Writes endmember spectra (bands x r) as CSV.");

  m.def(
      "_synth",
      [](const std::string& preset, const py::dict& kw) {
        SyntheticOptions o;
        if (preset == "uadmm")
          o = SyntheticOptions::UAdmmNets();
        else if (preset == "nmfsae")
          o = SyntheticOptions::NmfSae();
        else
          throw OptionError("--preset: expected uadmm or nmfsae, got '" + preset + "'");
        o.library_names.clear();  // built-in spectra (a library is for the CLI's --library)
        for (const auto& [key, value] : kw) {
          const std::string k = key.cast<std::string>();
          if (k == "patch")
            o.patch = value.cast<Index>();
          else if (k == "gamma")
            o.gamma = value.cast<double>();
          else if (k == "endmembers")
            o.endmembers = value.cast<Index>();
          else if (k == "snr")
            o.snr_db = value.is_none() ? std::numeric_limits<double>::infinity() : value.cast<double>();
          else if (k == "seed")
            o.seed = value.cast<std::uint64_t>();
          else if (k == "blur_variance")
            o.blur_variance = value.cast<double>();
          else if (k == "kernel")
            o.kernel_size = value.cast<Index>();
          else if (k == "bands")
            o.spectra.bands = value.cast<Index>();
          else if (k == "min_angle")
            o.spectra.min_angle_deg = value.cast<double>();
          else if (k == "layout") {
            const auto v = value.cast<std::string>();
            if (v != "patches" && v != "regions")
              throw OptionError("--layout: expected patches or regions, got '" + v + "'");
            o.layout = v == "regions" ? SyntheticOptions::Layout::kRegions : SyntheticOptions::Layout::kPatches;
          } else if (k == "regions")
            o.regions = value.cast<Index>();
          else if (k == "brightness")
            o.brightness = value.cast<double>();
          else if (k == "max_purity")
            o.max_purity = value.cast<double>();
          else if (k == "dark")
            o.dark = value.cast<double>();
          else if (k == "variability")
            o.variability = value.cast<double>();
          else if (k == "noise_correlation")
            o.noise_correlation = value.cast<double>();
          else
            throw OptionError("synth: unknown option '" + k +
                              "' (known: patch, gamma, endmembers, snr, seed, blur_variance, kernel, bands, "
                              "min_angle, layout, regions, brightness, max_purity, dark, variability, "
                              "noise_correlation)");
        }
        std::string why;
        if (!o.IsValid(&why)) throw OptionError(why);
        SyntheticScene s;
        {
          py::gil_scoped_release release;
          s = MakeSyntheticScene(o);
        }
        py::dict d;
        d["info"] = InfoOf(s.scene);
        d["rows"] = s.scene.rows;
        d["cols"] = s.scene.cols;
        d["noise_sigma"] = s.noise_sigma;
        d["realized_snr_db"] = s.realized_snr_db;
        d["names"] = s.endmembers.names;
        d["endmembers"] = ToNumpy(std::move(s.endmembers.spectra));
        d["abundances"] = ToNumpy(std::move(s.abundances.values));
        d["clean"] = ToNumpy(std::move(s.clean));
        d["scene"] = CubeOf(std::move(s.scene));
        return d;
      },
      py::arg("preset"), py::arg("options"));

  m.def(
      "_evaluate",
      [](const py::handle& ref_e, const py::handle& est_e, const py::handle& ref_a, const py::handle& est_a,
         const py::handle& data, const std::string& match, double aid_epsilon, std::vector<std::string> names,
         const std::string& method) {
        const MatchRule rule = ParseMatchRule(match);
        std::optional<MatrixD> re, ee, ra, ea;
        std::optional<MatrixF> y;
        if (!ref_e.is_none()) re = MatrixDFromArray(ref_e, "reference endmembers");
        if (!est_e.is_none()) ee = MatrixDFromArray(est_e, "estimated endmembers", re ? re->rows() : -1);
        if (!ref_a.is_none()) ra = MatrixDFromArray(ref_a, "reference abundances");
        if (!est_a.is_none()) ea = MatrixDFromArray(est_a, "estimated abundances", -1, ra ? ra->cols() : -1);
        if (!data.is_none()) y = MatrixFFromArray(data, "data", ee ? ee->rows() : -1, ea ? ea->cols() : -1);
        EvaluationInput in;
        if (re && ee) in.ref_endmembers = &*re, in.est_endmembers = &*ee;
        if (ra && ea) in.ref_abundances = &*ra, in.est_abundances = &*ea;
        if (!in.ref_endmembers && !in.ref_abundances)
          throw InputError("nothing to compare: give reference and estimated endmembers and/or abundances");
        if (y && ee && ea) in.data = &*y, in.est_endmembers = &*ee, in.est_abundances = &*ea;
        in.rule = rule;
        in.aid_epsilon = aid_epsilon;
        Evaluation ev;
        {
          py::gil_scoped_release release;
          ev = Evaluate(in);
        }
        MetricsContext ctx;
        ctx.method = method;
        ctx.reference_names = std::move(names);
        if (ctx.reference_names.empty() && re)
          for (Index j = 0; j < re->cols(); ++j) ctx.reference_names.push_back("E" + std::to_string(j + 1));
        return FromJson(MetricsToJson(ev, ctx));
      },
      py::arg("ref_endmembers"), py::arg("est_endmembers"), py::arg("ref_abundances"), py::arg("est_abundances"),
      py::arg("data"), py::arg("match"), py::arg("aid_epsilon"), py::arg("names"), py::arg("method"));

  m.def(
      "spectral_angles",
      [](const py::handle& reference, const py::handle& estimate) {
        const MatrixD r = MatrixDFromArray(reference, "reference");
        const MatrixD e = MatrixDFromArray(estimate, "estimate", r.rows(), r.cols());
        const VectorD a = SpectralAngles(r, e);
        return std::vector<double>(a.data(), a.data() + a.size());
      },
      py::arg("reference"), py::arg("estimate"),
      "Spectral angle (radians) between column j of reference and of estimate (both bands x r).");
}

}  // namespace unmix::python
