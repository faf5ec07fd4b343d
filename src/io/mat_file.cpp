#include "io/mat_file.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "io/common.hpp"

namespace fs = std::filesystem;

namespace unmix::io::detail {

namespace {

// matio reports problems through a log function; collect them per thread so errors can quote
// them instead of matio printing to stderr.
thread_local std::string t_mat_log;
thread_local bool t_mat_failed = false;  // an error or critical message since the last take

void CaptureMatLog(int level, char* message) {
  if (!(level & (MATIO_LOG_LEVEL_ERROR | MATIO_LOG_LEVEL_CRITICAL | MATIO_LOG_LEVEL_WARNING)))
    return;
  if (level & (MATIO_LOG_LEVEL_ERROR | MATIO_LOG_LEVEL_CRITICAL)) t_mat_failed = true;
  if (!t_mat_log.empty()) t_mat_log += "; ";
  t_mat_log += message ? message : "";
}

void InstallMatLog() {
  static std::once_flag once;
  std::call_once(once, [] { Mat_LogInitFunc("unmix", &CaptureMatLog); });
}

std::string TakeMatLog() {
  std::string s;
  s.swap(t_mat_log);
  t_mat_failed = false;
  return s.empty() ? s : " (matio: " + s + ")";
}

const char* ClassName(const matvar_t& v) {
  switch (v.class_type) {
    case MAT_C_EMPTY: return "empty";
    case MAT_C_CELL: return "cell";
    case MAT_C_STRUCT: return "struct";
    case MAT_C_OBJECT: return "object";
    case MAT_C_CHAR: return "char";
    case MAT_C_SPARSE: return "sparse";
    case MAT_C_DOUBLE: return "double";
    case MAT_C_SINGLE: return "single";
    case MAT_C_INT8: return "int8";
    case MAT_C_UINT8: return v.isLogical ? "logical" : "uint8";
    case MAT_C_INT16: return "int16";
    case MAT_C_UINT16: return "uint16";
    case MAT_C_INT32: return "int32";
    case MAT_C_UINT32: return "uint32";
    case MAT_C_INT64: return "int64";
    case MAT_C_UINT64: return "uint64";
    case MAT_C_FUNCTION: return "function";
    case MAT_C_OPAQUE: return "opaque";
  }
  return "unknown";
}

std::uint32_t Load32(const unsigned char* p, bool swap) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return swap ? __builtin_bswap32(v) : v;
}

std::uint64_t LoadLE(const unsigned char* p, int size) {
  std::uint64_t v = 0;
  for (int i = size - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void AppendUtf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Names are padded with blanks (and in some files end with a line break).
std::string TrimRight(std::string s) {
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == '\0'))
    s.pop_back();
  return s;
}

// Rows of an n x m matrix of character codes as strings.
template <typename Code>
std::vector<std::string> RowsAsStrings(const Code* codes, std::size_t n, std::size_t m) {
  std::vector<std::string> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      const double c = static_cast<double>(codes[i + n * j]);
      if (c > 0 && c < 0x110000) AppendUtf8(out[i], static_cast<std::uint32_t>(c));
    }
    out[i] = TrimRight(std::move(out[i]));
  }
  return out;
}

}  // namespace

std::recursive_mutex& MatMutex() {
  static std::recursive_mutex m;
  return m;
}

std::size_t NumelOf(const matvar_t& v) {
  if (v.rank <= 0 || v.dims == nullptr) return 0;
  std::size_t n = 1;
  for (int i = 0; i < v.rank; ++i) n *= v.dims[i];
  return n;
}

bool IsNumericClass(const matvar_t& v) {
  switch (v.class_type) {
    case MAT_C_DOUBLE: case MAT_C_SINGLE: case MAT_C_INT8: case MAT_C_UINT8: case MAT_C_INT16:
    case MAT_C_UINT16: case MAT_C_INT32: case MAT_C_UINT32: case MAT_C_INT64: case MAT_C_UINT64:
      return true;
    default:
      return false;
  }
}

MatVariableInfo DescribeMatVar(const matvar_t& v) {
  MatVariableInfo info;
  info.name = v.name ? v.name : "";
  info.class_name = ClassName(v);
  for (int i = 0; i < v.rank && v.dims; ++i) info.dims.push_back(v.dims[i]);
  info.complex = v.isComplex != 0;
  return info;
}

void ThrowNotNumeric(const matvar_t& v, const std::string& file) {
  const auto info = DescribeMatVar(v);
  std::string what = "expected a numeric array, found " + info.class_name + " " + info.dims_text();
  if (v.isComplex) what = "complex values are not supported";
  else if (IsNumericClass(v)) what = "the variable holds no data (damaged file?)";
  throw InputError(file, info.name, what);
}

void CheckMatFileComplete(const fs::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  const std::uint64_t size = fs::file_size(path, ec);
  if (ec) throw InputError(file, "", "cannot read the file size: " + ec.message());
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 128> hdr{};
  in.read(reinterpret_cast<char*>(hdr.data()), hdr.size());
  const auto got = static_cast<std::size_t>(in.gcount());
  const bool text_header = got >= 6 && std::memcmp(hdr.data(), "MATLAB", 6) == 0;
  if (text_header && size < 128)
    throw InputError(file, "",
                     fmt::format("the file is truncated: {} bytes, a MAT-file header alone has 128",
                                 size));
  if (!text_header) return;  // a v4 file (no header): matio checks it

  // v7.3: an HDF5 file after a 512-byte user block. The superblock records the end-of-file address.
  static const unsigned char kHdf5[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  std::array<unsigned char, 96> sb{};
  in.clear();
  in.seekg(512);
  in.read(reinterpret_cast<char*>(sb.data()), sb.size());
  if (in.gcount() >= 16 && std::memcmp(sb.data(), kHdf5, 8) == 0) {
    const int version = sb[8];
    int off_size = 0, pos = 0;
    if (version <= 1) {
      off_size = sb[13];
      pos = version == 0 ? 24 : 28;
      pos += 2 * off_size;  // base address, free-space address
    } else {
      off_size = sb[9];
      pos = 12 + 2 * off_size;  // base address, superblock extension address
    }
    if ((off_size == 4 || off_size == 8) && pos + off_size <= in.gcount()) {
      const std::uint64_t eof = LoadLE(sb.data() + pos, off_size);
      if (eof > size)
        throw InputError(file, "",
                         fmt::format("the file is truncated: its HDF5 superblock says {} bytes, the "
                                     "file has {}",
                                     eof, size));
    }
    return;
  }

  // v5: after the 128-byte header, a sequence of tagged elements (one per variable).
  const bool swap = hdr[126] == 'M' && hdr[127] == 'I';
  if (!swap && !(hdr[126] == 'I' && hdr[127] == 'M')) return;
  in.clear();
  std::uint64_t offset = 128;
  int index = 0;
  while (offset + 8 <= size) {
    std::array<unsigned char, 8> tag{};
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(reinterpret_cast<char*>(tag.data()), 8);
    if (in.gcount() != 8) break;
    const std::uint32_t type = Load32(tag.data(), swap);
    const std::uint32_t nbytes = Load32(tag.data() + 4, swap);
    ++index;
    if ((type >> 16) != 0) {  // small data element: 8 bytes in all
      offset += 8;
      continue;
    }
    const std::uint64_t end = offset + 8 + nbytes;
    if (end > size)
      throw InputError(file, "",
                       fmt::format("the file is truncated: variable #{} (at byte {}) needs {} "
                                   "bytes, only {} remain",
                                   index, offset, nbytes, size - offset - 8));
    offset = type == 15 /* miCOMPRESSED */ ? end : std::min<std::uint64_t>((end + 7) & ~7ull, size);
  }
}

// ---- reader -------------------------------------------------------------------------------

MatReader::MatReader(const fs::path& path) : lock_(MatMutex()), file_(path.string()) {
  InstallMatLog();
  RequireReadableFile(path);
  CheckMatFileComplete(path);
  TakeMatLog();
  mat_ = Mat_Open(file_.c_str(), MAT_ACC_RDONLY);
  if (!mat_)
    throw InputError(file_, "",
                     "not a MATLAB .mat file matio can read (v4, v5 or v7.3), or it is damaged" +
                         TakeMatLog());
  Mat_Rewind(mat_);
  while (matvar_t* v = Mat_VarReadNextInfo(mat_)) {
    vars_.push_back(DescribeMatVar(*v));
    Mat_VarFree(v);
  }
  TakeMatLog();
}

MatReader::~MatReader() {
  if (mat_) Mat_Close(mat_);
  TakeMatLog();
}

std::string MatReader::format() const {
  switch (Mat_GetVersion(mat_)) {
    case MAT_FT_MAT73: return "MAT v7.3";
    case MAT_FT_MAT5: return "MAT v5";
    case MAT_FT_MAT4: return "MAT v4";
    default: return "MAT";
  }
}

const MatVariableInfo* MatReader::Find(std::string_view name) const {
  for (const auto& v : vars_)
    if (v.name == name) return &v;
  return nullptr;
}

const MatVariableInfo* MatReader::FindI(std::string_view name) const {
  if (const auto* exact = Find(name)) return exact;
  for (const auto& v : vars_)
    if (IEquals(v.name, name)) return &v;
  return nullptr;
}

std::string MatReader::VariableList() const {
  if (vars_.empty()) return "none";
  std::string s;
  for (const auto& v : vars_) {
    if (!s.empty()) s += ", ";
    s += v.ToText();
  }
  return s;
}

MatVarPtr MatReader::Read(const std::string& name) const {
  TakeMatLog();
  MatVarPtr v(Mat_VarRead(mat_, name.c_str()));
  // matio returns a variable even when decompression failed part way; it says so in its log.
  if (!v || t_mat_failed)
    throw InputError(file_, name,
                     "cannot read this variable (the file is damaged or truncated)" + TakeMatLog());
  if (v->data == nullptr && NumelOf(*v) > 0 && v->class_type != MAT_C_EMPTY)
    throw InputError(file_, name, "the variable's data could not be read" + TakeMatLog());
  return v;
}

// ---- typed access -------------------------------------------------------------------------

std::vector<double> ToDoubles(const matvar_t& v, const std::string& file) {
  std::vector<double> out;
  VisitNumeric(v, file, [&](const auto* data, std::size_t n) {
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<double>(data[i]);
  });
  return out;
}

double ScalarOf(const matvar_t& v, const std::string& file) {
  const auto values = ToDoubles(v, file);
  if (values.size() != 1)
    throw InputError(file, v.name ? v.name : "",
                     fmt::format("expected a single number, found {} values ({})", values.size(),
                                 DescribeMatVar(v).dims_text()));
  return values[0];
}

Index PositiveIntegerOf(const matvar_t& v, const std::string& file) {
  const double x = ScalarOf(v, file);
  if (!(x >= 1) || x != std::floor(x) || x > 1e12)
    throw InputError(file, v.name ? v.name : "",
                     fmt::format("expected a positive whole number, found {}", FormatNumber(x)));
  return static_cast<Index>(x);
}

std::vector<std::string> StringsOf(const matvar_t& v, const std::string& file) {
  const std::string name = v.name ? v.name : "";
  if (v.class_type == MAT_C_EMPTY || NumelOf(v) == 0) return {};
  if (v.class_type == MAT_C_CELL) {
    std::vector<std::string> out;
    const std::size_t n = NumelOf(v);
    for (std::size_t i = 0; i < n; ++i) {
      matvar_t* cell = Mat_VarGetCell(const_cast<matvar_t*>(&v), static_cast<int>(i));
      if (!cell || cell->class_type == MAT_C_EMPTY || NumelOf(*cell) == 0) {
        out.emplace_back();
        continue;
      }
      if (cell->class_type != MAT_C_CHAR)
        throw InputError(file, name,
                         fmt::format("expected a cell array of text, cell {} is {}", i + 1,
                                     ClassName(*cell)));
      auto parts = StringsOf(*cell, file);
      std::string joined;
      for (const auto& p : parts) {
        if (!joined.empty()) joined += ' ';
        joined += p;
      }
      out.push_back(std::move(joined));
    }
    return out;
  }
  if (v.rank != 2)
    throw InputError(file, name,
                     fmt::format("expected text (one name per row), found {} {}", ClassName(v),
                                 DescribeMatVar(v).dims_text()));
  const std::size_t n = v.dims[0], m = v.dims[1];
  if (v.class_type == MAT_C_CHAR) {
    if (!v.data) throw InputError(file, name, "the text could not be read");
    switch (v.data_size) {
      case 1: return RowsAsStrings(static_cast<const unsigned char*>(v.data), n, m);
      case 2: return RowsAsStrings(static_cast<const std::uint16_t*>(v.data), n, m);
      case 4: return RowsAsStrings(static_cast<const std::uint32_t*>(v.data), n, m);
      default:
        throw InputError(file, name, fmt::format("unsupported character size {}", v.data_size));
    }
  }
  std::vector<std::string> out;
  VisitNumeric(v, file, [&](const auto* data, std::size_t) { out = RowsAsStrings(data, n, m); });
  return out;
}

// ---- writer -------------------------------------------------------------------------------

MatWriter::MatWriter(const fs::path& path, const MatWriteOptions& options)
    : lock_(MatMutex()), path_(path) {
  InstallMatLog();
  RequireWritableTarget(path);
  const fs::path temp = out_.Add(path);
  TakeMatLog();
  mat_ = Mat_CreateVer(temp.c_str(), nullptr,
                       options.version == MatVersion::kV73 ? MAT_FT_MAT73 : MAT_FT_MAT5);
  if (!mat_)
    throw Error(fmt::format("{}: cannot create the .mat file{}", path.string(), TakeMatLog()));
  compression_ = options.compress ? MAT_COMPRESSION_ZLIB : MAT_COMPRESSION_NONE;
}

MatWriter::~MatWriter() {
  if (mat_) Mat_Close(mat_);
  TakeMatLog();
}

void MatWriter::Write(matvar_t* var, const char* name) {
  MatVarPtr owned(var);
  if (!var)
    throw Error(fmt::format("{}: cannot create variable {}{}", path_.string(), name, TakeMatLog()));
  if (Mat_VarWrite(mat_, var, compression_) != 0)
    throw Error(fmt::format("{}: cannot write variable {}{}", path_.string(), name, TakeMatLog()));
}

void MatWriter::Matrix(const char* name, const double* data, std::size_t rows, std::size_t cols) {
  std::size_t dims[2] = {rows, cols};
  Write(Mat_VarCreate(name, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, const_cast<double*>(data),
                      MAT_F_DONT_COPY_DATA),
        name);
}

void MatWriter::Scalar(const char* name, double value) { Matrix(name, &value, 1, 1); }

void MatWriter::Uint8(const char* name, const std::uint8_t* data, std::size_t rows,
                      std::size_t cols) {
  std::size_t dims[2] = {rows, cols};
  Write(Mat_VarCreate(name, MAT_C_UINT8, MAT_T_UINT8, 2, dims, const_cast<std::uint8_t*>(data),
                      MAT_F_DONT_COPY_DATA),
        name);
}

void MatWriter::Strings(const char* name, const std::vector<std::string>& values) {
  std::size_t dims[2] = {values.size(), 1};
  MatVarPtr cell(Mat_VarCreate(name, MAT_C_CELL, MAT_T_CELL, 2, dims, nullptr, 0));
  if (!cell) throw Error(fmt::format("{}: cannot create variable {}", path_.string(), name));
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::size_t cdims[2] = {1, values[i].size()};
    matvar_t* text = Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UTF8, 2, cdims,
                                   const_cast<char*>(values[i].data()), 0);
    if (!text) throw Error(fmt::format("{}: cannot create variable {}", path_.string(), name));
    Mat_VarSetCell(cell.get(), static_cast<int>(i), text);
  }
  Write(cell.release(), name);
}

void MatWriter::Commit() {
  const int rc = Mat_Close(mat_);
  mat_ = nullptr;
  if (rc != 0)
    throw Error(fmt::format("{}: writing the .mat file failed{}", path_.string(), TakeMatLog()));
  out_.Commit();
}

}  // namespace unmix::io::detail
