#pragma once
// A thin C++ layer over matio: RAII files and variables, typed access to numeric data, strings,
// and checks that turn matio's silent failures into InputErrors naming the file and variable.
// matio (and the HDF5 library under it) is not thread-safe: every open file holds a global lock.
#include <matio.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/mat.hpp"

namespace unmix::io::detail {

struct MatVarFree {
  void operator()(matvar_t* v) const noexcept { Mat_VarFree(v); }
};
using MatVarPtr = std::unique_ptr<matvar_t, MatVarFree>;

std::recursive_mutex& MatMutex();

MatVariableInfo DescribeMatVar(const matvar_t& v);
std::size_t NumelOf(const matvar_t& v);
bool IsNumericClass(const matvar_t& v);

// Throws InputError when a v5 file's variables extend past its end, or a v7.3 (HDF5) file is
// shorter than its superblock says: matio would otherwise read garbage or fail without saying why.
void CheckMatFileComplete(const std::filesystem::path& path);

class MatReader {
 public:
  explicit MatReader(const std::filesystem::path& path);
  MatReader(const MatReader&) = delete;
  MatReader& operator=(const MatReader&) = delete;
  ~MatReader();

  const std::string& file() const { return file_; }
  std::string format() const;  // "MAT v5", "MAT v7.3", "MAT v4"
  const std::vector<MatVariableInfo>& variables() const { return vars_; }
  const MatVariableInfo* Find(std::string_view name) const;   // exact name
  const MatVariableInfo* FindI(std::string_view name) const;  // case-insensitive
  // "Y (double 198x10000), nRow (double 1x1), ..."
  std::string VariableList() const;
  // Reads a variable with its data. Throws InputError naming file and variable.
  MatVarPtr Read(const std::string& name) const;

 private:
  std::unique_lock<std::recursive_mutex> lock_;
  std::string file_;
  mat_t* mat_ = nullptr;
  std::vector<MatVariableInfo> vars_;
};

[[noreturn]] void ThrowNotNumeric(const matvar_t& v, const std::string& file);
// Whether the variable's data buffer holds all the values its dimensions promise (matio can
// return fewer for a damaged file); NumelOf returns SIZE_MAX when the product overflows.
bool DataCovers(const matvar_t& v, std::size_t element_size);
[[noreturn]] void ThrowShortData(const matvar_t& v, const std::string& file);

// Calls f(const T* data, std::size_t count) with the variable's numeric data in its stored type.
// Throws InputError for non-numeric, complex or sparse variables.
template <typename F>
void VisitNumeric(const matvar_t& v, const std::string& file, F&& f) {
  if (!IsNumericClass(v) || v.isComplex || (v.data == nullptr && NumelOf(v) > 0)) ThrowNotNumeric(v, file);
  const std::size_t n = NumelOf(v);
  auto check = [&](std::size_t size) {
    if (n > 0 && !DataCovers(v, size)) ThrowShortData(v, file);
  };
  switch (v.class_type) {
    case MAT_C_DOUBLE:
    case MAT_C_INT64:
    case MAT_C_UINT64:
      check(8);
      break;
    case MAT_C_SINGLE:
    case MAT_C_INT32:
    case MAT_C_UINT32:
      check(4);
      break;
    case MAT_C_INT16:
    case MAT_C_UINT16:
      check(2);
      break;
    default:
      check(1);
  }
  switch (v.class_type) {
    case MAT_C_DOUBLE:
      return f(static_cast<const double*>(v.data), n);
    case MAT_C_SINGLE:
      return f(static_cast<const float*>(v.data), n);
    case MAT_C_INT8:
      return f(static_cast<const std::int8_t*>(v.data), n);
    case MAT_C_UINT8:
      return f(static_cast<const std::uint8_t*>(v.data), n);
    case MAT_C_INT16:
      return f(static_cast<const std::int16_t*>(v.data), n);
    case MAT_C_UINT16:
      return f(static_cast<const std::uint16_t*>(v.data), n);
    case MAT_C_INT32:
      return f(static_cast<const std::int32_t*>(v.data), n);
    case MAT_C_UINT32:
      return f(static_cast<const std::uint32_t*>(v.data), n);
    case MAT_C_INT64:
      return f(static_cast<const std::int64_t*>(v.data), n);
    case MAT_C_UINT64:
      return f(static_cast<const std::uint64_t*>(v.data), n);
    default:
      ThrowNotNumeric(v, file);
  }
}
std::vector<double> ToDoubles(const matvar_t& v, const std::string& file);
// A 1x1 numeric value.
double ScalarOf(const matvar_t& v, const std::string& file);
// A positive whole number (image sizes).
Index PositiveIntegerOf(const matvar_t& v, const std::string& file);
// Names from a cell array of char, a char matrix (one name per row), or a numeric matrix of
// character codes (one name per row). Trailing blanks removed.
std::vector<std::string> StringsOf(const matvar_t& v, const std::string& file);

// Writes a .mat to a temporary sibling; Commit() closes it and renames it into place.
class MatWriter {
 public:
  MatWriter(const std::filesystem::path& path, const MatWriteOptions& options);
  MatWriter(const MatWriter&) = delete;
  MatWriter& operator=(const MatWriter&) = delete;
  ~MatWriter();

  void Matrix(const char* name, const double* data, std::size_t rows, std::size_t cols);
  void Scalar(const char* name, double value);
  void Uint8(const char* name, const std::uint8_t* data, std::size_t rows, std::size_t cols);
  void Strings(const char* name, const std::vector<std::string>& values);
  void Commit();

 private:
  void Write(matvar_t* var, const char* name);
  std::unique_lock<std::recursive_mutex> lock_;
  std::filesystem::path path_;
  AtomicOutput out_;
  mat_t* mat_ = nullptr;
  matio_compression compression_ = MAT_COMPRESSION_NONE;
  std::size_t written_ = 0;  // variables written, checked again after closing
};

}  // namespace unmix::io::detail
