// libFuzzer target: any bytes as a MATLAB .mat file, through the scene reader, the ground-truth
// reader (alone and against a scene) and `unmix info`'s description.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "fuzz_util.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/info.hpp"
#include "unmix/io/mat.hpp"

// MAT v7.3 files are HDF5 files, and HDF5 1.10 has memory-safety bugs on damaged files that
// unmix cannot fix (docs/robustness.md). They are left out unless UNMIX_FUZZ_HDF5=1, so that a
// run finds unmix's own bugs and matio's v4/v5 parsing.
bool IsMat73(const std::uint8_t* data, std::size_t size) {
  if (size < 128 || std::memcmp(data, "MATLAB", 6) != 0) return false;
  const bool swapped = data[126] == 'M' && data[127] == 'I';
  const unsigned version = swapped ? (data[124] << 8 | data[125]) : (data[125] << 8 | data[124]);
  return version == 0x0200;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace unmix;
  static const bool hdf5 = [] {
    const char* e = std::getenv("UNMIX_FUZZ_HDF5");
    return e && std::string(e) == "1";
  }();
  if (!hdf5 && IsMat73(data, size)) return -1;  // -1: not added to the corpus
  static const auto path = fuzz::ScratchDir() / "input.mat";
  fuzz::WriteFile(path, data, size);
  std::optional<Scene> scene;
  try {
    scene = io::ReadMatScene(path);
  } catch (const Error&) {
  }
  try {
    io::ReadMatGroundTruth(path);
  } catch (const Error&) {
  }
  if (scene) {
    try {
      io::ReadMatGroundTruth(path, &*scene);
    } catch (const Error&) {
    }
  }
  try {
    io::DescribeFile(path).ToJson();
  } catch (const Error&) {
  }
  return 0;
}
