#include "unmix/nets/model_file.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "testing.hpp"
#include "unmix/core/error.hpp"
#include "unmix/core/rng.hpp"

namespace unmix::nets {
namespace UNMIX_TEST_UNIT {

Model SmallModel() {
  Model m;
  m.architecture = "bunet2";
  m.bands = 5;
  m.endmembers = 2;
  m.wavelengths = {0.4, 0.5, 0.6, 0.7, 0.8};
  m.endmember_names = {"tree", "water"};
  m.hyperparameters = Record::FromJson(R"({"updates": 3, "tied": false})");
  Rng rng(1);
  MatrixF w(6, 5);
  for (Index k = 0; k < w.size(); ++k) w.data()[k] = static_cast<float>(rng.Normal()) * 1e-3f;
  m.tensors["encoder.W"] = w;
  m.tensors["encoder.theta"] = MatrixF::Constant(3, 1, 0.0123456789f);
  return m;
}

TEST(ModelFile, RoundTripIsExact) {
  testing::ScratchDir dir;
  const Model m = SmallModel();
  SaveModel(dir / "m.json", m);
  const Model back = LoadModel(dir / "m.json");
  EXPECT_EQ(back.architecture, "bunet2");
  EXPECT_EQ(back.bands, 5);
  EXPECT_EQ(back.wavelengths, m.wavelengths);
  EXPECT_EQ(back.endmember_names, m.endmember_names);
  EXPECT_EQ(back.hyperparameters, m.hyperparameters);
  ASSERT_EQ(back.tensors.size(), 2u);
  EXPECT_EQ(back.tensors.at("encoder.W"), m.tensors.at("encoder.W"));  // bit-exact floats
  EXPECT_EQ(back.Tensor("encoder.theta", 3, 1)(2), 0.0123456789f);
  EXPECT_THROW(back.Tensor("encoder.W", 7, 5), InputError);
  EXPECT_THROW(back.Tensor("decoder.A"), InputError);
}

void WriteText(const std::filesystem::path& p, const std::string& s) { std::ofstream(p) << s; }

TEST(ModelFile, CorruptOrForeignFilesGetClearErrors) {
  testing::ScratchDir dir;
  SaveModel(dir / "good.json", SmallModel());
  std::ifstream in(dir / "good.json");
  const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  struct Case {
    std::string name, text, expect;
  };
  std::string newer = good;
  newer.replace(newer.find("\"version\": 1"), 12, "\"version\": 99");
  std::string short_tensor = good;
  short_tensor.replace(short_tensor.find("\"rows\": 6"), 9, "\"rows\": 7");
  std::string nan_value = good;
  const auto theta = nan_value.find("\"data\": [", nan_value.find("encoder.theta")) + 9;
  nan_value.replace(theta, nan_value.find(',', theta) - theta, "\"NaN\"");
  const std::vector<Case> cases = {
      {"truncated", good.substr(0, good.size() / 2), "JSON"},
      {"foreign", R"({"format": "other", "version": 1})", "format"},
      {"newer", newer, "newer than this unmix reads"},
      {"shape", short_tensor, "tensors.encoder.W"},
      {"nan", nan_value, "not a number"},
      {"empty", "", "JSON"},
  };
  for (const auto& c : cases) {
    WriteText(dir / (c.name + ".json"), c.text);
    try {
      LoadModel(dir / (c.name + ".json"));
      ADD_FAILURE() << c.name << ": expected InputError";
    } catch (const InputError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(c.name + ".json"), std::string::npos) << msg;
      EXPECT_NE(msg.find(c.expect), std::string::npos) << c.name << ": " << msg;
    }
  }
  EXPECT_THROW(LoadModel(dir / "missing.json"), InputError);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix::nets
