// Model files that do not fit: trained on another band count, written by a newer unmix, or
// damaged. `unmix apply` refuses them with the file and field named and writes nothing.
#include <gtest/gtest.h>

#include "robustness_util.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;

class ModelFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    Synth(dir / "s", "--patch 3 -r 3 --snr 30 --seed 4 --bands 40");
    const auto r =
        RunCli("train -q --method bunet2 --epochs 2 --input " + Quote(scene()) + " --out " + Quote(dir / "trained"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    good = Slurp(dir / "trained" / "model.json");
  }
  fs::path scene() const { return dir / "s" / "scene.hdr"; }
  // Applies `text` saved as `name` and expects a refusal naming the file and `expect`.
  void ExpectRefused(const std::string& name, const std::string& text, const std::vector<std::string>& expect,
                     const std::string& more = "") {
    SCOPED_TRACE(name);
    Spit(dir / name, text);
    const auto r = RunCli("apply " + Quote(dir / name) + " --input " + Quote(scene()) + " " + more + " --out " +
                          Quote(dir / ("out-" + name)));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(Has(r.output, name)) << r.output;
    for (const auto& e : expect) {
      EXPECT_TRUE(Has(r.output, e)) << "missing '" << e << "' in: " << r.output;
    }
    EXPECT_TRUE(Listing(dir / ("out-" + name)).empty()) << "apply wrote outputs for a refused model";
  }
  std::string Replaced(const std::string& from, const std::string& to) const {
    std::string s = good;
    const auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
  }
  ScratchDir dir;
  std::string good;
};

TEST_F(ModelFiles, TheGoodModelApplies) {
  const auto r = RunCli("apply -q " + Quote(dir / "trained" / "model.json") + " --input " + Quote(scene()) + " --out " +
                        Quote(dir / "applied"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "applied" / "abundances.tif"));
}

TEST_F(ModelFiles, FromAnotherBandCount) {
  Spit(dir / "m.json", good);
  const auto r = RunCli("apply " + Quote(dir / "m.json") + " --input " + Quote(scene()) + " --bands 1-30 --out " +
                        Quote(dir / "o"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "m.json: bands: the model was trained on 40 bands but the scene has 30")) << r.output;
  EXPECT_TRUE(Listing(dir / "o").empty());
}

TEST_F(ModelFiles, FromANewerFormatVersion) {
  ExpectRefused("newer.json", Replaced("\"version\": 1", "\"version\": 2"),
                {"newer.json: version: format version 2 is newer than this unmix reads (1); upgrade unmix"});
  ExpectRefused("fraction.json", Replaced("\"version\": 1", "\"version\": 1.5"),
                {"fraction.json: version: expected a whole number, found 1.5"});
  ExpectRefused("foreign.json", Replaced("\"format\": \"unmix-model\"", "\"format\": \"keras\""),
                {"foreign.json: format: expected \"unmix-model\", found \"keras\""});
}

TEST_F(ModelFiles, CorruptedFilesAreRefused) {
  ExpectRefused("empty.json", "", {"not a readable model file (JSON error"});
  ExpectRefused("half.json", good.substr(0, good.size() / 2), {"not a readable model file (JSON error"});
  ExpectRefused("bands.json", Replaced("\"bands\": 40", "\"bands\": 40.5"), {"bands: expected a whole number"});
  ExpectRefused("huge.json", Replaced("\"bands\": 40", "\"bands\": 18446744073709551615"),
                {"bands: expected a whole number", "too large"});
  // A tensor whose shape no longer matches its data, or whose values are not finite floats.
  const auto rows = good.find("\"rows\": ");
  ASSERT_NE(rows, std::string::npos);
  std::string shape = good;
  shape.replace(rows, 8, "\"rows\": 1");  // "rows": 1N... -> a different count
  ExpectRefused("shape.json", shape, {"tensors."});
  std::string overflow = good;
  overflow.replace(rows, 8, "\"rows\": 4611686018427387904, \"ignored\": ");
  ExpectRefused("overflow.json", overflow, {"impossible shape"});
  const auto data = good.find("\"data\": [") + 9;
  std::string beyond = good;  // the first value becomes 1e300, which no float holds
  beyond.replace(data, good.find_first_of(",]", data) - data, "1e300");
  ExpectRefused("beyond.json", beyond, {"beyond the float range"});
  ExpectRefused("text.json", Replaced("\"data\": [", "\"data\": [\"x\","), {"tensors."});
  ExpectRefused("array.json", "[1, 2, 3]", {"format: missing"});
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
