// Reading a run folder back for `unmix report`: every part is optional, and what cannot be
// read becomes a note in the report instead of an error.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "unmix/core/error.hpp"
#include "unmix/io/csv.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"
#include "unmix/io/read.hpp"
#include "unmix/report/checksum.hpp"
#include "unmix/report/html_report.hpp"
#include "unmix/run/run_record.hpp"

namespace fs = std::filesystem;

namespace unmix::report {
namespace {

using nlohmann::json;

std::optional<std::string> ReadBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json ReadJsonFile(const fs::path& p, std::vector<std::string>& notes) {
  const auto bytes = ReadBytes(p);
  if (!bytes) return nullptr;
  try {
    return json::parse(*bytes);
  } catch (const json::exception& e) {
    notes.push_back(fmt::format("{} could not be parsed ({})", p.filename().string(), e.what()));
    return nullptr;
  }
}

std::vector<double> ReadLossCsv(const fs::path& p, std::vector<std::string>& notes) {
  std::vector<double> loss;
  std::ifstream in(p);
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 || line.empty()) continue;  // header "epoch,loss"
    const auto comma = line.find(',');
    try {
      loss.push_back(std::stod(line.substr(comma == std::string::npos ? 0 : comma + 1)));
    } catch (const std::exception&) {
      notes.push_back(fmt::format("loss.csv line {} is not \"epoch,loss\"; the loss curve stops there", line_no));
      break;
    }
  }
  return loss;
}

std::string Str(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// Picks the reference bands whose wavelengths match the estimates' (within 1 nm + 0.1 %).
bool AlignBands(Endmembers& ref, const Endmembers& est, const std::string& est_units) {
  if (ref.bands() == est.bands()) return true;
  if (ref.wavelengths.empty() || static_cast<Index>(est.wavelengths.size()) != est.bands()) return false;
  const auto want = WavelengthsInNanometres(est.wavelengths, est_units);
  const auto have = WavelengthsInNanometres(ref.wavelengths, "");
  MatrixF kept(est.bands(), ref.count());
  for (Index b = 0; b < est.bands(); ++b) {
    size_t best = 0;
    for (size_t k = 1; k < have.size(); ++k)
      if (std::abs(have[k] - want[static_cast<size_t>(b)]) < std::abs(have[best] - want[static_cast<size_t>(b)]))
        best = k;
    if (std::abs(have[best] - want[static_cast<size_t>(b)]) > 1.0 + 1e-3 * want[static_cast<size_t>(b)]) return false;
    kept.row(b) = ref.spectra.row(static_cast<Index>(best));
  }
  ref.spectra = std::move(kept);
  ref.wavelengths = est.wavelengths;
  return true;
}

void AddReference(RunContents& c, const RunRecord& run, const std::vector<std::uint8_t>& valid, Index map_side) {
  const std::string& given = run.ground_truth;
  if (given.empty()) return;
  const InputChecksum* rec = run.Input("ground_truth");
  fs::path path = given;
  if (!fs::exists(path) && rec && !rec->absolute.empty()) path = rec->absolute;
  if (!fs::exists(path)) {
    c.notes.push_back(
        fmt::format("the ground truth {} was not found, so the reference maps and spectra are left out "
                    "(the scores come from the run)",
                    given));
    return;
  }
  try {
    if (rec && !rec->sha256.empty() && Sha256OfFile(path) != rec->sha256)
      c.notes.push_back(
          fmt::format("the ground truth {} changed since the run (its SHA-256 differs from run.json): "
                      "the reference shown may not be the one scored",
                      path.string()));
    GroundTruth gt;
    switch (io::DetectFileKind(path)) {
      case io::FileKind::kMat:
        gt = io::ReadMatGroundTruth(path);
        break;
      case io::FileKind::kCsv:
        gt.endmembers = io::ReadEndmembersCsv(path);
        break;
      case io::FileKind::kRaster: {
        io::RasterReadOptions ro;
        ro.drop_bad_bands = false;
        Scene maps = io::ReadRaster(path, ro);
        Abundances a;
        a.values = std::move(maps.data);
        a.rows = maps.rows;
        a.cols = maps.cols;
        a.names = maps.band_names;
        gt.abundances = std::move(a);
        break;
      }
    }
    if (gt.endmembers && c.endmembers) {
      Endmembers ref = *gt.endmembers;
      if (AlignBands(ref, *c.endmembers, c.wavelength_units))
        c.reference_endmembers = std::move(ref);
      else
        c.notes.push_back(
            fmt::format("the reference spectra in {} have {} bands and the estimates {}, with no "
                        "wavelengths to pair them: the spectra are shown without the reference",
                        path.string(), gt.endmembers->bands(), c.endmembers->bands()));
    }
    if (gt.abundances && c.maps) {
      Abundances a = *gt.abundances;
      const Index rows = c.maps->source_rows, cols = c.maps->source_cols;
      if ((a.rows != rows || a.cols != cols) && a.pixels() == rows * cols) {
        // A .mat without image size gives an N x 1 image in file order: MATLAB's column-major order.
        a.values = ColumnMajorToRowMajor(a.values, rows, cols);
        a.rows = rows;
        a.cols = cols;
        c.notes.push_back(
            fmt::format("{} holds no image size; its abundances were taken in MATLAB (column-major) "
                        "pixel order",
                        path.string()));
      }
      if (a.rows == rows && a.cols == cols) {
        c.reference_maps = BlockAverage(a.values, rows, cols, valid, map_side);
        c.reference_maps->names = a.names;
      } else {
        c.notes.push_back(
            fmt::format("the reference abundances in {} are {} x {} pixels, the estimates {} x {}: the "
                        "reference maps are left out",
                        path.string(), a.rows, a.cols, rows, cols));
      }
    }
  } catch (const Error& e) {
    c.notes.push_back(
        fmt::format("the ground truth could not be read ({}): the reference maps and spectra are left out", e.what()));
  }
}

// What run.json lets `unmix report` read: the files it lists as outputs, each checked against
// the size and SHA-256 it records. Folders without a list (older unmix, or no run.json) allow
// every file, as before.
class Listed {
 public:
  Listed(const fs::path& dir, const RunRecord& run) : dir_(dir) {
    if (!run.lists_outputs) return;
    restricted_ = true;
    names_.insert(run.outputs.begin(), run.outputs.end());
    checked_ = run.has_output_checksums;
    sums_ = run.output_checksums;
  }
  bool restricted() const { return restricted_; }
  bool checked() const { return checked_; }
  // Whether `name` may be read. A listed file that differs from its record is an error: the
  // folder is not the run its run.json describes. One that is missing is a note (nothing of it
  // can be misread).
  bool Use(const std::string& name, std::vector<std::string>& notes) const {
    if (!restricted_) return fs::exists(dir_ / name);
    if (!names_.count(name)) return false;
    const fs::path p = dir_ / name;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
      notes.push_back(fmt::format("{} is listed in run.json but missing: the run folder is incomplete", name));
      return false;
    }
    const auto it = sums_.find(name);
    if (it == sums_.end()) return true;
    const OutputChecksum& rec = it->second;
    if (rec.bytes && *rec.bytes != fs::file_size(p, ec))
      throw InputError(p.string(), "bytes",
                       fmt::format("expected {} (recorded in run.json), found {}: the file changed after the run",
                                   *rec.bytes, fs::file_size(p, ec)));
    const std::string& want = rec.sha256;
    if (!want.empty()) {
      const std::string have = Sha256OfFile(p);
      if (have != want)
        throw InputError(
            p.string(), "sha256",
            fmt::format("expected {} (recorded in run.json), found {}: the file changed after the run", want, have));
    }
    return true;
  }

 private:
  fs::path dir_;
  bool restricted_ = false, checked_ = false;
  std::set<std::string> names_;
  std::map<std::string, OutputChecksum> sums_;
};

}  // namespace

bool IsRunFolder(const fs::path& dir) { return fs::is_regular_file(dir / "run.json"); }

RunContents ReadRunFolder(const fs::path& dir, Index map_side) {
  if (!fs::is_directory(dir)) throw InputError(dir.string(), "", "not a directory (expected a run folder)");
  RunContents c;
  c.folder = dir;
  const fs::path tif = dir / "abundances.tif", img = dir / "abundances.img";
  if (!fs::exists(dir / "run.json") && !fs::exists(dir / "endmembers.csv") && !fs::exists(tif) && !fs::exists(img))
    throw InputError(dir.string(), "",
                     "not a run folder: no run.json, endmembers.csv or abundances.tif (written by unmix run)");

  c.run = ReadJsonFile(dir / "run.json", c.notes);
  if (!fs::exists(dir / "run.json")) c.notes.push_back("run.json is missing: the settings are unknown");
  RunRecord run;
  if (c.run.is_object()) {
    try {
      run = ParseRunRecord(c.run, (dir / "run.json").string());
    } catch (const Error& e) {
      c.notes.push_back(
          fmt::format("run.json is not what unmix writes ({}): its settings are shown as they are, its "
                      "files unchecked",
                      e.what()));
    }
  }
  const Listed listed(dir, run);
  if (fs::exists(dir / "run.json") && !listed.restricted())
    c.notes.push_back(
        "run.json lists no outputs (written by an older unmix): every file in the folder was read, "
        "unchecked");
  else if (listed.restricted() && !listed.checked())
    c.notes.push_back(
        "run.json records no checksums of its outputs (written by an older unmix): the files are "
        "unchecked");
  if (listed.Use("metrics.json", c.notes)) c.metrics = ReadJsonFile(dir / "metrics.json", c.notes);
  if (c.metrics.is_null() && !run.ground_truth.empty())
    c.notes.push_back("metrics.json is missing although the run had ground truth: no scores");
  c.title = run.Title();
  if (c.title.empty()) c.title = Str(c.metrics, "method");
  if (c.title.empty()) c.title = fs::absolute(dir).lexically_normal().filename().string();
  c.wavelength_units = run.wavelength_units;

  if (listed.Use("endmembers.csv", c.notes)) {
    try {
      c.endmembers = io::ReadEndmembersCsv(dir / "endmembers.csv");
    } catch (const Error& e) {
      c.notes.push_back(fmt::format("endmembers.csv could not be read ({}): no spectra", e.what()));
    }
  } else {
    c.notes.push_back("endmembers.csv is missing: no spectra");
  }

  std::vector<std::uint8_t> valid;
  const bool use_tif = listed.Use("abundances.tif", c.notes);
  const bool use_img = !use_tif && listed.Use("abundances.img", c.notes);
  if (use_img && listed.restricted()) listed.Use("abundances.hdr", c.notes);
  const fs::path abundance_file = use_tif ? tif : img;
  if (use_tif || use_img) {
    try {
      io::RasterReadOptions ro;
      ro.drop_bad_bands = false;
      ro.apply_scale = false;
      const Scene a = io::ReadRaster(abundance_file, ro);
      valid = a.valid;
      c.maps = BlockAverage(a.data, a.rows, a.cols, valid, map_side);
      c.maps->names = a.band_names;
    } catch (const Error& e) {
      c.notes.push_back(
          fmt::format("{} could not be read ({}): no abundance maps", abundance_file.filename().string(), e.what()));
    }
  } else {
    c.notes.push_back("abundances.tif is missing: no abundance maps");
  }

  if (c.metrics.is_object() && c.metrics.contains("matching") && c.metrics["matching"].is_object() &&
      c.metrics["matching"].contains("estimate_for_reference")) {
    for (const auto& j : c.metrics["matching"]["estimate_for_reference"])
      c.estimate_for_reference.push_back(j.is_number_integer() ? j.get<Index>() : -1);
  }
  AddReference(c, run, valid, map_side);

  if (listed.Use("loss.csv", c.notes)) c.loss = ReadLossCsv(dir / "loss.csv", c.notes);
  const auto png = listed.Use("preview.png", c.notes) ? ReadBytes(dir / "preview.png") : std::nullopt;
  if (png) {
    c.preview_png = *png;
    c.preview_caption = Str(run.preview, "caption");
  } else {
    c.notes.push_back("preview.png is missing: no scene preview");
  }
  return c;
}

}  // namespace unmix::report
