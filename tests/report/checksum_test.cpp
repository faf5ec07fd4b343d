// SHA-256 against the FIPS 180-2 / NIST test vectors, fed whole and in awkward pieces.
#include "unmix/report/checksum.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "testing.hpp"
#include "unmix/core/error.hpp"

namespace unmix::report {
namespace UNMIX_TEST_UNIT {

TEST(Sha256, NistVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                      "mnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, MillionAsInUnevenPieces) {
  const std::string expect = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  const std::string a(1000000, 'a');
  EXPECT_EQ(Sha256Hex(a), expect);
  // Piece sizes that cross block boundaries in every way the buffering can see.
  Sha256 h;
  size_t at = 0, piece = 1;
  while (at < a.size()) {
    const size_t n = std::min(piece, a.size() - at);
    h.Update(a.data() + at, n);
    at += n;
    piece = piece % 131 + 7;
  }
  EXPECT_EQ(h.FinishHex(), expect);
}

TEST(Sha256, PaddingBoundaries) {
  // Messages of 55, 56, 63 and 64 bytes put the length field in the same or the next block.
  EXPECT_EQ(Sha256Hex(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(Sha256Hex(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(Sha256Hex(std::string(63, 'a')), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  EXPECT_EQ(Sha256Hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, FileEqualsBytesAndMissingFileNamesIt) {
  testing::ScratchDir dir;
  std::string bytes;
  for (int i = 0; i < 3 * (1 << 20) + 17; ++i) bytes += static_cast<char>(i * 131 % 251);
  std::ofstream(dir / "f.bin", std::ios::binary) << bytes;
  EXPECT_EQ(Sha256OfFile(dir / "f.bin"), Sha256Hex(bytes));
  try {
    Sha256OfFile(dir / "missing.bin");
    FAIL() << "no error for a missing file";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.bin"), std::string::npos) << e.what();
  }
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::report
