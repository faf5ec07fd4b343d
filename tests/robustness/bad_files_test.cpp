// Files that are missing, unreadable, cut short or of the wrong kind, through the real `unmix`
// binary: exit code 1, one line naming the file (and the field), and no output written.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "io/io_test_util.hpp"
#include "robustness_util.hpp"
#include "unmix/io/mat.hpp"
#include "unmix/io/raster.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;

// Runs `unmix run` on `input` and expects a clean refusal mentioning every part of `expect`.
void ExpectRefused(const fs::path& input, const std::vector<std::string>& expect, const fs::path& out,
                   const std::string& more = "-r 3") {
  SCOPED_TRACE(input.string());
  const auto r = RunCli("run --method vca-fcls " + more + " --input " + Quote(input) + " --out " + Quote(out));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "unmix: error: ")) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << "one line expected:\n" << r.output;
  for (const auto& e : expect) {
    EXPECT_TRUE(Has(r.output, e)) << "missing '" << e << "' in: " << r.output;
  }
  EXPECT_TRUE(Listing(out).empty()) << "outputs were written for a refused input";
}

TEST(BadFiles, MissingInputGroundTruthAndModelAreNamed) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1");
  const fs::path scene = dir / "s" / "scene.hdr";
  ExpectRefused(dir / "nope.hdr", {"nope.hdr: file not found"}, dir / "o1");
  ExpectRefused(dir / "nope.mat", {"nope.mat: file not found"}, dir / "o2");
  auto r = RunCli("run --method vca-fcls --input " + Quote(scene) + " --gt " + Quote(dir / "gt-nope.mat") + " --out " +
                  Quote(dir / "o3"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "gt-nope.mat: file not found")) << r.output;
  EXPECT_FALSE(fs::exists(dir / "o3"));
  r = RunCli("apply " + Quote(dir / "model-nope.json") + " --input " + Quote(scene) + " --out " + Quote(dir / "o4"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "model-nope.json")) << r.output;
  EXPECT_TRUE(Listing(dir / "o4").empty());
  // A dangling symbolic link is a missing file too.
  fs::create_symlink(dir / "gone.img", dir / "link.img");
  ExpectRefused(dir / "link.img", {"link.img: file not found"}, dir / "o5");
}

TEST(BadFiles, UnreadableInputsAreNamed) {
  ScratchDir dir;
  fs::create_directories(dir / "folder.img");
  ExpectRefused(dir / "folder.img", {"folder.img", "is a directory"}, dir / "o1");
  // A socket, like any file that is not a regular file, is refused before it is opened.
  const fs::path sock = dir / "sock.img";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.string().size(), sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  ExpectRefused(sock, {"sock.img: is a socket, expected a regular file"}, dir / "o2");
  ::close(fd);
}

TEST(BadFiles, UnreadableByPermission) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "running as root, which reads any file whatever its mode; "
                    "BadFiles.UnreadableInputsAreNamed covers unreadable inputs with a socket";
  ScratchDir dir;
  const fs::path scene = WriteFloatEnvi(dir / "locked", RawEnvi{}, MixedValues(4, 4, 6));
  fs::permissions(scene, fs::perms::none);
  ExpectRefused(scene, {"locked.img", "Permission denied"}, dir / "o");
}

TEST(BadFiles, TruncatedMatAtEveryLayerIsRefused) {
  ScratchDir dir;
  // v5 compressed (the default), v5 plain and v7.3 (HDF5), cut at several points.
  const Scene s = CodedScene(6, 7, 12);
  int cases = 0;
  for (auto [version, compress] :
       {std::pair{io::MatVersion::kV5, true}, {io::MatVersion::kV5, false}, {io::MatVersion::kV73, false}}) {
    io::MatWriteOptions o;
    o.version = version;
    o.compress = compress;
    io::WriteMatScene(dir / "full.mat", s, o);
    const std::string bytes = Slurp(dir / "full.mat");
    for (double f : {0.02, 0.25, 0.5, 0.9, 0.999}) {
      Spit(dir / "cut.mat", bytes.substr(0, static_cast<size_t>(f * static_cast<double>(bytes.size()))));
      const auto r =
          RunCli("run --method vca-fcls -r 3 --input " + Quote(dir / "cut.mat") + " --out " + Quote(dir / "o"));
      SCOPED_TRACE(::testing::Message() << "version " << static_cast<int>(version) << " compress " << compress
                                        << " cut " << f);
      EXPECT_EQ(r.exit_code, 1) << r.output;
      EXPECT_TRUE(Has(r.output, "cut.mat")) << r.output;
      EXPECT_TRUE(Has(r.output, "truncated") || Has(r.output, "damaged")) << r.output;
      EXPECT_TRUE(Listing(dir / "o").empty());
      ++cases;
    }
  }
  EXPECT_EQ(cases, 15);
}

TEST(BadFiles, TruncatedEnviDataOrHeaderIsRefused) {
  ScratchDir dir;
  RawEnvi e;
  e.extra = "wavelength units = nm\nwavelength = {400, 500, 600, 700, 800, 900}\n";
  const fs::path full = WriteFloatEnvi(dir / "scene", e, MixedValues(4, 4, 6));
  const std::string data = Slurp(full), header = Slurp(dir / "scene.hdr");
  // Data file cut short.
  Spit(dir / "short.img", data.substr(0, data.size() - 10));
  Spit(dir / "short.hdr", header);
  ExpectRefused(dir / "short.img", {"short.img: size:", "promises 384 bytes", "holds 374", "truncated"}, dir / "o1");
  // Cut to a tenth, which GDAL refuses to open at all: the same message, named from the header too.
  Spit(dir / "tenth.img", data.substr(0, data.size() / 10));
  Spit(dir / "tenth.hdr", header);
  ExpectRefused(dir / "tenth.img", {"tenth.img: size:", "promises 384 bytes", "holds 38", "truncated"}, dir / "o1");
  ExpectRefused(dir / "tenth.hdr", {"tenth.hdr: size:", "promises 384 bytes", "holds 38", "truncated"}, dir / "o1");
  // Header cut at every line: either a named missing field, an unclosed list, or GDAL's refusal;
  // never a scene read with the wrong type, order or band count.
  size_t pos = 0;
  int cuts = 0;
  while ((pos = header.find('\n', pos + 1)) != std::string::npos && pos + 1 < header.size()) {
    for (size_t cut : {pos, pos + 3}) {  // at a line end and inside the next line
      if (cut >= header.size()) continue;
      Spit(dir / "cut.img", data);
      Spit(dir / "cut.hdr", header.substr(0, cut));
      const auto r = RunCli("info " + Quote(dir / "cut.img"));
      SCOPED_TRACE(header.substr(0, cut));
      const bool complete_enough = Has(header.substr(0, cut), "wavelength = {400, 500, 600, 700, 800, 900}") ||
                                   (Has(header.substr(0, cut), "byte order = 0") && !Has(header.substr(0, cut), "{"));
      if (complete_enough) {
        EXPECT_EQ(r.exit_code, 0) << r.output;
        EXPECT_TRUE(Has(r.output, "4 rows x 4 cols x 6 bands")) << r.output;
      } else {
        EXPECT_EQ(r.exit_code, 1) << r.output;
        EXPECT_TRUE(Has(r.output, "cut.hdr") || Has(r.output, "cut.img")) << r.output;
      }
      ++cuts;
    }
  }
  EXPECT_GT(cuts, 15);
  // A number cut short ("bands = 6" became "bands = "; "samples = 4" ... ) changes the size.
  std::string wrong = header;
  wrong.replace(wrong.find("bands = 6"), 9, "bands = 5");
  Spit(dir / "five.img", data);
  Spit(dir / "five.hdr", wrong);
  ExpectRefused(dir / "five.img", {"five.hdr describes 320 bytes", "holds 384", "cut short"}, dir / "o2");
}

TEST(BadFiles, TruncatedGeoTiffIsRefused) {
  ScratchDir dir;
  const Scene s = CodedScene(20, 24, 30);
  // unmix's writer (DEFLATE) and GDAL's plain layout.
  io::WriteRaster(dir / "deflate.tif", s);
  io::RasterWriteOptions plain;
  plain.compress = false;
  io::WriteRaster(dir / "plain.tif", s, plain);
  int cases = 0;
  for (const char* name : {"deflate.tif", "plain.tif"}) {
    const std::string bytes = Slurp(dir / name);
    for (double f : {0.001, 0.01, 0.2, 0.6, 0.95, 0.9999}) {
      Spit(dir / "cut.tif", bytes.substr(0, static_cast<size_t>(f * static_cast<double>(bytes.size()))));
      SCOPED_TRACE(::testing::Message() << name << " cut at " << f);
      const auto r =
          RunCli("run --method vca-fcls -r 3 --input " + Quote(dir / "cut.tif") + " --out " + Quote(dir / "o"));
      EXPECT_EQ(r.exit_code, 1) << r.output;
      EXPECT_TRUE(Has(r.output, "cut.tif")) << r.output;
      EXPECT_TRUE(Has(r.output, "truncated or damaged") || Has(r.output, "not a raster GDAL can read")) << r.output;
      EXPECT_TRUE(Listing(dir / "o").empty());
      ++cases;
    }
  }
  EXPECT_EQ(cases, 12);
}

TEST(BadFiles, HeaderPromisingMoreDataThanPresent) {
  ScratchDir dir;
  RawEnvi e;
  const std::string data = Slurp(WriteFloatEnvi(dir / "scene", e, MixedValues(4, 4, 6)));
  e.bands = 9;  // more bands than the file holds
  Spit(dir / "more.img", data);
  Spit(dir / "more.hdr", EnviHeaderText(e));
  ExpectRefused(dir / "more.img", {"more.hdr promises 576 bytes", "holds 384", "truncated"}, dir / "o1");
  e.bands = 6;
  std::string with_offset = EnviHeaderText(e);  // 100 header bytes that are not there
  with_offset.replace(with_offset.find("header offset = 0"), 17, "header offset = 100");
  Spit(dir / "off.img", data);
  Spit(dir / "off.hdr", with_offset);
  ExpectRefused(dir / "off.img", {"off.img: size:", "+ 100 header bytes", "truncated"}, dir / "o2");
  // A .mat whose first variable claims more bytes than the file holds.
  io::MatWriteOptions plain;
  plain.compress = false;
  io::WriteMatScene(dir / "full.mat", CodedScene(4, 5, 6), plain);
  std::string mat = Slurp(dir / "full.mat");
  std::uint32_t nbytes = 0;
  std::memcpy(&nbytes, mat.data() + 132, 4);  // tag of variable #1: type at 128, size at 132
  nbytes += 4096;
  std::memcpy(mat.data() + 132, &nbytes, 4);
  Spit(dir / "claims.mat", mat);
  ExpectRefused(dir / "claims.mat", {"claims.mat", "variable #1", "truncated"}, dir / "o3");
}

TEST(BadFiles, WrongDataTypesAreNamed) {
  ScratchDir dir;
  RawEnvi e;
  e.type = 6;  // complex float
  Spit(dir / "complex.img", std::string(4 * 4 * 6 * 8, '\0'));
  Spit(dir / "complex.hdr", EnviHeaderText(e));
  ExpectRefused(dir / "complex.img", {"complex.img: data type:", "complex pixels (CFloat32) are not supported"},
                dir / "o1");
  e.type = 7;  // not an ENVI type
  Spit(dir / "seven.img", std::string(4 * 4 * 6 * 8, '\0'));
  Spit(dir / "seven.hdr", EnviHeaderText(e));
  ExpectRefused(dir / "seven.img", {"seven.hdr: data type: unknown ENVI data type 7"}, dir / "o2");
  // .mat data of the wrong class.
  {
    MatBuilder m(dir / "text.mat");
    m.Text("Y", "not an image at all");
    m.Scalar("nRow", 1);
    m.Scalar("nCol", 19);
  }
  ExpectRefused(dir / "text.mat", {"text.mat: Y: expected a numeric image, found char"}, dir / "o3");
  {
    MatBuilder m(dir / "cells.mat");
    m.Cell("Y", {"a", "b"});
  }
  ExpectRefused(dir / "cells.mat", {"cells.mat: Y: expected a numeric image, found cell"}, dir / "o4");
  // Spectra where an image is expected; text where a raster is expected.
  Spit(dir / "spectra.csv", "wavelength,a,b\n0.4,0.1,0.2\n0.5,0.2,0.3\n");
  ExpectRefused(dir / "spectra.csv", {"spectra.csv: a CSV file holds spectra, not an image"}, dir / "o5");
  Spit(dir / "notes.tif", "these are field notes, not pixels\n");
  ExpectRefused(dir / "notes.tif", {"notes.tif: not a raster GDAL can read"}, dir / "o6");
  // A ground truth of the wrong kind.
  Synth(dir / "s", "--patch 3 -r 3 --seed 1");
  const auto r = RunCli("run --method vca-fcls --input " + Quote(dir / "s" / "scene.hdr") + " --gt " +
                        Quote(dir / "text.mat") + " --out " + Quote(dir / "o7"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "text.mat: no ground truth found")) << r.output;
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
