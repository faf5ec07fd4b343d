#include "io/mat_file.hpp"

#include <cpl_conv.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "io/common.hpp"

namespace fs = std::filesystem;

namespace unmix::io::detail {

namespace {

// matio reports problems through a log function; collect them per thread so errors can quote
// them instead of matio printing to stderr.
thread_local std::string t_mat_log;
thread_local bool t_mat_failed = false;  // an error or critical message since the last take

void CaptureMatLog(int level, char* message) {
  if (!(level & (MATIO_LOG_LEVEL_ERROR | MATIO_LOG_LEVEL_CRITICAL | MATIO_LOG_LEVEL_WARNING))) return;
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
  if (s.empty()) return s;
  // Errors are one line: HDF5 reports a multi-line stack, of which the first frames say enough.
  std::string flat;
  for (char c : s) {
    const bool blank = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (blank && (flat.empty() || flat.back() == ' ')) continue;
    flat += blank ? ' ' : c;
  }
  if (flat.size() > 400) flat = flat.substr(0, 400) + "...";
  return " (matio: " + flat + ")";
}

const char* ClassName(const matvar_t& v) {
  switch (v.class_type) {
    case MAT_C_EMPTY:
      return "empty";
    case MAT_C_CELL:
      return "cell";
    case MAT_C_STRUCT:
      return "struct";
    case MAT_C_OBJECT:
      return "object";
    case MAT_C_CHAR:
      return "char";
    case MAT_C_SPARSE:
      return "sparse";
    case MAT_C_DOUBLE:
      return "double";
    case MAT_C_SINGLE:
      return "single";
    case MAT_C_INT8:
      return "int8";
    case MAT_C_UINT8:
      return v.isLogical ? "logical" : "uint8";
    case MAT_C_INT16:
      return "int16";
    case MAT_C_UINT16:
      return "uint16";
    case MAT_C_INT32:
      return "int32";
    case MAT_C_UINT32:
      return "uint32";
    case MAT_C_INT64:
      return "int64";
    case MAT_C_UINT64:
      return "uint64";
    case MAT_C_FUNCTION:
      return "function";
    case MAT_C_OPAQUE:
      return "opaque";
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
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == '\0')) s.pop_back();
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

// matio sizes its allocations and loops from the headers inside a v5 variable (dimensions,
// sub-element sizes, cell counts) before it knows whether the data are there: a damaged number
// makes it ask for terabytes or walk billions of cells. These checks hold every header to the
// bytes that actually follow it. `p` holds the variable's content (after its tag) up to
// `available` bytes of the declared `size`; what lies beyond `available` is not checked.
class V5Check {
 public:
  V5Check(bool swap, int index, const std::string& file) : swap_(swap), index_(index), file_(file) {}

  void Matrix(const unsigned char* p, std::uint64_t available, std::uint64_t size, std::uint64_t at, int depth) {
    if (depth > 32) throw Damaged("cells nested more than 32 deep", at);
    std::uint64_t pos = 0, numel = 1;
    std::uint32_t array_class = 0;
    int part = 0;
    while (pos < size && pos + 8 <= available) {
      const std::uint32_t first = Load32(p + pos, swap_);
      const bool small = (first >> 16) != 0;
      const std::uint32_t type = small ? first & 0xffff : first;
      const std::uint64_t nbytes = small ? first >> 16 : Load32(p + pos + 4, swap_);
      const std::uint64_t length = small ? 8 : 8 + ((nbytes + 7) & ~7ull);
      if (small && nbytes > 4)
        throw Damaged(fmt::format("a packed part claiming {} bytes (at most 4 fit)", nbytes), at + pos);
      if (length > size - pos) throw Damaged("a part that extends past its end", at + pos);
      const unsigned char* body = p + pos + (small ? 4 : 8);
      const std::uint64_t body_available = available - pos - (small ? 4 : 8);
      // matio takes the class from the flags' first word whatever size their tag declares.
      if (part == 0 && body_available >= 4) array_class = Load32(body, swap_) & 0xff;
      // matio reads dimensions only as miINT32; any other type leaves them unread and their
      // bytes are taken for the name's tag (a 4 GB name length from a 1 kB file).
      if (part == 1 && type != 5 /* miINT32 */)
        throw Damaged(fmt::format("dimensions stored as type {} (expected 5, miINT32)", type), at + pos);
      // matio reads nbytes / 4 dimensions and skips to the 8-byte boundary only after an odd
      // count, so any other size leaves it reading the name from the wrong place.
      if (part == 1 && (nbytes % 4 != 0 || nbytes < 8))
        throw Damaged(fmt::format("dimensions of {} bytes (expected a multiple of 4, at least 8)", nbytes), at + pos);
      if (part == 1) {
        for (std::uint64_t k = 0; k < nbytes / 4 && 4 * k + 4 <= body_available; ++k)
          if (__builtin_mul_overflow(numel, static_cast<std::uint64_t>(Load32(body + 4 * k, swap_)), &numel))
            throw Damaged("dimensions whose product overflows", at + pos);
      }
      if (part == 3) {
        if (array_class >= 6 && array_class <= 15) {  // numeric: the real values follow
          static const int kSize[] = {0, 1, 1, 2, 2, 4, 4, 4, 0, 8, 0, 0, 8, 8, 0, 0, 1};
          const int bytes = type < 17 ? kSize[type] : 0;
          // matio sizes an unknown type's buffer from the dimensions alone.
          if (bytes == 0)
            throw Damaged(fmt::format("numeric data of type {}, which is not a MAT numeric type", type), at + pos);
          if (numel > nbytes / static_cast<std::uint64_t>(bytes))
            throw Damaged(fmt::format("dimensions of {} values over {} bytes of data", numel, nbytes), at + pos);
        } else if (array_class == 4 && numel > nbytes) {  // char: at least a byte per character
          throw Damaged(fmt::format("dimensions of {} characters over {} bytes of text", numel, nbytes), at + pos);
        } else if (array_class == 1 || array_class == 16) {  // cell, function: `numel` arrays, each at least a tag
          const std::uint64_t rest = size - pos;
          if (numel > rest / 8)
            throw Damaged(
                fmt::format("{} {} in {} bytes", numel, array_class == 1 ? "cells" : "function handles", rest),
                at + pos);
          Elements(p + pos, available - pos, rest, at + pos, numel, depth);
          return;
        }
      }
      if (part == 4 && array_class == 2) {  // struct: field-name length, names, then the fields
        // part 3 was the field-name length; part 4 the names; fields follow.
        const std::uint64_t name_length = field_name_length_;
        const std::uint64_t fields = name_length ? nbytes / name_length : 0;
        std::uint64_t count = 0;
        const std::uint64_t rest = size - pos - length;
        if (__builtin_mul_overflow(numel, fields, &count) || count > rest / 8)
          throw Damaged(fmt::format("{} x {} struct fields in {} bytes", numel, fields, rest), at + pos);
        if (pos + length <= available)
          Elements(p + pos + length, available - pos - length, rest, at + pos + length, count, depth);
        return;
      }
      if (part == 3 && array_class == 2) field_name_length_ = small && nbytes >= 4 ? Load32(body, swap_) : 0;
      pos += length;
      ++part;
    }
    // matio reads flags, dimensions and name whatever the matrix's size says, and so takes
    // whatever follows it for them.
    if (size > 0 && pos >= size && part < 3)
      throw Damaged(fmt::format("an array of {} bytes, too short for its flags, dimensions and name", size), at);
  }

 private:
  // `count` miMATRIX elements in a row, each checked in turn.
  void Elements(const unsigned char* p, std::uint64_t available, std::uint64_t size, std::uint64_t at,
                std::uint64_t count, int depth) {
    std::uint64_t pos = 0;
    for (std::uint64_t i = 0; i < count && pos + 8 <= available && pos + 8 <= size; ++i) {
      const std::uint64_t nbytes = Load32(p + pos + 4, swap_);
      if (nbytes > size - pos - 8) throw Damaged("a cell or field that extends past its end", at + pos);
      Matrix(p + pos + 8, available - pos - 8 < nbytes ? available - pos - 8 : nbytes, nbytes, at + pos + 8, depth + 1);
      pos += 8 + ((nbytes + 7) & ~7ull);
    }
  }
  InputError Damaged(const std::string& what, std::uint64_t at) const {
    return InputError(file_, "",
                      fmt::format("the file is damaged: variable #{} has {} (at byte {})", index_, what, at));
  }
  bool swap_;
  int index_;
  const std::string& file_;
  std::uint64_t field_name_length_ = 0;
};

// Reads up to `limit` bytes at `offset`.
std::vector<unsigned char> ReadAt(std::ifstream& in, std::uint64_t offset, std::uint64_t limit) {
  std::vector<unsigned char> buf(static_cast<size_t>(limit));
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(limit));
  buf.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  return buf;
}

// Checks the variable whose tag is at `offset` (`type` 14 plain, 15 zlib-compressed; `nbytes` of
// content). A compressed variable of up to 16 KiB is inflated whole (deflate expands at most
// 1032:1, so its buffer bound is exact) and a stream that fails to inflate, or to match its
// checksum, is damage that matio would not notice. Larger variables are the data themselves;
// matio reads them as far as they go.
void CheckV5Variable(std::ifstream& in, std::uint64_t offset, std::uint32_t type, std::uint64_t nbytes, bool swap,
                     int index, const std::string& file) {
  constexpr std::uint64_t kPlainPrefix = 1 << 16, kPackedLimit = 1 << 14;
  V5Check check(swap, index, file);
  if (type == 14) {
    const auto buf = ReadAt(in, offset + 8, std::min(nbytes, kPlainPrefix));
    check.Matrix(buf.data(), buf.size(), nbytes, offset + 8, 0);
    return;
  }
  if (type != 15 || nbytes > kPackedLimit || nbytes < 2) return;
  const auto packed = ReadAt(in, offset + 8, nbytes);
  const size_t capacity = static_cast<size_t>(nbytes * 1032 + 64);
  const std::unique_ptr<unsigned char[]> inflated(new unsigned char[capacity]);  // not zeroed: up to 16 MiB
  size_t got = 0;
  if (!CPLZLibInflate(packed.data(), packed.size(), inflated.get(), capacity, &got))
    throw InputError(file, "",
                     fmt::format("the file is damaged: the compressed variable #{} (at byte {}) does not inflate "
                                 "(corrupt data or checksum)",
                                 index, offset));
  if (got < 8) return;
  const std::uint32_t inner = Load32(inflated.get(), swap);
  const std::uint64_t inner_bytes = Load32(inflated.get() + 4, swap);
  if (inner != 14) return;  // matio refuses anything else itself
  if (inner_bytes > got - 8)
    throw InputError(file, "",
                     fmt::format("the file is damaged: variable #{} (at byte {}) "
                                 "declares {} bytes but inflates to {}",
                                 index, offset, inner_bytes, got - 8));
  check.Matrix(inflated.get() + 8, inner_bytes, inner_bytes, offset + 8, 0);
}

// A v4 file (no text header) is a sequence of variables, each a 20-byte header (type, rows,
// cols, imaginary flag, name length), the name, then the values. matio trusts these numbers
// (a damaged name length makes it allocate gigabytes), so they are checked against the file.
void CheckMat4FileComplete(std::ifstream& in, std::uint64_t size, const std::string& file) {
  std::uint64_t offset = 0;
  int index = 0;
  while (offset < size) {
    std::array<unsigned char, 20> h{};
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(reinterpret_cast<char*>(h.data()), h.size());
    ++index;
    if (in.gcount() != 20)
      throw InputError(file, "",
                       fmt::format("not a MATLAB .mat file, or truncated: variable #{} (at byte {}) "
                                   "has an incomplete header",
                                   index, offset));
    // The type is MOPT in decimal digits; M (the machine format) says the byte order.
    bool swap = false;
    std::uint32_t type = Load32(h.data(), false);
    if (type > 4052) {
      swap = true;
      type = Load32(h.data(), true);
    }
    const unsigned m = type / 1000, o = type / 100 % 10, p = type / 10 % 10, t = type % 10;
    static const int kBytes[] = {8, 4, 4, 2, 2, 1};
    if (type > 4052 || m > 1 || o != 0 || p > 5 || t > 2)
      throw InputError(file, "",
                       fmt::format("not a MATLAB .mat file: variable #{} (at byte {}) has type code {}, "
                                   "which no MAT-file (v4, v5 or v7.3) uses",
                                   index, offset, type));
    const std::uint64_t rows = Load32(h.data() + 4, swap), cols = Load32(h.data() + 8, swap);
    const std::uint64_t imag = Load32(h.data() + 12, swap), name = Load32(h.data() + 16, swap);
    std::uint64_t values = 0, bytes = 0;
    const std::uint64_t value_size = static_cast<std::uint64_t>(kBytes[p]) * (imag ? 2 : 1);
    const bool overflow =
        __builtin_mul_overflow(rows, cols, &values) || __builtin_mul_overflow(values, value_size, &bytes);
    const std::uint64_t remaining = size - offset - 20;
    if (overflow || name > remaining || bytes > remaining - name)
      throw InputError(
          file, "",
          fmt::format("not a MATLAB .mat file, or truncated: variable #{} (at byte {}) needs {} bytes "
                      "({} x {} values and a {}-byte name), only {} remain",
                      index, offset, overflow ? std::string("more than 2^64") : std::to_string(name + bytes), rows,
                      cols, name, remaining));
    offset += 20 + name + bytes;
  }
}

}  // namespace

std::recursive_mutex& MatMutex() {
  static std::recursive_mutex m;
  return m;
}

std::size_t NumelOf(const matvar_t& v) {
  if (v.rank <= 0 || v.dims == nullptr) return 0;
  std::size_t n = 1;
  for (int i = 0; i < v.rank; ++i)
    if (__builtin_mul_overflow(n, v.dims[i], &n)) return SIZE_MAX;
  return n;
}

bool DataCovers(const matvar_t& v, std::size_t element_size) {
  const std::size_t n = NumelOf(v);
  std::size_t bytes = 0;
  return n != SIZE_MAX && !__builtin_mul_overflow(n, element_size, &bytes) && bytes <= v.nbytes;
}

void ThrowShortData(const matvar_t& v, const std::string& file) {
  throw InputError(file, v.name ? v.name : "",
                   fmt::format("holds fewer values than its dimensions ({}) say: the file is damaged",
                               DescribeMatVar(v).dims_text()));
}

bool IsNumericClass(const matvar_t& v) {
  switch (v.class_type) {
    case MAT_C_DOUBLE:
    case MAT_C_SINGLE:
    case MAT_C_INT8:
    case MAT_C_UINT8:
    case MAT_C_INT16:
    case MAT_C_UINT16:
    case MAT_C_INT32:
    case MAT_C_UINT32:
    case MAT_C_INT64:
    case MAT_C_UINT64:
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
  if (v.isComplex)
    what = "complex values are not supported";
  else if (IsNumericClass(v))
    what = "the variable holds no data (damaged file?)";
  throw InputError(file, info.name, what);
}

void CheckMatFileComplete(const fs::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  const std::uint64_t size = fs::file_size(path, ec);
  if (ec) throw InputError(file, "", "cannot read the file size: " + ec.message());
  if (size == 0) throw InputError(file, "", "the file is empty");
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 128> hdr{};
  in.read(reinterpret_cast<char*>(hdr.data()), hdr.size());
  const auto got = static_cast<std::size_t>(in.gcount());
  const bool text_header = got >= 6 && std::memcmp(hdr.data(), "MATLAB", 6) == 0;
  if (text_header && size < 128)
    throw InputError(file, "", fmt::format("the file is truncated: {} bytes, a MAT-file header alone has 128", size));
  if (!text_header) return CheckMat4FileComplete(in, size, file);

  // v7.3: an HDF5 file after a 512-byte user block. The superblock records the end-of-file address.
  static const unsigned char kHdf5[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  std::array<unsigned char, 96> sb{};
  in.clear();
  in.seekg(512);
  in.read(reinterpret_cast<char*>(sb.data()), sb.size());
  const bool swapped_header = hdr[126] == 'M' && hdr[127] == 'I';
  const unsigned version = swapped_header ? (hdr[124] << 8 | hdr[125]) : (hdr[125] << 8 | hdr[124]);
  const bool hdf5 = in.gcount() >= 16 && std::memcmp(sb.data(), kHdf5, 8) == 0;
  if (version == 0x0200 && !hdf5)
    throw InputError(file, "",
                     fmt::format("the file is truncated: its header says MAT v7.3, whose HDF5 data start at byte "
                                 "512, but the file has {} bytes{}",
                                 size, size > 512 ? " and no HDF5 signature there" : ""));
  if (hdf5 && version == 0x0200) {  // matio, too, goes by the version field
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
    if (type == 14 || type == 15) CheckV5Variable(in, offset, type, nbytes, swap, index, file);
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
                     "not a MATLAB .mat file matio can read (v4, v5 or v7.3), or it is damaged" + TakeMatLog());
  Mat_Rewind(mat_);
  while (matvar_t* v = Mat_VarReadNextInfo(mat_)) {
    vars_.push_back(DescribeMatVar(*v));
    Mat_VarFree(v);
  }
  const std::string log = TakeMatLog();
  if (vars_.empty()) {
    Mat_Close(mat_);  // a throwing constructor runs no destructor
    mat_ = nullptr;
    throw InputError(file_, "", "the file holds no variables (it is empty, truncated or damaged)" + log);
  }
  // Variables are read back by name, so two of one name would read the first for both.
  for (size_t i = 0; i < vars_.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (vars_[i].name == vars_[j].name) {
        Mat_Close(mat_);
        mat_ = nullptr;
        throw InputError(file_, vars_[i].name,
                         vars_[i].name.empty()
                             ? fmt::format("variables #{} and #{} both have no name (damaged file?)", j + 1, i + 1)
                             : fmt::format("variables #{} and #{} have the same name (damaged file?)", j + 1, i + 1));
      }
}

MatReader::~MatReader() {
  if (mat_) Mat_Close(mat_);
  TakeMatLog();
}

std::string MatReader::format() const {
  switch (Mat_GetVersion(mat_)) {
    case MAT_FT_MAT73:
      return "MAT v7.3";
    case MAT_FT_MAT5:
      return "MAT v5";
    case MAT_FT_MAT4:
      return "MAT v4";
    default:
      return "MAT";
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
    throw InputError(file_, name, "cannot read this variable (the file is damaged or truncated)" + TakeMatLog());
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
    throw InputError(
        file, v.name ? v.name : "",
        fmt::format("expected a single number, found {} values ({})", values.size(), DescribeMatVar(v).dims_text()));
  return values[0];
}

Index PositiveIntegerOf(const matvar_t& v, const std::string& file) {
  const double x = ScalarOf(v, file);
  // Image sizes beyond int range are not real images (GDAL has the same limit), and the bound
  // keeps rows x cols within Index.
  if (!(x >= 1) || x != std::floor(x) || x > 2147483647.0)
    throw InputError(file, v.name ? v.name : "",
                     fmt::format("expected a positive whole number up to 2147483647, found {}", FormatNumber(x)));
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
                         fmt::format("expected a cell array of text, cell {} is {}", i + 1, ClassName(*cell)));
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
    throw InputError(
        file, name,
        fmt::format("expected text (one name per row), found {} {}", ClassName(v), DescribeMatVar(v).dims_text()));
  const std::size_t n = v.dims[0], m = v.dims[1];
  if (v.class_type == MAT_C_CHAR) {
    if (!v.data) throw InputError(file, name, "the text could not be read");
    if (v.data_size > 0 && !DataCovers(v, static_cast<std::size_t>(v.data_size))) ThrowShortData(v, file);
    switch (v.data_size) {
      case 1:
        return RowsAsStrings(static_cast<const unsigned char*>(v.data), n, m);
      case 2:
        return RowsAsStrings(static_cast<const std::uint16_t*>(v.data), n, m);
      case 4:
        return RowsAsStrings(static_cast<const std::uint32_t*>(v.data), n, m);
      default:
        throw InputError(file, name, fmt::format("unsupported character size {}", v.data_size));
    }
  }
  std::vector<std::string> out;
  VisitNumeric(v, file, [&](const auto* data, std::size_t) { out = RowsAsStrings(data, n, m); });
  return out;
}

// ---- writer -------------------------------------------------------------------------------

MatWriter::MatWriter(const fs::path& path, const MatWriteOptions& options) : lock_(MatMutex()), path_(path) {
  InstallMatLog();
  RequireWritableTarget(path);
  const fs::path temp = out_.Add(path);
  TakeMatLog();
  mat_ = Mat_CreateVer(temp.c_str(), nullptr, options.version == MatVersion::kV73 ? MAT_FT_MAT73 : MAT_FT_MAT5);
  if (!mat_) throw Error(fmt::format("{}: cannot create the .mat file{}", path.string(), TakeMatLog()));
  compression_ = options.compress ? MAT_COMPRESSION_ZLIB : MAT_COMPRESSION_NONE;
}

MatWriter::~MatWriter() {
  if (mat_) Mat_Close(mat_);
  TakeMatLog();
}

void MatWriter::Write(matvar_t* var, const char* name) {
  MatVarPtr owned(var);
  if (!var) throw Error(fmt::format("{}: cannot create variable {}{}", path_.string(), name, TakeMatLog()));
  if (Mat_VarWrite(mat_, var, compression_) != 0)
    throw Error(fmt::format("{}: cannot write variable {}{}", path_.string(), name, TakeMatLog()));
  ++written_;
}

void MatWriter::Matrix(const char* name, const double* data, std::size_t rows, std::size_t cols) {
  std::size_t dims[2] = {rows, cols};
  Write(Mat_VarCreate(name, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, const_cast<double*>(data), MAT_F_DONT_COPY_DATA),
        name);
}

void MatWriter::Scalar(const char* name, double value) { Matrix(name, &value, 1, 1); }

void MatWriter::Uint8(const char* name, const std::uint8_t* data, std::size_t rows, std::size_t cols) {
  std::size_t dims[2] = {rows, cols};
  Write(Mat_VarCreate(name, MAT_C_UINT8, MAT_T_UINT8, 2, dims, const_cast<std::uint8_t*>(data), MAT_F_DONT_COPY_DATA),
        name);
}

void MatWriter::Strings(const char* name, const std::vector<std::string>& values) {
  std::size_t dims[2] = {values.size(), 1};
  MatVarPtr cell(Mat_VarCreate(name, MAT_C_CELL, MAT_T_CELL, 2, dims, nullptr, 0));
  if (!cell) throw Error(fmt::format("{}: cannot create variable {}", path_.string(), name));
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::size_t cdims[2] = {1, values[i].size()};
    matvar_t* text = Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UTF8, 2, cdims, const_cast<char*>(values[i].data()), 0);
    if (!text) throw Error(fmt::format("{}: cannot create variable {}", path_.string(), name));
    Mat_VarSetCell(cell.get(), static_cast<int>(i), text);
  }
  Write(cell.release(), name);
}

void MatWriter::Commit() {
  const int rc = Mat_Close(mat_);
  mat_ = nullptr;
  if (rc != 0) throw Error(fmt::format("{}: writing the .mat file failed{}", path_.string(), TakeMatLog()));
  // matio does not report every failed write (a full disk leaves a short or empty file behind a
  // success code): read the file back before it takes the final name.
  std::size_t found = 0;
  std::string why;
  try {
    CheckMatFileComplete(out_.temp());
    if (mat_t* check = Mat_Open(out_.temp().c_str(), MAT_ACC_RDONLY)) {
      while (matvar_t* v = Mat_VarReadNextInfo(check)) {
        ++found;
        Mat_VarFree(v);
      }
      Mat_Close(check);
    }
  } catch (const Error& e) {
    why = std::string(": ") + e.what();
  }
  const std::string log = TakeMatLog();
  if (found != written_ || !why.empty())
    throw Error(
        fmt::format("{}: writing the .mat file failed: {} of {} variables readable after writing (disk "
                    "full?){}{}",
                    path_.string(), found, written_, why, log));
  out_.Commit();
}

}  // namespace unmix::io::detail
