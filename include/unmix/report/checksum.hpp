#pragma once
// SHA-256 (FIPS 180-4) of bytes and files. run.json records the checksum of every input file so
// that a result can be traced to the exact data it came from.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace unmix::report {

class Sha256 {
 public:
  Sha256();
  void Update(const void* data, std::size_t size);
  void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
  // The digest of everything passed to Update. Call once; the object is spent afterwards.
  std::array<std::uint8_t, 32> Finish();
  // The digest as 64 lower-case hex digits.
  std::string FinishHex();

 private:
  void Compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes seen
  bool finished_ = false;
};

std::string Sha256Hex(std::string_view bytes);

// Reads the file in chunks. Throws InputError naming the file when it cannot be read.
std::string Sha256OfFile(const std::filesystem::path& path);

}  // namespace unmix::report
