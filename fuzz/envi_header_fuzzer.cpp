// libFuzzer target: any text as an ENVI header beside a fixed 4096-byte data file, through the
// header parser (every accessor on every key unmix reads), the raster reader and `unmix info`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "io/envi_header.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/info.hpp"
#include "unmix/io/raster.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace unmix;
  static const auto image = [] {
    const auto p = fuzz::ScratchDir() / "input.img";
    std::vector<std::uint8_t> bytes(4096);
    std::uint32_t x = 12345;  // fixed pseudo-random pixels
    for (auto& b : bytes) b = static_cast<std::uint8_t>((x = x * 1664525u + 1013904223u) >> 24);
    fuzz::WriteFile(p, bytes.data(), bytes.size());
    return p;
  }();
  static const auto header = fuzz::ScratchDir() / "input.hdr";
  fuzz::WriteFile(header, data, size);
  try {
    const auto h = io::detail::EnviHeader::Parse(header);
    for (const char* key :
         {"samples", "lines", "bands", "data type", "header offset", "byte order", "interleave", "bbl", "wavelength",
          "wavelength units", "band names", "reflectance scale factor", "data ignore value"}) {
      h.Has(key);
      h.Get(key);
      h.List(key);
      try {
        if (const auto v = h.Integer(key)) io::detail::EnviHeader::DataTypeSize(*v);
      } catch (const Error&) {
      }
      try {
        h.Number(key);
      } catch (const Error&) {
      }
      try {
        h.Numbers(key);
      } catch (const Error&) {
      }
    }
  } catch (const Error&) {
  }
  for (bool drop : {true, false}) {
    try {
      io::RasterReadOptions o;
      o.drop_bad_bands = drop;
      io::ReadRaster(image, o);
    } catch (const Error&) {
    }
  }
  try {
    io::DescribeFile(header).ToText();
  } catch (const Error&) {
  }
  return 0;
}
