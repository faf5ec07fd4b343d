#pragma once
// Shared by the fuzz targets: each input is written to a file in a private scratch directory
// under $TMPDIR (libFuzzer ends without running exit handlers: fuzz/run.sh removes it), because
// the readers (matio, GDAL) take paths. Only unmix::Error counts as a correct answer;
// any other exception escapes and libFuzzer reports it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace unmix::fuzz {

inline const std::filesystem::path& ScratchDir() {
  static const std::filesystem::path dir = [] {
    const char* base = std::getenv("TMPDIR");
    auto d = std::filesystem::path(base && *base ? base : "/tmp") /
             ("unmix-fuzz-" + std::to_string(static_cast<long>(::getpid())));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

inline void WriteFile(const std::filesystem::path& path, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();  // the harness itself is broken, not the reader
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
}

}  // namespace unmix::fuzz
