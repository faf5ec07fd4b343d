#pragma once
// The edge between numpy and the library: arrays in (checked: dtype, shape, contiguity, finite
// values), numpy arrays out (the library's matrices handed over without a copy), JSON values
// as Python objects, and the exceptions the module raises. Everything here only converts; the
// work is done by the library's own functions.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "unmix/core/scene.hpp"

namespace unmix::python {

namespace py = pybind11;

// The module's exception classes (created at import, see RegisterErrors):
//   unmix.Error(Exception)                  every library error
//   unmix.OptionError(Error, ValueError)    an option out of range (the CLI's "invalid option")
//   unmix.InputError(Error, ValueError)     unusable data
//   unmix.FileError(InputError, OSError)    an InputError that names a file
struct ErrorTypes {
  PyObject* error = nullptr;
  PyObject* option = nullptr;
  PyObject* input = nullptr;
  PyObject* file = nullptr;
};
const ErrorTypes& Errors();
void RegisterErrors(py::module_& m);

// How a scene array is laid out and what comes with it (the keyword arguments of unmix.run).
struct SceneArgs {
  bool bands_first = false;  // a 3-D array is bands x rows x cols (rasterio), not rows x cols x bands
  py::object shape;          // (rows, cols) of a 2-D bands x pixels array; None: 1 x pixels
  py::object info;           // dict: wavelengths, wavelength_units, band_names, valid, georeference
  std::string name = "scene";
};

// A scene from a float32/float64 array, C or Fortran order: rows x cols x bands (or bands x rows
// x cols with bands_first), or bands x pixels. Copies once into the library's matrix, checking
// every value; non-finite values are refused unless their pixel is masked out by info["valid"].
// ValueError/TypeError name the argument and what was expected.
Scene SceneFromArray(const py::handle& data, const SceneArgs& args);

// A 2-D float matrix (any float dtype, C or Fortran order), checked to be finite, as float or
// double; `rows`/`cols` >= 0 are required sizes.
MatrixF MatrixFFromArray(const py::handle& a, const std::string& name, Index rows = -1, Index cols = -1);
MatrixD MatrixDFromArray(const py::handle& a, const std::string& name, Index rows = -1, Index cols = -1);

// The matrix as a numpy array of the same shape (Fortran order), owning the matrix: no copy.
py::array ToNumpy(MatrixF m);
py::array ToNumpy(const MatrixD& m);

// JSON <-> Python (dicts, lists, numbers, strings, None).
py::object FromJson(const nlohmann::json& j);
nlohmann::json ToJsonValue(const py::handle& o);

// The scene's metadata as the info dict SceneFromArray reads.
py::dict InfoOf(const Scene& scene);
// The data as rows x cols x bands (C order), without a copy.
py::array CubeOf(Scene scene);

// Readers and writers, synthetic scenes, metrics (data.cpp).
void RegisterData(py::module_& m);

}  // namespace unmix::python
