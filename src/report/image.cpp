#include "unmix/report/image.hpp"

#include <cpl_vsi.h>
#include <fmt/format.h>
#include <gdal_priv.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <limits>

#include "io/gdal_util.hpp"
#include "unmix/core/error.hpp"

namespace unmix::report {
namespace {

constexpr std::array<Rgb, 256> kViridis = {{
    {68, 1, 84},    {68, 2, 86},    {69, 4, 87},    {69, 5, 89},    {70, 7, 90},    {70, 8, 92},    {70, 10, 93},
    {70, 11, 94},   {71, 13, 96},   {71, 14, 97},   {71, 16, 99},   {71, 17, 100},  {71, 19, 101},  {72, 20, 103},
    {72, 22, 104},  {72, 23, 105},  {72, 24, 106},  {72, 26, 108},  {72, 27, 109},  {72, 28, 110},  {72, 29, 111},
    {72, 31, 112},  {72, 32, 113},  {72, 33, 115},  {72, 35, 116},  {72, 36, 117},  {72, 37, 118},  {72, 38, 119},
    {72, 40, 120},  {72, 41, 121},  {71, 42, 122},  {71, 44, 122},  {71, 45, 123},  {71, 46, 124},  {71, 47, 125},
    {70, 48, 126},  {70, 50, 126},  {70, 51, 127},  {70, 52, 128},  {69, 53, 129},  {69, 55, 129},  {69, 56, 130},
    {68, 57, 131},  {68, 58, 131},  {68, 59, 132},  {67, 61, 132},  {67, 62, 133},  {66, 63, 133},  {66, 64, 134},
    {66, 65, 134},  {65, 66, 135},  {65, 68, 135},  {64, 69, 136},  {64, 70, 136},  {63, 71, 136},  {63, 72, 137},
    {62, 73, 137},  {62, 74, 137},  {62, 76, 138},  {61, 77, 138},  {61, 78, 138},  {60, 79, 138},  {60, 80, 139},
    {59, 81, 139},  {59, 82, 139},  {58, 83, 139},  {58, 84, 140},  {57, 85, 140},  {57, 86, 140},  {56, 88, 140},
    {56, 89, 140},  {55, 90, 140},  {55, 91, 141},  {54, 92, 141},  {54, 93, 141},  {53, 94, 141},  {53, 95, 141},
    {52, 96, 141},  {52, 97, 141},  {51, 98, 141},  {51, 99, 141},  {50, 100, 142}, {50, 101, 142}, {49, 102, 142},
    {49, 103, 142}, {49, 104, 142}, {48, 105, 142}, {48, 106, 142}, {47, 107, 142}, {47, 108, 142}, {46, 109, 142},
    {46, 110, 142}, {46, 111, 142}, {45, 112, 142}, {45, 113, 142}, {44, 113, 142}, {44, 114, 142}, {44, 115, 142},
    {43, 116, 142}, {43, 117, 142}, {42, 118, 142}, {42, 119, 142}, {42, 120, 142}, {41, 121, 142}, {41, 122, 142},
    {41, 123, 142}, {40, 124, 142}, {40, 125, 142}, {39, 126, 142}, {39, 127, 142}, {39, 128, 142}, {38, 129, 142},
    {38, 130, 142}, {38, 130, 142}, {37, 131, 142}, {37, 132, 142}, {37, 133, 142}, {36, 134, 142}, {36, 135, 142},
    {35, 136, 142}, {35, 137, 142}, {35, 138, 141}, {34, 139, 141}, {34, 140, 141}, {34, 141, 141}, {33, 142, 141},
    {33, 143, 141}, {33, 144, 141}, {33, 145, 140}, {32, 146, 140}, {32, 146, 140}, {32, 147, 140}, {31, 148, 140},
    {31, 149, 139}, {31, 150, 139}, {31, 151, 139}, {31, 152, 139}, {31, 153, 138}, {31, 154, 138}, {30, 155, 138},
    {30, 156, 137}, {30, 157, 137}, {31, 158, 137}, {31, 159, 136}, {31, 160, 136}, {31, 161, 136}, {31, 161, 135},
    {31, 162, 135}, {32, 163, 134}, {32, 164, 134}, {33, 165, 133}, {33, 166, 133}, {34, 167, 133}, {34, 168, 132},
    {35, 169, 131}, {36, 170, 131}, {37, 171, 130}, {37, 172, 130}, {38, 173, 129}, {39, 173, 129}, {40, 174, 128},
    {41, 175, 127}, {42, 176, 127}, {44, 177, 126}, {45, 178, 125}, {46, 179, 124}, {47, 180, 124}, {49, 181, 123},
    {50, 182, 122}, {52, 182, 121}, {53, 183, 121}, {55, 184, 120}, {56, 185, 119}, {58, 186, 118}, {59, 187, 117},
    {61, 188, 116}, {63, 188, 115}, {64, 189, 114}, {66, 190, 113}, {68, 191, 112}, {70, 192, 111}, {72, 193, 110},
    {74, 193, 109}, {76, 194, 108}, {78, 195, 107}, {80, 196, 106}, {82, 197, 105}, {84, 197, 104}, {86, 198, 103},
    {88, 199, 101}, {90, 200, 100}, {92, 200, 99},  {94, 201, 98},  {96, 202, 96},  {99, 203, 95},  {101, 203, 94},
    {103, 204, 92}, {105, 205, 91}, {108, 205, 90}, {110, 206, 88}, {112, 207, 87}, {115, 208, 86}, {117, 208, 84},
    {119, 209, 83}, {122, 209, 81}, {124, 210, 80}, {127, 211, 78}, {129, 211, 77}, {132, 212, 75}, {134, 213, 73},
    {137, 213, 72}, {139, 214, 70}, {142, 214, 69}, {144, 215, 67}, {147, 215, 65}, {149, 216, 64}, {152, 216, 62},
    {155, 217, 60}, {157, 217, 59}, {160, 218, 57}, {162, 218, 55}, {165, 219, 54}, {168, 219, 52}, {170, 220, 50},
    {173, 220, 48}, {176, 221, 47}, {178, 221, 45}, {181, 222, 43}, {184, 222, 41}, {186, 222, 40}, {189, 223, 38},
    {192, 223, 37}, {194, 223, 35}, {197, 224, 33}, {200, 224, 32}, {202, 225, 31}, {205, 225, 29}, {208, 225, 28},
    {210, 226, 27}, {213, 226, 26}, {216, 226, 25}, {218, 227, 25}, {221, 227, 24}, {223, 227, 24}, {226, 228, 24},
    {229, 228, 25}, {231, 228, 25}, {234, 229, 26}, {236, 229, 27}, {239, 229, 28}, {241, 229, 29}, {244, 230, 30},
    {246, 230, 32}, {248, 230, 33}, {251, 231, 35}, {253, 231, 37},
}};

// A MEM dataset copied to PNG in /vsimem/; returns the file's bytes.
std::string PngFromMemDataset(GDALDataset& mem) {
  static std::atomic<unsigned> counter{0};
  const std::string name = fmt::format("/vsimem/unmix-report-{}-{}.png", ::getpid(), counter++);
  io::detail::GdalErrorCapture errors;
  GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
  if (!png) throw Error("GDAL has no PNG driver; cannot draw report images");
  char** options = CSLSetNameValue(nullptr, "ZLEVEL", "9");
  io::detail::DatasetPtr out(png->CreateCopy(name.c_str(), &mem, FALSE, options, nullptr, nullptr));
  CSLDestroy(options);
  if (!out) {
    VSIUnlink(name.c_str());
    throw Error("PNG encoding failed: " + errors.message());
  }
  out.reset();  // flushes the file
  vsi_l_offset size = 0;
  GByte* data = VSIGetMemFileBuffer(name.c_str(), &size, TRUE);
  if (!data) throw Error("PNG encoding failed: the in-memory file is missing");
  std::string bytes(reinterpret_cast<const char*>(data), static_cast<size_t>(size));
  VSIFree(data);
  return bytes;
}

io::detail::DatasetPtr MemDataset(Index rows, Index cols, int bands) {
  io::detail::EnsureGdal();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  if (!mem) throw Error("GDAL has no MEM driver; cannot draw report images");
  io::detail::DatasetPtr ds(mem->Create("", static_cast<int>(cols), static_cast<int>(rows), bands, GDT_Byte, nullptr));
  if (!ds) throw Error("cannot create an in-memory image");
  return ds;
}

void WriteBand(GDALDataset& ds, int band, const std::uint8_t* pixels, Index rows, Index cols, int spacing) {
  const CPLErr err = ds.GetRasterBand(band)->RasterIO(GF_Write, 0, 0, static_cast<int>(cols), static_cast<int>(rows),
                                                      const_cast<std::uint8_t*>(pixels), static_cast<int>(cols),
                                                      static_cast<int>(rows), GDT_Byte, spacing,
                                                      static_cast<GSpacing>(cols) * spacing, nullptr);
  if (err != CE_None) throw Error("cannot fill an in-memory image");
}

double NanometresPerUnit(const std::string& units, const std::vector<double>& wavelengths) {
  std::string u;
  for (char c : units) u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.find("micro") != std::string::npos || u == "um" || u == "\xc2\xb5m") return 1000.0;
  if (u.find("nano") != std::string::npos || u == "nm") return 1.0;
  const double top = wavelengths.empty() ? 0.0 : *std::max_element(wavelengths.begin(), wavelengths.end());
  return top < 100.0 ? 1000.0 : 1.0;
}

// Value at fraction q of the sorted values (nearest rank).
float Percentile(std::vector<float> v, double q) {
  const size_t k = static_cast<size_t>(std::lround(q * static_cast<double>(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

const std::array<Rgb, 256>& ViridisTable() { return kViridis; }

Rgb Viridis(double t) {
  if (!(t > 0.0)) return kViridis.front();  // also NaN
  if (t >= 1.0) return kViridis.back();
  return kViridis[static_cast<size_t>(std::lround(t * 255.0))];
}

Index BlockFactor(Index rows, Index cols, Index max_side) {
  const Index longest = std::max(rows, cols);
  if (max_side <= 0 || longest <= max_side) return 1;
  return (longest + max_side - 1) / max_side;
}

DisplayMaps BlockAverage(const MatrixF& values, Index rows, Index cols, const std::vector<std::uint8_t>& valid,
                         Index max_side) {
  if (values.cols() != rows * cols)
    throw Error(fmt::format("maps hold {} pixels, expected {} x {}", values.cols(), rows, cols));
  if (!valid.empty() && static_cast<Index>(valid.size()) != rows * cols)
    throw Error(fmt::format("valid-pixel mask holds {} pixels, expected {}", valid.size(), rows * cols));
  DisplayMaps d;
  d.source_rows = rows;
  d.source_cols = cols;
  d.factor = BlockFactor(rows, cols, max_side);
  const Index f = d.factor;
  d.rows = (rows + f - 1) / f;
  d.cols = (cols + f - 1) / f;
  const Index m = values.rows(), n_out = d.rows * d.cols;
  MatrixD sums = MatrixD::Zero(m, n_out);
  std::vector<Index> counts(static_cast<size_t>(n_out), 0);
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) {
      const Index k = r * cols + c;
      if (!valid.empty() && !valid[static_cast<size_t>(k)]) continue;
      const Index o = (r / f) * d.cols + c / f;
      sums.col(o) += values.col(k).cast<double>();
      ++counts[static_cast<size_t>(o)];
    }
  d.values.resize(m, n_out);
  for (Index o = 0; o < n_out; ++o) {
    const Index cnt = counts[static_cast<size_t>(o)];
    if (cnt == 0)
      d.values.col(o).setConstant(std::numeric_limits<float>::quiet_NaN());
    else
      d.values.col(o) = (sums.col(o) / static_cast<double>(cnt)).cast<float>();
  }
  return d;
}

std::string EncodePng(const Image8& image) {
  if (image.channels < 1 || image.channels > 4 || image.rows <= 0 || image.cols <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.rows * image.cols * image.channels))
    throw Error(fmt::format("cannot encode a {} x {} image with {} channels from {} bytes", image.rows, image.cols,
                            image.channels, image.pixels.size()));
  auto ds = MemDataset(image.rows, image.cols, image.channels);
  for (int b = 0; b < image.channels; ++b)
    WriteBand(*ds, b + 1, image.pixels.data() + b, image.rows, image.cols, image.channels);
  if (image.channels == 4) ds->GetRasterBand(4)->SetColorInterpretation(GCI_AlphaBand);
  return PngFromMemDataset(*ds);
}

std::uint8_t MapIndex(double value, double lo, double hi) {
  if (std::isnan(value)) return kNoDataIndex;
  const double t = hi > lo ? (value - lo) / (hi - lo) : 0.0;
  return static_cast<std::uint8_t>(std::lround(std::clamp(t, 0.0, 1.0) * 254.0));
}

std::string MapPng(const float* values, Index rows, Index cols, double lo, double hi) {
  if (rows <= 0 || cols <= 0) throw Error("cannot draw an empty map");
  std::vector<std::uint8_t> idx(static_cast<size_t>(rows * cols));
  for (size_t k = 0; k < idx.size(); ++k) idx[k] = MapIndex(values[k], lo, hi);
  auto ds = MemDataset(rows, cols, 1);
  WriteBand(*ds, 1, idx.data(), rows, cols, 1);
  GDALColorTable table;
  for (int k = 0; k < 255; ++k) {
    const Rgb c = kViridis[static_cast<size_t>(std::lround(k * 255.0 / 254.0))];
    const GDALColorEntry e{c[0], c[1], c[2], 255};
    table.SetColorEntry(k, &e);
  }
  const GDALColorEntry none{0, 0, 0, 0};
  table.SetColorEntry(kNoDataIndex, &none);
  ds->GetRasterBand(1)->SetColorTable(&table);
  return PngFromMemDataset(*ds);
}

std::vector<double> WavelengthsInNanometres(const std::vector<double>& wavelengths, const std::string& units) {
  if (wavelengths.empty()) return {};
  const double k = NanometresPerUnit(units, wavelengths);
  std::vector<double> nm;
  nm.reserve(wavelengths.size());
  for (double w : wavelengths) nm.push_back(w * k);
  return nm;
}

std::array<Index, 3> PreviewBands(const std::vector<double>& wavelengths, const std::string& units, Index band_count,
                                  bool* true_colour) {
  if (true_colour) *true_colour = false;
  if (band_count <= 0) return {0, 0, 0};
  if (static_cast<Index>(wavelengths.size()) == band_count) {
    const auto nm = WavelengthsInNanometres(wavelengths, units);
    std::array<Index, 3> pick{};
    bool ok = true;
    const double targets[3] = {640.0, 550.0, 460.0};
    for (int c = 0; c < 3; ++c) {
      Index best = 0;
      for (Index b = 1; b < band_count; ++b)
        if (std::abs(nm[static_cast<size_t>(b)] - targets[c]) < std::abs(nm[static_cast<size_t>(best)] - targets[c]))
          best = b;
      pick[static_cast<size_t>(c)] = best;
      ok = ok && std::abs(nm[static_cast<size_t>(best)] - targets[c]) <= 30.0;
    }
    if (ok && pick[0] != pick[1] && pick[1] != pick[2]) {
      if (true_colour) *true_colour = true;
      return pick;
    }
  }
  const Index last = band_count - 1;
  return {last * 5 / 6, last / 2, last / 6};
}

ScenePreview MakeScenePreview(const Scene& scene, Index max_side) {
  ScenePreview p;
  p.bands = PreviewBands(scene.wavelengths, scene.wavelength_units, scene.bands(), &p.true_colour);
  MatrixF three(3, scene.pixels());
  for (int c = 0; c < 3; ++c) three.row(c) = scene.data.row(p.bands[static_cast<size_t>(c)]);
  const DisplayMaps d = BlockAverage(three, scene.rows, scene.cols, scene.valid, max_side);
  p.image.rows = d.rows;
  p.image.cols = d.cols;
  p.image.channels = 3;
  p.image.pixels.assign(static_cast<size_t>(d.rows * d.cols * 3), 0);
  for (int c = 0; c < 3; ++c) {
    std::vector<float> v;
    v.reserve(static_cast<size_t>(d.rows * d.cols));
    for (Index k = 0; k < d.rows * d.cols; ++k)
      if (!std::isnan(d.values(c, k))) v.push_back(d.values(c, k));
    if (v.empty()) continue;
    const float lo = Percentile(v, 0.02), hi = Percentile(v, 0.98);
    for (Index k = 0; k < d.rows * d.cols; ++k) {
      const float x = d.values(c, k);
      if (std::isnan(x)) continue;
      const double t = hi > lo ? (x - lo) / static_cast<double>(hi - lo) : 0.5;
      p.image.pixels[static_cast<size_t>(k * 3 + c)] =
          static_cast<std::uint8_t>(std::lround(std::clamp(t, 0.0, 1.0) * 255.0));
    }
  }
  const char* names[3] = {"R", "G", "B"};
  std::string which;
  const auto nm = WavelengthsInNanometres(scene.wavelengths, scene.wavelength_units);
  for (int c = 0; c < 3; ++c) {
    const Index b = p.bands[static_cast<size_t>(c)];
    if (c) which += ", ";
    if (static_cast<Index>(nm.size()) == scene.bands())
      which += fmt::format("{} {:.0f} nm (band {})", names[c], nm[static_cast<size_t>(b)], b + 1);
    else
      which += fmt::format("{} band {}", names[c], b + 1);
  }
  p.caption = fmt::format("{}: {}; each channel stretched linearly between its 2nd and 98th percentile",
                          p.true_colour ? "true colour" : "false colour", which);
  if (d.factor > 1)
    p.caption += fmt::format("; {} x {} pixels shown as {} x {} (mean of {} x {} blocks)", d.source_rows, d.source_cols,
                             d.rows, d.cols, d.factor, d.factor);
  return p;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{static_cast<std::uint8_t>(bytes[i])} << 16) |
                            (std::uint32_t{static_cast<std::uint8_t>(bytes[i + 1])} << 8) |
                            std::uint32_t{static_cast<std::uint8_t>(bytes[i + 2])};
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{static_cast<std::uint8_t>(bytes[i])} << 16;
    if (rest == 2) v |= std::uint32_t{static_cast<std::uint8_t>(bytes[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string DataUri(std::string_view mime, std::string_view bytes) {
  return "data:" + std::string(mime) + ";base64," + Base64(bytes);
}

}  // namespace unmix::report
