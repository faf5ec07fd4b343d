#include <cpl_conv.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "core/huge_pages.hpp"
#include "io/common.hpp"
#include "io/envi_header.hpp"
#include "io/gdal_util.hpp"
#include "io/raster_internal.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/raster.hpp"

namespace fs = std::filesystem;

namespace unmix::io {

namespace {

bool IsFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

fs::path FindEnviHeader(const fs::path& data_file) {
  fs::path replaced = data_file;
  replaced.replace_extension(".hdr");
  fs::path replaced_upper = data_file;
  replaced_upper.replace_extension(".HDR");
  for (const fs::path& c :
       {replaced, fs::path(data_file.string() + ".hdr"), replaced_upper, fs::path(data_file.string() + ".HDR")})
    if (c != data_file && IsFile(c)) return c;
  return {};
}

fs::path FindEnviDataFile(const fs::path& header) {
  fs::path stem = header;
  stem.replace_extension();
  if (IsFile(stem)) return stem;
  for (const char* ext :
       {".img", ".dat", ".bsq", ".bil", ".bip", ".raw", ".bin", ".IMG", ".DAT", ".BSQ", ".BIL", ".BIP", ".RAW"}) {
    fs::path c = stem;
    c += ext;
    if (IsFile(c)) return c;
  }
  return {};
}

namespace detail {

namespace {

// Drivers whose pixels are raw bytes at fixed offsets, so a short file means missing pixels
// (GDAL would return zeros for them without an error).
bool IsRawDriver(const std::string& driver) {
  return driver == "EHdr" || driver == "GenBin" || driver == "BT" || driver == "LAN" || driver == "PAux" ||
         driver == "MFF" || driver == "ISCE" || driver == "NDF";
}

void CheckEnviSize(const EnviHeader& hdr, const fs::path& data, const std::string& file) {
  const auto samples = hdr.Integer("samples"), lines = hdr.Integer("lines"), bands = hdr.Integer("bands"),
             type = hdr.Integer("data type");
  const std::int64_t offset = hdr.Integer("header offset").value_or(0);
  if (!samples || !lines || !bands) return;  // GDAL would not have opened it
  // GDAL falls back to bytes, band-sequential, native byte order when these keys are absent, so
  // a header cut short would be read as the wrong numbers; ENVI requires them.
  if (!type) throw InputError(hdr.file(), "data type", "missing (the header is incomplete or truncated)");
  if (*bands > 1 && !hdr.Has("interleave"))
    throw InputError(hdr.file(), "interleave", "missing (the header is incomplete or truncated)");
  const int size = EnviHeader::DataTypeSize(*type);
  if (size > 1 && !hdr.Has("byte order"))
    throw InputError(hdr.file(), "byte order", "missing (the header is incomplete or truncated)");
  if (size == 0) throw InputError(hdr.file(), "data type", fmt::format("unknown ENVI data type {}", *type));
  // Values GDAL would take silently in its own way: any byte order but 0 as big-endian, an
  // unknown interleave as BSQ, a data ignore value that is not a number as 0.
  if (hdr.Has("byte order")) {
    const std::string bo = Trim(hdr.Get("byte order"));
    if (bo != "0" && bo != "1")
      throw InputError(hdr.file(), "byte order",
                       fmt::format("expected 0 (little-endian) or 1 (big-endian), found '{}'", bo));
  }
  if (hdr.Has("interleave")) {
    const std::string il = ToLower(Trim(hdr.Get("interleave")));
    if (il != "bsq" && il != "bil" && il != "bip")
      throw InputError(hdr.file(), "interleave",
                       fmt::format("expected bsq, bil or bip, found '{}'", hdr.Get("interleave")));
  }
  if (hdr.Has("data ignore value")) {
    double v = 0;
    char* end = nullptr;
    const std::string text = Trim(hdr.Get("data ignore value"));
    errno = 0;
    v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size())
      throw InputError(hdr.file(), "data ignore value", fmt::format("expected a number, found '{}'", text));
    if (std::isinf(v) || (errno == ERANGE && v != 0))
      throw InputError(
          hdr.file(), "data ignore value",
          fmt::format("expected a finite number (or nan), found '{}', beyond the range of any pixel type", text));
    (void)v;
  }
  for (const auto& [key, v] : {std::pair{"samples", *samples}, {"lines", *lines}, {"bands", *bands}})
    if (v < 1) throw InputError(hdr.file(), key, fmt::format("expected a positive count, found {}", v));
  if (offset < 0)
    throw InputError(hdr.file(), "header offset", fmt::format("expected a byte count >= 0, found {}", offset));
  std::uint64_t expected = static_cast<std::uint64_t>(size);
  bool overflow = false;
  for (std::int64_t f : {*samples, *lines, *bands})
    overflow |= __builtin_mul_overflow(expected, static_cast<std::uint64_t>(f), &expected);
  overflow |= __builtin_add_overflow(expected, static_cast<std::uint64_t>(offset), &expected);
  if (overflow)
    throw InputError(hdr.file(), "size",
                     fmt::format("{} samples x {} lines x {} bands is larger than any file", *samples, *lines, *bands));
  std::error_code ec;
  const std::uint64_t actual = fs::file_size(data, ec);
  if (ec) throw InputError(data.string(), "", "cannot read the file size: " + ec.message());
  if (actual < expected)
    throw InputError(file, "size",
                     fmt::format("the header {} promises {} bytes ({} samples x {} lines x {} "
                                 "bands x {} bytes{}), the data file {} holds {}: it is truncated",
                                 hdr.file(), expected, *samples, *lines, *bands, size,
                                 offset ? fmt::format(" + {} header bytes", offset) : "", data.string(), actual));
  if (actual > expected)
    throw InputError(file, "size",
                     fmt::format("the header {} describes {} bytes ({} samples x {} lines x {} bands x {} bytes{}), "
                                 "the data file {} holds {}: the header is wrong or was cut short",
                                 hdr.file(), expected, *samples, *lines, *bands, size,
                                 offset ? fmt::format(" + {} header bytes", offset) : "", data.string(), actual));
}

std::string EnviInterleave(const EnviHeader& hdr) { return ToLower(hdr.Get("interleave")); }

// ENVI files of 8- and 16-bit integers or 32-bit floats (the types hyperspectral products use) are
// read here straight from the file rather than through GDAL: GDAL's raw driver reads a BIL file
// one line of one band at a time, 0.28 GB/s on a 792 MB scene, against 1.3-1.8 GB/s here
// (docs/speed.md, "Reading and checksums"). These types convert
// to float exactly, so the values are GDAL's. The header has been checked (CheckEnviSize: the
// file holds exactly offset + samples x lines x bands values). Other types, and compressed or
// framed files, go through GDAL.
struct EnviRaw {
  int type = 0;  // 1, 2, 4 or 12
  int size = 0;  // bytes per value
  bool big_endian = false;
  std::uint64_t offset = 0;
  char interleave = 'q';  // 'q' bsq, 'l' bil, 'p' bip
};

std::optional<EnviRaw> DirectEnviLayout(const EnviHeader& hdr) {
  const auto type = hdr.Integer("data type");
  if (!type || (*type != 1 && *type != 2 && *type != 4 && *type != 12)) return std::nullopt;
  for (const char* key : {"file compression", "major frame offsets", "minor frame offsets"})
    if (hdr.Has(key) && Trim(hdr.Get(key)) != "0" && Trim(hdr.Get(key)) != "{0, 0}") return std::nullopt;
  EnviRaw raw;
  raw.type = static_cast<int>(*type);
  raw.size = EnviHeader::DataTypeSize(raw.type);
  raw.big_endian = hdr.Has("byte order") && Trim(hdr.Get("byte order")) == "1";
  raw.offset = static_cast<std::uint64_t>(hdr.Integer("header offset").value_or(0));
  const std::string il = ToLower(Trim(hdr.Get("interleave")));
  raw.interleave = il == "bil" ? 'l' : il == "bip" ? 'p' : 'q';
  return raw;
}

template <typename T>
float RawValue(const unsigned char* at, bool swap) {
  T v;
  if (swap) {
    unsigned char b[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) b[i] = at[sizeof(T) - 1 - i];
    std::memcpy(&v, b, sizeof(T));
  } else {
    std::memcpy(&v, at, sizeof(T));
  }
  return static_cast<float>(v);
}

// Converts the strip `raw` (h rows of the file in its interleave) into `out`, pixel-major.
template <typename T>
void ConvertEnviStrip(const unsigned char* raw, const EnviRaw& layout, Index h, Index cols, Index file_bands,
                      const std::vector<int>& keep, float* out) {
  const bool swap = layout.big_endian != (std::endian::native == std::endian::big);
  const Index p = static_cast<Index>(keep.size()), m = h * cols;
  // Value index within the strip of band b at pixel j = first(j) + b * band_step: BSQ holds each
  // band's h rows one after the other, BIL each row's bands, BIP each pixel's bands.
  const char il = layout.interleave;
  const Index band_step = il == 'q' ? m : il == 'l' ? cols : 1;
#pragma omp parallel for schedule(static)
  for (Index j = 0; j < m; ++j) {
    const Index first = il == 'q' ? j : il == 'l' ? (j / cols) * file_bands * cols + j % cols : j * file_bands;
    float* dst = out + j * p;
    for (Index i = 0; i < p; ++i) {
      const Index at = first + (keep[static_cast<size_t>(i)] - 1) * band_step;
      dst[i] = RawValue<T>(raw + at * static_cast<Index>(sizeof(T)), swap);
    }
  }
}

// Reads the ENVI file `data` (opened by the caller's checks) into `out`; false when a read
// fails or comes up short (the caller reports it).
bool ReadEnviDirect(const fs::path& data, const EnviRaw& layout, Index rows, Index cols, Index file_bands,
                    const std::vector<int>& keep, float* out) {
  std::FILE* f = std::fopen(data.c_str(), "rb");
  if (!f) return false;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, &std::fclose);
  const auto sz = static_cast<std::uint64_t>(layout.size);
  const Index p = static_cast<Index>(keep.size());
  constexpr Index kStripValues = Index{4} << 20;
  const Index strip_rows = std::clamp<Index>(kStripValues / std::max<Index>(file_bands * cols, 1), 1, rows);
  std::vector<unsigned char> raw(static_cast<size_t>(strip_rows * cols * file_bands) * sz);
  auto read_at = [&](std::uint64_t offset, unsigned char* into, std::uint64_t bytes) {
    return fseeko(f, static_cast<off_t>(offset), SEEK_SET) == 0 && std::fread(into, 1, bytes, f) == bytes;
  };
  for (Index r0 = 0; r0 < rows; r0 += strip_rows) {
    const Index h = std::min(strip_rows, rows - r0), m = h * cols;
    const auto strip_bytes = static_cast<std::uint64_t>(m) * sz;  // one band of the strip
    if (layout.interleave == 'q') {
      // Only the kept bands are read; each band's rows of the strip are one run of bytes.
      for (int b : keep) {
        const std::uint64_t at =
            layout.offset + (static_cast<std::uint64_t>(b - 1) * static_cast<std::uint64_t>(rows * cols) +
                             static_cast<std::uint64_t>(r0 * cols)) *
                                sz;
        if (!read_at(at, raw.data() + static_cast<std::uint64_t>(b - 1) * strip_bytes, strip_bytes)) return false;
      }
    } else if (!read_at(layout.offset + static_cast<std::uint64_t>(r0 * cols * file_bands) * sz, raw.data(),
                        strip_bytes * static_cast<std::uint64_t>(file_bands))) {
      return false;
    }
    float* dst = out + r0 * cols * p;
    switch (layout.type) {
      case 1:
        ConvertEnviStrip<std::uint8_t>(raw.data(), layout, h, cols, file_bands, keep, dst);
        break;
      case 2:
        ConvertEnviStrip<std::int16_t>(raw.data(), layout, h, cols, file_bands, keep, dst);
        break;
      case 12:
        ConvertEnviStrip<std::uint16_t>(raw.data(), layout, h, cols, file_bands, keep, dst);
        break;
      default:
        ConvertEnviStrip<float>(raw.data(), layout, h, cols, file_bands, keep, dst);
        break;
    }
  }
  return true;
}

// Whether the file stores each pixel's bands together (BIP, INTERLEAVE=PIXEL): then one read
// in the output's order is a straight copy.
bool PixelInterleaved(GDALDataset& ds) {
  const char* il = ds.GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE");
  return il && (IEquals(il, "PIXEL") || IEquals(il, "BIP"));
}

// Reads the bands `keep` (1-based) of every pixel into `out`, p x rows*cols in pixel-major order
// (the p values of a pixel together; pixels row by row). GDAL's own scatter into that order
// from a band-sequential file writes every value with a stride of p floats, and its raw and
// GeoTIFF drivers then read one line of one band at a time: about 0.15 GB/s from the page cache
// on a 792 MB scene (docs/speed.md). Here a band-sequential or band-interleaved-by-line file is
// read in strips of whole rows, each strip band by band into a contiguous buffer, then transposed
// in cache-sized tiles.
// Pixel-interleaved files are read in one call. Returns false when GDAL reports an error. The
// caller opens the dataset with GTIFF_DIRECT_IO set.
bool ReadPixelMajor(GDALDataset& ds, const std::vector<int>& keep, bool band_sequential_raw, float* out) {
  // A band-sequential raw file (ENVI BSQ) holds each band's rows of a strip in one run of bytes:
  // one read per band instead of one per line. (Not for BIL, whose lines of one band are apart:
  // GDAL 3.6 returns wrong values for that case with this setting.)
  CPLConfigOptionSetter one_big_read("GDAL_ONE_BIG_READ", band_sequential_raw ? "YES" : "NO", true);
  const int rows = ds.GetRasterYSize(), cols = ds.GetRasterXSize();
  const Index p = static_cast<Index>(keep.size());
  const GSpacing fsize = sizeof(float);
  std::vector<int> bands = keep;
  if (PixelInterleaved(ds) || p == 1)
    return ds.RasterIO(GF_Read, 0, 0, cols, rows, out, cols, rows, GDT_Float32, static_cast<int>(p), bands.data(),
                       fsize * p, fsize * p * cols, fsize, nullptr) == CE_None;
  // Strips of about 8 MiB of values (at least one row).
  constexpr Index kStripValues = Index{2} << 20;
  const Index strip_rows = std::clamp<Index>(kStripValues / std::max<Index>(p * cols, 1), 1, rows);
  std::vector<float> buffer(static_cast<size_t>(p * strip_rows * cols));
  for (Index r0 = 0; r0 < rows; r0 += strip_rows) {
    const Index h = std::min(strip_rows, static_cast<Index>(rows) - r0);
    const Index m = h * cols;  // pixels in the strip
    if (ds.RasterIO(GF_Read, 0, static_cast<int>(r0), cols, static_cast<int>(h), buffer.data(), cols,
                    static_cast<int>(h), GDT_Float32, static_cast<int>(p), bands.data(), fsize, fsize * cols, fsize * m,
                    nullptr) != CE_None)
      return false;
    // buffer: p x m band-major -> out: m pixels of p values each, in 64 x 64 tiles.
    float* dst = out + r0 * cols * p;
    const float* src = buffer.data();
    constexpr Index kTile = 64;
#pragma omp parallel for schedule(static)
    for (Index j0 = 0; j0 < m; j0 += kTile) {
      const Index j1 = std::min(m, j0 + kTile);
      for (Index b0 = 0; b0 < p; b0 += kTile) {
        const Index b1 = std::min(p, b0 + kTile);
        for (Index j = j0; j < j1; ++j)
          for (Index b = b0; b < b1; ++b) dst[j * p + b] = src[b * m + j];
      }
    }
  }
  return true;
}

}  // namespace

Scene ReadRasterDetailed(const fs::path& path_in, const RasterReadOptions& options, ReadDetails* details,
                         RasterDetails* raster) {
  EnsureGdal();
  RequireReadableFile(path_in);
  const std::string file = path_in.string();
  fs::path path = path_in;
  if (IEquals(path.extension().string(), ".hdr")) {
    path = FindEnviDataFile(path_in);
    if (path.empty()) {
      // A data file that exists but is not a regular file (a FIFO): say so rather than "missing".
      fs::path stem = path_in;
      stem.replace_extension();
      for (const char* ext : {"", ".img", ".dat", ".bsq", ".bil", ".bip", ".raw", ".bin"}) {
        std::error_code ec;
        const fs::path c = stem.string() + ext;
        if (fs::exists(c, ec) && !fs::is_regular_file(c, ec) && !fs::is_directory(c, ec)) RequireReadableFile(c);
      }
    }
    if (path.empty())
      throw InputError(file, "",
                       "an ENVI header without its data file (looked for the same name without "
                       "extension and with .img, .dat, .bsq, .bil, .bip, .raw, .bin)");
    RequireReadableFile(path);  // a FIFO as the data file would block GDAL's open for ever
  }
  // GDAL opens the ENVI header beside a data file itself: a FIFO there would block it too.
  {
    fs::path replaced = path;
    replaced.replace_extension(".hdr");
    for (const fs::path& c : {replaced, fs::path(path.string() + ".hdr")}) {
      std::error_code ec;
      if (c != path && fs::exists(fs::symlink_status(c, ec)) && fs::exists(c, ec)) RequireReadableFile(c);
    }
  }
  ReadDetails local;
  ReadDetails& info = details ? *details : local;

  // Uncompressed GeoTIFF pixels straight from the file (memory-mapped, or direct reads) rather
  // than through GDAL's block cache: 0.43 GB/s -> 1.2-1.5 GB/s on a 792 MB stripped file. GDAL
  // checks the strips against the file size first (a truncated file is an error, not a crash)
  // and falls back to its usual path for compressed files. The driver reads the settings when
  // the file is opened. Thread-local, restored on return; a value the user set is kept.
  CPLConfigOptionSetter virtual_mem_io("GTIFF_VIRTUAL_MEM_IO", "YES", true);
  CPLConfigOptionSetter direct_io("GTIFF_DIRECT_IO", "YES", true);
  GdalErrorCapture errors;
  DatasetPtr ds(static_cast<GDALDataset*>(
      GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, nullptr, nullptr, nullptr)));
  if (!ds) {
    // With an ENVI header beside it, the header usually says why: name its field.
    if (const fs::path hdr_path = FindEnviHeader(path); !hdr_path.empty()) {
      const EnviHeader hdr = EnviHeader::Parse(hdr_path);
      for (const char* key : {"samples", "lines", "bands", "data type"}) {
        const auto v = hdr.Integer(key);
        if (!v) throw InputError(hdr.file(), key, "missing (the header is incomplete or truncated)");
        if (*v < 1) throw InputError(hdr.file(), key, fmt::format("expected a positive number, found {}", *v));
      }
      if (EnviHeader::DataTypeSize(*hdr.Integer("data type")) == 0)
        throw InputError(hdr.file(), "data type", fmt::format("unknown ENVI data type {}", *hdr.Integer("data type")));
      // GDAL refuses a data file far shorter than the header promises ("Image file is too small"):
      // say by how much, as for a file only a little short.
      CheckEnviSize(hdr, path, file);
    }
    throw InputError(file, "",
                     "not a raster GDAL can read, nor a .mat file: " + errors.message("format not recognised"));
  }
  const std::string driver = ds->GetDriver() ? ds->GetDriver()->GetDescription() : "";
  info.format = driver;
  if (raster) raster->driver = driver;
  const int band_count = ds->GetRasterCount();
  const int rows = ds->GetRasterYSize(), cols = ds->GetRasterXSize();
  if (band_count <= 0) throw InputError(file, "", "the raster has no bands");
  info.file_bands = band_count;

  std::optional<EnviHeader> hdr;
  if (driver == "ENVI") {
    fs::path hdr_path;
    if (char** list = ds->GetFileList()) {
      for (char** f = list; *f; ++f)
        if (IEquals(fs::path(*f).extension().string(), ".hdr")) hdr_path = *f;
      CSLDestroy(list);
    }
    if (hdr_path.empty()) hdr_path = FindEnviHeader(path);
    if (!hdr_path.empty()) {
      hdr = EnviHeader::Parse(hdr_path);
      CheckEnviSize(*hdr, path, file);
      const std::string il = EnviInterleave(*hdr);
      info.layout = il.empty() ? "ENVI" : "ENVI " + ToLower(il);
      if (const auto bo = hdr->Integer("byte order")) info.layout += *bo == 1 ? ", big-endian" : ", little-endian";
    }
  } else if (IsRawDriver(driver)) {
    char** list = ds->GetFileList();
    if (list && list[0]) {
      std::error_code ec;
      const std::uint64_t actual = fs::file_size(list[0], ec);
      const std::uint64_t needed =
          static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols) * static_cast<std::uint64_t>(band_count) *
          static_cast<std::uint64_t>(GDALGetDataTypeSizeBytes(ds->GetRasterBand(1)->GetRasterDataType()));
      if (!ec && actual < needed)
        throw InputError(file, "size",
                         fmt::format("the header promises at least {} bytes of pixels, the data "
                                     "file {} holds {}: it is truncated",
                                     needed, list[0], actual));
    }
    CSLDestroy(list);
  }
  if (info.layout.empty()) {
    const char* il = ds->GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE");
    info.layout = il ? fmt::format("{} (interleave {})", driver, il) : driver;
  }

  const GDALDataType type = ds->GetRasterBand(1)->GetRasterDataType();
  info.data_type = GDALGetDataTypeName(type);
  if (GDALDataTypeIsComplex(type))
    throw InputError(file, "data type", fmt::format("complex pixels ({}) are not supported", info.data_type));

  // Bands to keep: the ENVI bad-band list marks unusable bands with 0.
  std::vector<int> keep;
  std::vector<double> bbl;
  if (hdr && options.drop_bad_bands) {
    bbl = hdr->Numbers("bbl");
    if (!bbl.empty() && static_cast<int>(bbl.size()) != band_count)
      throw InputError(hdr->file(), "bbl",
                       fmt::format("expected {} values (one per band), found {}", band_count, bbl.size()));
  }
  for (int b = 0; b < band_count; ++b)
    if (bbl.empty() || bbl[static_cast<size_t>(b)] != 0) keep.push_back(b + 1);
  if (keep.empty()) throw InputError(hdr->file(), "bbl", "every band is marked bad (bbl = 0): nothing to read");
  info.bad_bands = band_count - static_cast<Index>(keep.size());
  if (info.bad_bands > 0) info.notes.push_back(fmt::format("{} bands marked bad (bbl = 0) dropped", info.bad_bands));

  Index p = static_cast<Index>(keep.size());
  const Index n = static_cast<Index>(rows) * cols;
  Scene scene;
  scene.source = file;
  scene.rows = rows;
  scene.cols = cols;
  scene.data.resize(p, n);
  internal::AdviseHugePages(scene.data.data(), static_cast<std::size_t>(scene.data.size()) * sizeof(float));
  errors.clear();
  const bool bsq = hdr && IEquals(EnviInterleave(*hdr), "bsq");
  const std::optional<EnviRaw> direct = driver == "ENVI" && hdr ? DirectEnviLayout(*hdr) : std::nullopt;
  errno = 0;
  const bool read_ok = direct ? ReadEnviDirect(path, *direct, rows, cols, band_count, keep, scene.data.data())
                              : ReadPixelMajor(*ds, keep, bsq, scene.data.data());
  if (!read_ok)
    throw InputError(file, "",
                     "reading the pixel values failed (the file is truncated or damaged): " +
                         (direct ? fmt::format("{} could not be read to its end: {}", path.string(),
                                               std::strerror(errno ? errno : EIO))
                                 : errors.message()));

  // Nodata: per band (the file's value, ENVI `data ignore value`, or the override), and NaN.
  std::vector<float> nodata(static_cast<size_t>(p), std::numeric_limits<float>::quiet_NaN());
  std::vector<char> has_nodata(static_cast<size_t>(p), 0);
  for (Index i = 0; i < p; ++i) {
    int has = 0;
    double v = ds->GetRasterBand(keep[static_cast<size_t>(i)])->GetNoDataValue(&has);
    if (options.nodata) {
      v = *options.nodata;
      has = 1;
    } else if (!has && hdr && hdr->Has("data ignore value")) {
      v = *hdr->Number("data ignore value");
      has = 1;
    }
    if (has && !std::isnan(v)) {
      nodata[static_cast<size_t>(i)] = static_cast<float>(v);
      has_nodata[static_cast<size_t>(i)] = 1;
    }
    if (has && i == 0) info.nodata = v;
  }
  std::vector<std::uint8_t> mask;
  {
    GDALRasterBand* b1 = ds->GetRasterBand(1);
    const int flags = b1->GetMaskFlags();
    if ((flags & GMF_PER_DATASET) && !(flags & (GMF_ALL_VALID | GMF_NODATA | GMF_ALPHA))) {
      mask.resize(static_cast<size_t>(n));
      if (b1->GetMaskBand()->RasterIO(GF_Read, 0, 0, cols, rows, mask.data(), cols, rows, GDT_Byte, 0, 0, nullptr) !=
          CE_None)
        throw InputError(file, "mask", "reading the validity mask failed: " + errors.message());
    }
  }
  auto no_value = [&](float v, Index b) {
    return !std::isfinite(v) || (has_nodata[static_cast<size_t>(b)] && v == nodata[static_cast<size_t>(b)]);
  };
  // A band with no value in any pixel (NaN, infinite or nodata everywhere) would make every
  // pixel invalid; it carries nothing, so it is dropped like a bbl = 0 band.
  if (options.drop_bad_bands && p > 0) {
    std::vector<char> has_value(static_cast<size_t>(p), 0);
    Index missing = p;
    for (Index k = 0; k < n && missing > 0; ++k) {
      if (!mask.empty() && mask[static_cast<size_t>(k)] == 0) continue;
      const float* px = scene.data.col(k).data();
      for (Index b = 0; b < p; ++b)
        if (!has_value[static_cast<size_t>(b)] && !no_value(px[b], b)) has_value[static_cast<size_t>(b)] = 1, --missing;
    }
    if (missing > 0 && missing < p) {
      std::vector<Index> rows_kept;
      std::vector<int> keep2, dropped;
      std::vector<float> nodata2;
      std::vector<char> has_nodata2;
      for (Index b = 0; b < p; ++b) {
        const size_t i = static_cast<size_t>(b);
        if (!has_value[i]) {
          dropped.push_back(keep[i]);
          continue;
        }
        rows_kept.push_back(b);
        keep2.push_back(keep[i]);
        nodata2.push_back(nodata[i]);
        has_nodata2.push_back(has_nodata[i]);
      }
      MatrixF data(static_cast<Index>(rows_kept.size()), n);
      for (size_t i = 0; i < rows_kept.size(); ++i) data.row(static_cast<Index>(i)) = scene.data.row(rows_kept[i]);
      scene.data = std::move(data);
      keep = std::move(keep2);
      nodata = std::move(nodata2);
      has_nodata = std::move(has_nodata2);
      p = static_cast<Index>(keep.size());
      const std::string count = dropped.size() == 1 ? "1 band holds" : fmt::format("{} bands hold", dropped.size());
      info.notes.push_back(fmt::format("{} no value in any pixel (NaN, infinite or nodata): dropped (file bands {})",
                                       count, fmt::join(dropped, ", ")));
    }
  }
  Index invalid = 0;
  for (Index k = 0; k < n; ++k) {
    float* px = scene.data.col(k).data();
    bool bad = !mask.empty() && mask[static_cast<size_t>(k)] == 0;
    for (Index b = 0; b < p && !bad; ++b) bad = no_value(px[b], b);
    if (!bad) continue;
    if (scene.valid.empty()) scene.valid.assign(static_cast<size_t>(n), 1);
    scene.valid[static_cast<size_t>(k)] = 0;
    std::fill(px, px + p, 0.0f);
    ++invalid;
  }

  // Scaling: GDAL band scale/offset (e.g. ENVI data gain/offset values), then the ENVI
  // reflectance scale factor.
  if (options.apply_scale) {
    std::vector<float> gain(static_cast<size_t>(p), 1.0f), offset(static_cast<size_t>(p), 0.0f);
    bool any = false;
    for (Index i = 0; i < p; ++i) {
      GDALRasterBand* band = ds->GetRasterBand(keep[static_cast<size_t>(i)]);
      int has_scale = 0, has_offset = 0;
      const double s = band->GetScale(&has_scale), o = band->GetOffset(&has_offset);
      if (has_scale && s != 1.0) gain[static_cast<size_t>(i)] = static_cast<float>(s), any = true;
      if (has_offset && o != 0.0) offset[static_cast<size_t>(i)] = static_cast<float>(o), any = true;
    }
    double divisor = 1.0;
    if (hdr && hdr->Has("reflectance scale factor")) {
      const double rsf = *hdr->Number("reflectance scale factor");
      if (!(rsf > 0) || !std::isfinite(rsf))
        throw InputError(hdr->file(), "reflectance scale factor",
                         fmt::format("expected a positive number, found {}", FormatNumber(rsf)));
      divisor = rsf;
    }
    if (any || divisor != 1.0) {
      const float inv = static_cast<float>(1.0 / divisor);
      for (Index k = 0; k < n; ++k) {
        if (!scene.valid.empty() && !scene.valid[static_cast<size_t>(k)]) continue;
        float* px = scene.data.col(k).data();
        for (Index b = 0; b < p; ++b)
          px[b] = (px[b] * gain[static_cast<size_t>(b)] + offset[static_cast<size_t>(b)]) * inv;
      }
      info.scale = divisor;
      if (divisor != 1.0) info.scale_source = "reflectance scale factor";
      if (any) info.scale_source += info.scale_source.empty() ? "band scale/offset" : " + band scale/offset";
    }
  } else if (hdr && hdr->Has("reflectance scale factor")) {
    info.notes.push_back("reflectance scale factor not applied (disabled)");
  }

  // Wavelengths and band names.
  std::vector<double> wl;
  std::string units;
  std::vector<std::string> names;
  if (hdr) {
    const auto all = hdr->Numbers("wavelength");
    if (!all.empty() && static_cast<int>(all.size()) != band_count)
      throw InputError(hdr->file(), "wavelength",
                       fmt::format("expected {} values (one per band), found {}", band_count, all.size()));
    for (int b : keep)
      if (!all.empty()) wl.push_back(all[static_cast<size_t>(b - 1)]);
    units = hdr->Get("wavelength units");
    const auto all_names = hdr->List("band names");
    if (static_cast<int>(all_names.size()) == band_count)
      for (int b : keep) names.push_back(all_names[static_cast<size_t>(b - 1)]);
  }
  if (wl.empty()) {
    for (int b : keep) {
      GDALRasterBand* band = ds->GetRasterBand(b);
      const char* w = band->GetMetadataItem("wavelength");
      const char* um = band->GetMetadataItem("CENTRAL_WAVELENGTH_UM", "IMAGERY");
      char* end = nullptr;
      if (w && *w) {
        wl.push_back(std::strtod(w, &end));
        if (end == w) break;
        if (units.empty())
          if (const char* u = band->GetMetadataItem("wavelength_units")) units = u;
      } else if (um && *um) {
        wl.push_back(std::strtod(um, &end));
        if (end == um) break;
        units = "micrometers";
      } else {
        break;
      }
    }
    if (static_cast<Index>(wl.size()) != p) wl.clear();
  }
  if (names.empty()) {
    for (int b : keep) {
      const char* d = ds->GetRasterBand(b)->GetDescription();
      if (!d || !*d) {
        names.clear();
        break;
      }
      names.push_back(d);
    }
  }
  scene.wavelengths = std::move(wl);
  scene.wavelength_units = NormalizeWavelengthUnits(units);
  if (!scene.wavelengths.empty() && scene.wavelength_units.empty()) {
    scene.wavelength_units = GuessWavelengthUnits(scene.wavelengths);
    if (!scene.wavelength_units.empty())
      info.notes.push_back("wavelength units guessed from the values: " + scene.wavelength_units);
  }
  scene.band_names = std::move(names);

  // Georeferencing, carried to the outputs.
  if (const char* wkt = ds->GetProjectionRef()) scene.geo.projection_wkt = wkt;
  std::array<double, 6> gt{};
  if (ds->GetGeoTransform(gt.data()) == CE_None) scene.geo.geotransform = gt;
  if (char** md = ds->GetMetadata()) {
    for (char** m = md; *m; ++m) {
      char* key = nullptr;
      const char* value = CPLParseNameValue(*m, &key);
      if (key && value) {
        const std::string k = key;
        // GDAL's ENVI driver repeats the band names as Band_<n>; they are band_names already.
        const bool band_name_echo = driver == "ENVI" && k.rfind("Band_", 0) == 0;
        if (!band_name_echo) scene.geo.metadata[k] = value;
      }
      CPLFree(key);
    }
  }
  if (raster && !scene.geo.projection_wkt.empty()) {
    OGRSpatialReference srs(scene.geo.projection_wkt.c_str());
    if (const char* name = srs.GetName()) raster->projection_name = name;
  }
  if (invalid > 0) info.notes.push_back(fmt::format("{} nodata pixels marked invalid", invalid));
  scene.Validate();
  return scene;
}

}  // namespace detail

Scene ReadRaster(const fs::path& path, const RasterReadOptions& options) {
  return detail::ReadRasterDetailed(path, options, nullptr);
}

}  // namespace unmix::io
