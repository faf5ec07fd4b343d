#pragma once
// Helpers for the I/O tests: writing arbitrary .mat content straight through matio (so the
// readers are tested against files unmix's own writers did not produce), scenes whose values
// encode their position, and directory listings.
#include <gtest/gtest.h>
#include <matio.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "unmix/core/error.hpp"
#include "unmix/core/scene.hpp"

namespace unmix::testing {

// Value of band b at pixel (r, c) in the test scenes: unique, exact in float32.
inline float CodedValue(Index b, Index r, Index c) { return static_cast<float>(1000 * b + 10 * r + c) + 0.5f; }

// A rows x cols x bands scene holding CodedValue, pixels in row-major order.
inline Scene CodedScene(Index rows, Index cols, Index bands) {
  Scene s;
  s.rows = rows;
  s.cols = cols;
  s.data.resize(bands, rows * cols);
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c)
      for (Index b = 0; b < bands; ++b) s.data(b, r * cols + c) = CodedValue(b, r, c);
  return s;
}

class MatBuilder {
 public:
  explicit MatBuilder(const std::filesystem::path& path, mat_ft version = MAT_FT_MAT5)
      : mat_(Mat_CreateVer(path.c_str(), nullptr, version)) {
    EXPECT_NE(mat_, nullptr) << "cannot create " << path;
  }
  ~MatBuilder() { Close(); }
  void Close() {
    if (mat_) Mat_Close(mat_);
    mat_ = nullptr;
  }

  template <typename T>
  void Array(const char* name, std::vector<std::size_t> dims, const std::vector<T>& data) {
    Write(Mat_VarCreate(name, Class<T>(), Type<T>(), static_cast<int>(dims.size()), dims.data(),
                        const_cast<T*>(data.data()), MAT_F_DONT_COPY_DATA));
  }
  void Scalar(const char* name, double v) { Array<double>(name, {1, 1}, {v}); }
  void Text(const char* name, const std::string& s) {
    std::size_t dims[2] = {1, s.size()};
    Write(Mat_VarCreate(name, MAT_C_CHAR, MAT_T_UTF8, 2, dims, const_cast<char*>(s.data()), 0));
  }
  void Cell(const char* name, const std::vector<std::string>& items) {
    std::size_t dims[2] = {items.size(), 1};
    matvar_t* cell = Mat_VarCreate(name, MAT_C_CELL, MAT_T_CELL, 2, dims, nullptr, 0);
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::size_t cd[2] = {1, items[i].size()};
      Mat_VarSetCell(cell, static_cast<int>(i),
                     Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UTF8, 2, cd, const_cast<char*>(items[i].data()), 0));
    }
    Write(cell);
  }

 private:
  template <typename T>
  static matio_classes Class() {
    if constexpr (std::is_same_v<T, double>)
      return MAT_C_DOUBLE;
    else if constexpr (std::is_same_v<T, float>)
      return MAT_C_SINGLE;
    else if constexpr (std::is_same_v<T, std::uint16_t>)
      return MAT_C_UINT16;
    else
      return MAT_C_UINT8;
  }
  template <typename T>
  static matio_types Type() {
    if constexpr (std::is_same_v<T, double>)
      return MAT_T_DOUBLE;
    else if constexpr (std::is_same_v<T, float>)
      return MAT_T_SINGLE;
    else if constexpr (std::is_same_v<T, std::uint16_t>)
      return MAT_T_UINT16;
    else
      return MAT_T_UINT8;
  }
  void Write(matvar_t* v) {
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(Mat_VarWrite(mat_, v, MAT_COMPRESSION_NONE), 0);
    Mat_VarFree(v);
  }
  mat_t* mat_ = nullptr;
};

// The scene's values as a MATLAB bands x pixels matrix (column-major pixel order), as doubles.
inline std::vector<double> ToMatlabOrder(const Scene& s) {
  std::vector<double> y;
  for (Index c = 0; c < s.cols; ++c)
    for (Index r = 0; r < s.rows; ++r)
      for (Index b = 0; b < s.bands(); ++b) y.push_back(s.data(b, r * s.cols + c));
  return y;
}

// Names of the entries of a directory, sorted.
inline std::vector<std::string> ListDir(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

inline std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteText(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

// Runs `f`, expects an InputError, and returns its message.
template <typename F>
std::string InputErrorMessage(F&& f) {
  try {
    f();
  } catch (const unmix::InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected InputError, got: " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected InputError, nothing was thrown";
  return "";
}

}  // namespace unmix::testing
