#include "unmix/io/mat.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <type_traits>

#include "io/common.hpp"
#include "io/mat_file.hpp"
#include "io/mat_internal.hpp"
#include "unmix/core/error.hpp"

namespace fs = std::filesystem;

namespace unmix::io {

std::string MatVariableInfo::dims_text() const {
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += 'x';
    s += std::to_string(dims[i]);
  }
  return s.empty() ? "0x0" : s;
}

std::string MatVariableInfo::ToText() const {
  return fmt::format("{} ({}{} {})", name, complex ? "complex " : "", class_name, dims_text());
}

namespace detail {
namespace {

bool IsNumericInfo(const MatVariableInfo& v) {
  static const char* kNumeric[] = {"double", "single", "int8",  "uint8",  "int16",  "uint16",
                                   "int32",  "uint32", "int64", "uint64", "logical"};
  return std::any_of(std::begin(kNumeric), std::end(kNumeric), [&](const char* c) { return v.class_name == c; });
}

size_t Numel(const MatVariableInfo& v) {
  size_t n = 1;
  for (auto d : v.dims) n *= d;
  return v.dims.empty() ? 0 : n;
}

bool IsScalarInfo(const MatVariableInfo& v) { return IsNumericInfo(v) && Numel(v) == 1; }

// The image size stored in the file, and where it came from.
struct ShapeVars {
  Index rows = 0, cols = 0;
  bool numpy = false;  // H/W (numpy, row-major) rather than nRow/nCol (MATLAB, column-major)
  std::string source;  // "nRow/nCol" or "H/W"
};

std::optional<ShapeVars> ReadShape(const MatReader& mr) {
  const auto* r = mr.FindI("nRow");
  const auto* c = mr.FindI("nCol");
  if (r || c) {
    if (!r || !c)
      throw InputError(mr.file(), r ? "nCol" : "nRow",
                       fmt::format("missing (the file has {} but not {})", r ? r->name : c->name, r ? "nCol" : "nRow"));
    ShapeVars s;
    s.rows = PositiveIntegerOf(*mr.Read(r->name), mr.file());
    s.cols = PositiveIntegerOf(*mr.Read(c->name), mr.file());
    s.source = r->name + "/" + c->name;
    return s;
  }
  const auto* h = mr.Find("H");
  const auto* w = mr.Find("W");
  if (h && w && IsScalarInfo(*h) && IsScalarInfo(*w)) {
    ShapeVars s;
    s.rows = PositiveIntegerOf(*mr.Read("H"), mr.file());
    s.cols = PositiveIntegerOf(*mr.Read("W"), mr.file());
    s.numpy = true;
    s.source = "H/W";
    return s;
  }
  return std::nullopt;
}

bool RowMajorFor(MatPixelOrder order, const std::optional<ShapeVars>& shape) {
  if (order == MatPixelOrder::kRowMajor) return true;
  if (order == MatPixelOrder::kColumnMajor) return false;
  return shape && shape->numpy;
}

// 1-based band index vector (SlectBands, slctBnds) as 0-based indices; empty when absent.
std::vector<Index> ReadBandIndex(const MatReader& mr) {
  for (const char* name : {"SlectBands", "slctBnds", "SelectBands", "SelectedBands", "slctBands"}) {
    const auto* info = mr.FindI(name);
    if (!info || !IsNumericInfo(*info)) continue;
    const auto values = ToDoubles(*mr.Read(info->name), mr.file());
    std::vector<Index> idx;
    for (double v : values) {
      if (!(v >= 1) || v != std::floor(v) || v > 1e9)  // bounded before the conversion to Index
        throw InputError(mr.file(), info->name,
                         fmt::format("expected 1-based band numbers, found {}", FormatNumber(v)));
      idx.push_back(static_cast<Index>(v) - 1);
    }
    return idx;
  }
  return {};
}

// Wavelengths for `bands` bands: the `wavelength` variable when it has one value per band, or
// its entries picked by the band index when it covers the full sensor.
std::vector<double> ReadWavelengths(const MatReader& mr, Index bands, const std::vector<Index>& band_index,
                                    std::vector<std::string>& notes) {
  for (const char* name : {"wavelength", "wavelengths"}) {
    const auto* info = mr.FindI(name);
    if (!info || !IsNumericInfo(*info)) continue;
    auto wl = ToDoubles(*mr.Read(info->name), mr.file());
    RequireFinite(wl.data(), static_cast<Index>(wl.size()), 1, mr.file(), info->name);
    if (static_cast<Index>(wl.size()) == bands) return wl;
    if (static_cast<Index>(band_index.size()) == bands &&
        std::all_of(band_index.begin(), band_index.end(), [&](Index i) { return i < static_cast<Index>(wl.size()); })) {
      std::vector<double> picked;
      for (Index i : band_index) picked.push_back(wl[static_cast<size_t>(i)]);
      notes.push_back(
          fmt::format("{} has {} values; the {} bands' values were picked by the "
                      "band index",
                      info->name, wl.size(), bands));
      return picked;
    }
    notes.push_back(
        fmt::format("{} has {} values for {} bands and no band index to match them: "
                    "ignored",
                    info->name, wl.size(), bands));
    return {};
  }
  return {};
}

}  // namespace

// Converts one MATLAB array of pixels to a bands x (rows*cols) float matrix in row-major pixel
// order. `layout`: kBandsByPixels (p x N), kPixelsByBands (N x p), kCube (rows x cols x p),
// kBandsFirstCube (p x rows x cols). For 2-D layouts `row_major` says the file's pixel order.
template <typename T>
MatrixF PixelsToMatrix(const T* d, PixelLayout layout, Index bands, Index rows, Index cols, bool row_major) {
  const Index n = rows * cols;
  auto target = [&](Index m) { return row_major ? m : (m % rows) * cols + m / rows; };
  switch (layout) {
    case PixelLayout::kBandsByPixels: {
      Eigen::Map<const Matrix<T>> src(d, bands, n);
      if (row_major) return src.template cast<float>();
      return ColumnMajorToRowMajor(src.template cast<float>(), rows, cols);
    }
    case PixelLayout::kPixelsByBands: {
      MatrixF out(bands, n);
      for (Index b = 0; b < bands; ++b)
        for (Index m = 0; m < n; ++m) out(b, target(m)) = static_cast<float>(d[m + n * b]);
      return out;
    }
    case PixelLayout::kCube: {
      MatrixF out(bands, n);
      for (Index b = 0; b < bands; ++b)
        for (Index c = 0; c < cols; ++c)
          for (Index r = 0; r < rows; ++r) out(b, r * cols + c) = static_cast<float>(d[r + rows * c + n * b]);
      return out;
    }
    case PixelLayout::kBandsFirstCube: {
      MatrixF out(bands, n);
      for (Index c = 0; c < cols; ++c)
        for (Index r = 0; r < rows; ++r)
          for (Index b = 0; b < bands; ++b) out(b, r * cols + c) = static_cast<float>(d[b + bands * (r + rows * c)]);
      return out;
    }
  }
  return {};
}

MatrixF VarToMatrix(const matvar_t& v, const std::string& file, PixelLayout layout, Index bands, Index rows, Index cols,
                    bool row_major, bool* integer_valued) {
  MatrixF out;
  VisitNumeric(v, file, [&](const auto* d, size_t n) {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(d)>>;
    // The layout comes from the variable's header as first listed; a damaged file can read back
    // with other dimensions, and the copy must not run past the data it got.
    Index expected = 0;
    if (__builtin_mul_overflow(bands, rows, &expected) || __builtin_mul_overflow(expected, cols, &expected) ||
        static_cast<size_t>(expected) != n)
      throw InputError(file, v.name ? v.name : "",
                       fmt::format("holds {} values where its dimensions said {} x {} x {}: the file is damaged", n,
                                   bands, rows, cols));
    if (integer_valued) {
      bool whole = true;
      if constexpr (std::is_floating_point_v<T>) {
        for (size_t i = 0; i < n && whole; ++i) whole = !std::isfinite(d[i]) || d[i] == std::floor(d[i]);
      }
      *integer_valued = whole;
    }
    out = PixelsToMatrix(d, layout, bands, rows, cols, row_major);
  });
  return out;
}

Scene ReadMatSceneDetailed(const fs::path& path, const MatSceneOptions& options, ReadDetails* details) {
  MatReader mr(path);
  const std::string& file = mr.file();
  auto layout = RecognizeMatScene(mr, options);
  if (!layout)
    throw InputError(file, "",
                     fmt::format("no hyperspectral image recognised (expected Y or V with nRow/"
                                 "nCol or H/W, or a rows x cols x bands array); variables found: "
                                 "{}; use --var NAME to choose the data variable",
                                 mr.VariableList()));
  ReadDetails local;
  ReadDetails& info = details ? *details : local;
  info.format = mr.format();
  info.variables = mr.variables();
  info.layout = layout->description;
  info.notes.insert(info.notes.end(), layout->notes.begin(), layout->notes.end());

  Scene scene;
  scene.source = file;
  scene.rows = layout->rows;
  scene.cols = layout->cols;
  // An empty array may still declare billions along its other dimensions; the copy below would
  // loop over them.
  if (layout->bands == 0 || layout->rows == 0 || layout->cols == 0)
    throw InputError(
        file, layout->var,
        fmt::format("the image is empty: {} bands x {} x {} pixels", layout->bands, layout->rows, layout->cols));
  bool integer_valued = false;
  {
    auto var = mr.Read(layout->var);
    info.data_type = DescribeMatVar(*var).class_name;
    scene.data = VarToMatrix(*var, file, layout->pixel_layout, layout->bands, layout->rows, layout->cols,
                             layout->row_major, &integer_valued);
    if (integer_valued && (var->class_type == MAT_C_DOUBLE || var->class_type == MAT_C_SINGLE))
      info.data_type += " (whole numbers)";
  }
  const Index p = scene.bands(), n = scene.pixels();
  info.file_bands = p;

  if (const auto* mv = mr.FindI("maxValue"); mv && IsNumericInfo(*mv)) {
    const double max_value = ScalarOf(*mr.Read(mv->name), file);
    if (!(max_value > 0) || !std::isfinite(max_value))
      throw InputError(file, mv->name, fmt::format("expected a positive number, found {}", FormatNumber(max_value)));
    if (!options.apply_max_value) {
      info.notes.push_back(fmt::format("{} = {} not applied (disabled)", mv->name, FormatNumber(max_value)));
    } else if (!integer_valued) {
      info.notes.push_back(
          fmt::format("{} = {} not applied: the data are not whole-number counts", mv->name, FormatNumber(max_value)));
    } else {
      scene.data *= static_cast<float>(1.0 / max_value);
      info.scale = max_value;
      info.scale_source = mv->name;
    }
  }
  for (const char* name : {"nBand", "L"}) {
    const auto* nb = mr.FindI(name);
    if (!nb || !IsScalarInfo(*nb) || (std::string(name) == "L" && nb->name != "L")) continue;
    const double v = ScalarOf(*mr.Read(nb->name), file);
    if (v != static_cast<double>(p))
      info.notes.push_back(fmt::format("{} = {} differs from the {} bands of {} (kept {})", nb->name, FormatNumber(v),
                                       p, layout->var, p));
    break;
  }

  const auto band_index = ReadBandIndex(mr);
  scene.wavelengths = ReadWavelengths(mr, p, band_index, info.notes);
  scene.wavelength_units = GuessWavelengthUnits(scene.wavelengths);
  if (!scene.wavelengths.empty())
    info.notes.push_back(scene.wavelength_units.empty()
                             ? "wavelength units unknown"
                             : "wavelength units guessed from the values: " + scene.wavelength_units);

  if (const auto* vm = mr.Find("valid"); vm && IsNumericInfo(*vm) && Numel(*vm) == static_cast<size_t>(n)) {
    const auto values = ToDoubles(*mr.Read("valid"), file);
    scene.valid.assign(static_cast<size_t>(n), 1);
    const bool row_major = layout->row_major || layout->pixel_layout == PixelLayout::kCube ||
                           layout->pixel_layout == PixelLayout::kBandsFirstCube;
    for (Index m = 0; m < n; ++m) {
      const Index k = row_major ? m : (m % scene.rows) * scene.cols + m / scene.rows;
      scene.valid[static_cast<size_t>(k)] = values[static_cast<size_t>(m)] != 0 ? 1 : 0;
    }
    for (Index k = 0; k < n; ++k)
      if (!scene.valid[static_cast<size_t>(k)]) scene.data.col(k).setZero();
  }
  if (options.drop_empty_bands) {
    const auto dropped = DropBandsWithoutValues(scene);
    if (!dropped.empty()) {
      std::vector<Index> numbers;
      for (Index b : dropped) numbers.push_back(b + 1);
      const std::string count = dropped.size() == 1 ? "1 band holds" : fmt::format("{} bands hold", dropped.size());
      info.notes.push_back(fmt::format("{} no value in any pixel (NaN or infinite): dropped (bands {})", count,
                                       fmt::join(numbers, ", ")));
    }
  }
  const Index nonfinite = InvalidateNonFinitePixels(scene);
  if (nonfinite > 0)
    info.notes.push_back(fmt::format("{} pixels hold NaN or infinite values: marked invalid", nonfinite));
  if (!scene.valid.empty() && scene.all_valid()) scene.valid.clear();
  scene.Validate();
  return scene;
}

std::optional<MatSceneLayout> RecognizeMatScene(const MatReader& mr, const MatSceneOptions& options) {
  const std::string& file = mr.file();
  const MatVariableInfo* data = nullptr;
  if (!options.var.empty()) {
    data = mr.Find(options.var);
    if (!data)
      throw InputError(file, options.var,
                       fmt::format("no such variable (--var); variables found: {}", mr.VariableList()));
  } else {
    for (const char* name : {"Y", "V"})
      if ((data = mr.Find(name))) break;
    if (!data) {
      std::vector<const MatVariableInfo*> cubes;
      for (const auto& v : mr.variables())
        if (IsNumericInfo(v) && v.dims.size() == 3) cubes.push_back(&v);
      if (cubes.size() > 1) {
        std::string names;
        for (auto* c : cubes) {
          if (!names.empty()) names += ", ";
          names += c->ToText();
        }
        throw InputError(file, "",
                         fmt::format("several 3-D arrays could be the image ({}); use --var NAME "
                                     "to choose one",
                                     names));
      }
      if (cubes.empty()) return std::nullopt;
      data = cubes.front();
    }
  }
  if (!IsNumericInfo(*data) || data->complex)
    throw InputError(file, data->name,
                     fmt::format("expected a numeric image, found {}{} {}", data->complex ? "complex " : "",
                                 data->class_name, data->dims_text()));
  MatSceneLayout layout;
  layout.var = data->name;
  const auto shape = ReadShape(mr);
  if (data->dims.size() == 3) {
    const Index d0 = static_cast<Index>(data->dims[0]), d1 = static_cast<Index>(data->dims[1]),
                d2 = static_cast<Index>(data->dims[2]);
    layout.pixel_layout = PixelLayout::kCube;
    layout.rows = d0, layout.cols = d1, layout.bands = d2;
    if (shape && !(shape->rows == d0 && shape->cols == d1)) {
      if (shape->rows == d1 && shape->cols == d2) {
        layout.pixel_layout = PixelLayout::kBandsFirstCube;
        layout.rows = d1, layout.cols = d2, layout.bands = d0;
      } else {
        throw InputError(file, data->name,
                         fmt::format("the {} array does not match {} = {} x {}", data->dims_text(), shape->source,
                                     shape->rows, shape->cols));
      }
    }
    layout.description =
        fmt::format("{} {} ({}), {} x {} pixels x {} bands", data->name, data->dims_text(),
                    layout.pixel_layout == PixelLayout::kCube ? "rows x cols x bands" : "bands x rows x cols",
                    layout.rows, layout.cols, layout.bands);
    return layout;
  }
  if (data->dims.size() != 2)
    throw InputError(file, data->name,
                     fmt::format("expected a bands x pixels matrix or a rows x cols x bands "
                                 "array, found a {}-D array ({})",
                                 data->dims.size(), data->dims_text()));
  if (!shape)
    throw InputError(file, data->name,
                     fmt::format("a {} matrix needs the image size: the file has no nRow/nCol "
                                 "(or H/W); variables found: {}",
                                 data->dims_text(), mr.VariableList()));
  const Index d0 = static_cast<Index>(data->dims[0]), d1 = static_cast<Index>(data->dims[1]);
  const Index n = shape->rows * shape->cols;
  layout.rows = shape->rows;
  layout.cols = shape->cols;
  layout.row_major = RowMajorFor(options.pixel_order, shape);
  if (d1 == n) {
    layout.pixel_layout = PixelLayout::kBandsByPixels;
    layout.bands = d0;
  } else if (d0 == n) {
    layout.pixel_layout = PixelLayout::kPixelsByBands;
    layout.bands = d1;
    layout.notes.push_back(fmt::format("{} is stored pixels x bands; transposed", data->name));
  } else {
    throw InputError(file, data->name,
                     fmt::format("{} does not match the image size {} = {} x {} = {} pixels", data->dims_text(),
                                 shape->source, shape->rows, shape->cols, n));
  }
  layout.description = fmt::format(
      "{} {} ({}) with {}: {} x {} pixels, {} pixel order{}", data->name, data->dims_text(),
      layout.pixel_layout == PixelLayout::kBandsByPixels ? "bands x pixels" : "pixels x bands", shape->source,
      shape->rows, shape->cols, layout.row_major ? "row-major (numpy)" : "column-major (MATLAB)",
      options.pixel_order == MatPixelOrder::kAuto ? "" : " (forced)");
  return layout;
}

namespace {

// sin of the angle between the valid pixels of the scene and M A as two long vectors: 0 for a
// perfect fit, whatever the scale of either.
double FitSine(const MatrixD& y, const MatrixD& fit) {
  const double yy = y.squaredNorm(), ff = fit.squaredNorm();
  if (!(yy > 0) || !(ff > 0)) return 1.0;
  const double c = y.cwiseProduct(fit).sum() / std::sqrt(yy * ff);
  return std::sqrt(std::max(0.0, 1.0 - c * c));
}

// A 2-D abundance matrix carries no pixel order of its own: when M A fits the scene far better
// with the other order, the file was almost certainly written in that order, and every score
// would silently be wrong. `row_major` is the order the reader assumed.
void CheckPixelOrder(const Endmembers& e, const Abundances& a, const Scene& scene, const std::string& file,
                     const std::string& field, bool row_major) {
  const Index rows = scene.rows, cols = scene.cols, n = scene.pixels();
  if (rows < 2 || cols < 2 || e.bands() != scene.bands() || e.count() != a.count() || a.pixels() != n) return;
  // Column of `a` that the other order would have put at pixel k.
  auto other = [&](Index k) {
    return row_major ? k / cols + rows * (k % cols)   // file position k read as column-major
                     : (k % rows) * cols + k / rows;  // file position k read as row-major
  };
  const Index step = std::max<Index>(1, n / 20000);  // an even sample bounds the cost
  std::vector<Index> sample;
  for (Index k = 0; k < n; k += step)
    if (scene.valid.empty() || scene.valid[static_cast<size_t>(k)]) sample.push_back(k);
  if (sample.size() < 4) return;
  const Index s = static_cast<Index>(sample.size());
  MatrixD y(scene.bands(), s), x(a.count(), s), x_other(a.count(), s);
  for (Index j = 0; j < s; ++j) {
    const Index k = sample[static_cast<size_t>(j)];
    y.col(j) = scene.data.col(k).cast<double>();
    x.col(j) = a.values.col(k).cast<double>();
    x_other.col(j) = a.values.col(other(k)).cast<double>();
  }
  const MatrixD m = e.spectra.cast<double>();
  const double assumed = FitSine(y, m * x), alternative = FitSine(y, m * x_other);
  // Twice as good and by more than noise: the file's own order is not beaten so in practice.
  if (alternative < 0.5 * assumed && assumed - alternative > 0.02)
    throw InputError(
        file, field,
        fmt::format("the abundances fit the scene far better in {} pixel order (residual {:.3f}) than "
                    "in the {} order assumed (residual {:.3f}): the file's pixel order is probably "
                    "{}; pass --pixel-order {} if so",
                    row_major ? "column-major" : "row-major", alternative, row_major ? "row-major" : "column-major",
                    assumed, row_major ? "column-major (MATLAB)" : "row-major (numpy)",
                    row_major ? "column-major" : "row-major"));
}

}  // namespace

GroundTruth ReadMatGroundTruthImpl(const fs::path& path, const Scene* scene, MatPixelOrder pixel_order,
                                   const std::string& band_spec) {
  MatReader mr(path);
  const std::string& file = mr.file();
  GroundTruth gt;
  gt.source = file;

  const MatVariableInfo* mi = nullptr;
  for (const char* name : {"M", "E"}) {
    const auto* v = mr.Find(name);
    if (!v || !IsNumericInfo(*v) || Numel(*v) <= 1) continue;  // HySUPP's M is an atom count
    if (v->dims.size() != 2)
      throw InputError(
          file, v->name,
          fmt::format("expected a bands x endmembers matrix, found a {}-D array ({})", v->dims.size(), v->dims_text()));
    mi = v;
    break;
  }
  const MatVariableInfo* ai = mr.Find("A");
  if (ai && (!IsNumericInfo(*ai) || Numel(*ai) <= 1)) ai = nullptr;
  if (!mi && !ai)
    throw InputError(file, "",
                     fmt::format("no ground truth found (expected endmembers M or E, bands x "
                                 "endmembers, and/or abundances A, endmembers x pixels); "
                                 "variables found: {}",
                                 mr.VariableList()));
  const auto shape = ReadShape(mr);
  if (scene && shape && (shape->rows != scene->rows || shape->cols != scene->cols))
    throw InputError(file, shape->source,
                     fmt::format("the file's image is {} x {} pixels, the scene is {} x {}", shape->rows, shape->cols,
                                 scene->rows, scene->cols));
  Index rows = scene ? scene->rows : shape ? shape->rows : 0;
  Index cols = scene ? scene->cols : shape ? shape->cols : 0;
  const bool row_major = RowMajorFor(pixel_order, shape);

  Index r = -1;  // endmember count
  if (ai) {
    if (ai->dims.size() != 2 && ai->dims.size() != 3)
      throw InputError(file, ai->name,
                       fmt::format("expected an endmembers x pixels matrix, found a {}-D array ({})", ai->dims.size(),
                                   ai->dims_text()));
    auto var = mr.Read(ai->name);
    VisitNumeric(*var, file, [&](const auto* d, size_t) {
      RequireFinite(d, static_cast<Index>(NumelOf(*var)), 1, file, ai->name);
    });
    const Index d0 = static_cast<Index>(ai->dims[0]), d1 = static_cast<Index>(ai->dims[1]);
    PixelLayout pl;
    Index n_expected = rows * cols;
    if (ai->dims.size() == 2) {
      if (n_expected == 0) {  // no image size anywhere: keep file order as an N x 1 image
        const bool transposed = d0 > d1;
        rows = transposed ? d0 : d1;
        cols = 1;
        n_expected = rows;
      }
      if (d1 == n_expected) {
        pl = PixelLayout::kBandsByPixels;
        r = d0;
      } else if (d0 == n_expected) {
        pl = PixelLayout::kPixelsByBands;
        r = d1;
      } else {
        throw InputError(file, ai->name,
                         fmt::format("expected {} pixels ({} x {}{}), found an array of {}", n_expected, rows, cols,
                                     scene ? " like the scene" : "", ai->dims_text()));
      }
    } else {
      const Index d2 = static_cast<Index>(ai->dims[2]);
      const bool fits_first = (rows == 0 || (d1 == rows && d2 == cols));
      const bool fits_last = (rows == 0 || (d0 == rows && d1 == cols));
      if (fits_last && (!fits_first || d2 <= d0)) {
        pl = PixelLayout::kCube;
        rows = d0, cols = d1, r = d2;
      } else if (fits_first) {
        pl = PixelLayout::kBandsFirstCube;
        rows = d1, cols = d2, r = d0;
      } else {
        throw InputError(
            file, ai->name,
            fmt::format("expected {} x {} abundance maps, found an array of {}", rows, cols, ai->dims_text()));
      }
    }
    Abundances a;
    a.rows = rows;
    a.cols = cols;
    a.values = VarToMatrix(*var, file, pl, r, rows, cols, row_major, nullptr);
    gt.abundances = std::move(a);
  }

  std::vector<Index> band_index = ReadBandIndex(mr);
  if (mi) {
    auto var = mr.Read(mi->name);
    const Index m0 = static_cast<Index>(mi->dims[0]), m1 = static_cast<Index>(mi->dims[1]);
    bool transposed = false;
    if (r >= 0) {
      if (m1 == r)
        transposed = false;
      else if (m0 == r)
        transposed = true;
      else
        throw InputError(file, mi->name,
                         fmt::format("{} endmembers expected (as in {}), found {}", r, ai->name, mi->dims_text()));
    } else if (scene) {
      transposed = m0 != scene->bands() && m1 == scene->bands();
    } else {
      transposed = m0 < m1;
    }
    Endmembers e;
    VisitNumeric(*var, file, [&](const auto* d, size_t) {
      RequireFinite(d, m0, m1, file, mi->name);
      using T = std::remove_cv_t<std::remove_pointer_t<decltype(d)>>;
      Eigen::Map<const Matrix<T>> src(d, m0, m1);
      if (transposed)
        e.spectra = src.transpose().template cast<float>();
      else
        e.spectra = src.template cast<float>();
    });
    r = e.count();
    std::vector<std::string> notes;
    e.wavelengths = ReadWavelengths(mr, e.bands(), band_index, notes);
    gt.endmembers = std::move(e);
  }

  for (const char* name : {"cood", "labels", "names", "endmember_names"}) {
    const auto* nv = mr.FindI(name);
    if (!nv) continue;
    auto names = StringsOf(*mr.Read(nv->name), file);
    if (static_cast<Index>(names.size()) != r)
      throw InputError(file, nv->name, fmt::format("expected {} names (one per endmember), found {}", r, names.size()));
    for (auto& s : names) s = CleanEndmemberName(s);
    if (gt.endmembers) gt.endmembers->names = names;
    if (gt.abundances) gt.abundances->names = names;
    break;
  }

  if (scene) {
    if (gt.endmembers) AlignEndmembersToScene(*gt.endmembers, *scene, file, mi->name, band_index, band_spec);
    if (gt.abundances) CheckAbundancesAgainstScene(*gt.abundances, *scene, file, ai->name);
    if (gt.endmembers && gt.abundances && ai->dims.size() == 2 && pixel_order == MatPixelOrder::kAuto)
      CheckPixelOrder(*gt.endmembers, *gt.abundances, *scene, file, ai->name, row_major);
  }
  if (gt.endmembers) gt.endmembers->Validate();
  if (gt.abundances) gt.abundances->Validate();
  return gt;
}

}  // namespace detail

std::vector<MatVariableInfo> ListMatVariables(const fs::path& path) { return detail::MatReader(path).variables(); }

Scene ReadMatScene(const fs::path& path, const MatSceneOptions& options) {
  return detail::ReadMatSceneDetailed(path, options, nullptr);
}

GroundTruth ReadMatGroundTruth(const fs::path& path, const Scene* scene, MatPixelOrder order) {
  return detail::ReadMatGroundTruthImpl(path, scene, order, "");
}

void WriteMatScene(const fs::path& path, const Scene& scene, const MatWriteOptions& options) {
  scene.Validate();
  const Index p = scene.bands(), n = scene.pixels();
  std::vector<double> y(static_cast<size_t>(p * n));
  for (Index c = 0; c < scene.cols; ++c)
    for (Index r = 0; r < scene.rows; ++r) {
      const Index m = r + scene.rows * c, k = r * scene.cols + c;
      double* dst = y.data() + p * m;
      const float* src = scene.data.col(k).data();
      for (Index b = 0; b < p; ++b) dst[b] = src[b];
    }
  detail::MatWriter w(path, options);
  w.Matrix("Y", y.data(), static_cast<size_t>(p), static_cast<size_t>(n));
  w.Scalar("nRow", static_cast<double>(scene.rows));
  w.Scalar("nCol", static_cast<double>(scene.cols));
  w.Scalar("nBand", static_cast<double>(p));
  if (!scene.wavelengths.empty()) w.Matrix("wavelength", scene.wavelengths.data(), 1, scene.wavelengths.size());
  if (!scene.all_valid()) {
    std::vector<std::uint8_t> valid(static_cast<size_t>(n));
    for (Index c = 0; c < scene.cols; ++c)
      for (Index r = 0; r < scene.rows; ++r)
        valid[static_cast<size_t>(r + scene.rows * c)] = scene.valid[static_cast<size_t>(r * scene.cols + c)] ? 1 : 0;
    w.Uint8("valid", valid.data(), 1, valid.size());
  }
  w.Commit();
}

void WriteMatResult(const fs::path& path, const Endmembers* endmembers, const Abundances* abundances,
                    const MatWriteOptions& options) {
  if (!endmembers && !abundances) throw Error(path.string() + ": nothing to write (no endmembers and no abundances)");
  if (endmembers) endmembers->Validate();
  if (abundances) abundances->Validate();
  if (endmembers && abundances && endmembers->count() != abundances->count())
    throw Error(fmt::format("{}: {} endmembers but {} abundance maps", path.string(), endmembers->count(),
                            abundances->count()));
  const Index r = endmembers ? endmembers->count() : abundances->count();
  std::vector<std::string> names;
  for (Index j = 0; j < r; ++j) {
    if (endmembers)
      names.push_back(endmembers->name(j));
    else if (j < static_cast<Index>(abundances->names.size()) && !abundances->names[static_cast<size_t>(j)].empty())
      names.push_back(abundances->names[static_cast<size_t>(j)]);
    else
      names.push_back(fmt::format("E{}", j + 1));
  }
  detail::MatWriter w(path, options);
  if (endmembers) {
    const MatrixD m = endmembers->spectra.cast<double>();
    w.Matrix("M", m.data(), static_cast<size_t>(m.rows()), static_cast<size_t>(m.cols()));
    if (!endmembers->wavelengths.empty())
      w.Matrix("wavelength", endmembers->wavelengths.data(), 1, endmembers->wavelengths.size());
  }
  if (abundances) {
    const MatrixD a = RowMajorToColumnMajor(abundances->values.cast<double>(), abundances->rows, abundances->cols);
    w.Matrix("A", a.data(), static_cast<size_t>(a.rows()), static_cast<size_t>(a.cols()));
    w.Scalar("nRow", static_cast<double>(abundances->rows));
    w.Scalar("nCol", static_cast<double>(abundances->cols));
  }
  w.Strings("cood", names);
  w.Commit();
}

}  // namespace unmix::io
