#pragma once
// SHA-256 (FIPS 180-4) of bytes and files. run.json records the checksum of every input file so
// that a result can be traced to the exact data it came from. The digest is OpenSSL's (libcrypto),
// which uses the CPU's SHA instructions where it has them: 1.2-1.4 GB/s on a 792 MB file, against
// about 0.26 GB/s for the portable code it replaced (docs/speed.md, "Reading and checksums").
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace unmix::report {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const void* data, std::size_t size);
  void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
  // The digest of everything passed to Update. Call once; the object is spent afterwards.
  std::array<std::uint8_t, 32> Finish();
  // The digest as 64 lower-case hex digits.
  std::string FinishHex();

 private:
  struct Context;  // OpenSSL's digest context
  std::unique_ptr<Context> context_;
  bool finished_ = false;
};

std::string Sha256Hex(std::string_view bytes);

// Reads the file in chunks. Throws InputError naming the file when it cannot be read.
std::string Sha256OfFile(const std::filesystem::path& path);

}  // namespace unmix::report
