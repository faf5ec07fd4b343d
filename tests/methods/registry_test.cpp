// The method registry and the typed choices: every registered method runs through RunMethod,
// every network's saved model gives back its run's abundances through ApplyModel, and wrong
// names fail with the value and the choices.
#include "unmix/methods/registry.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "unmix/core/error.hpp"
#include "unmix/core/record.hpp"
#include "unmix/pipeline/run.hpp"
#include "unmix/run/run_record.hpp"
#include "unmix/synth/synthetic.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

SyntheticScene SmallScene() {
  auto o = SyntheticOptions::UAdmmNets();
  o.patch = 3;  // 9 x 9 pixels
  o.endmembers = 3;
  o.snr_db = 40;
  return MakeSyntheticScene(o);
}

TEST(Registry, NamesAreUniqueAndKindsConsistent) {
  std::set<std::string> names;
  std::set<MethodKind> kinds;
  for (const MethodInfo& m : Methods()) {
    EXPECT_TRUE(names.insert(m.name).second) << m.name;
    kinds.insert(m.kind);
    EXPECT_FALSE(m.description.empty()) << m.name;
    EXPECT_EQ(FindMethod(m.name), &m);
    EXPECT_EQ(&GetMethod(m.name), &m);
    // Training settings belong to networks, and only networks have them.
    EXPECT_EQ(m.defaults.epochs.has_value(), m.network()) << m.name;
    if (m.kind == MethodKind::kAbundance) {
      EXPECT_TRUE(m.supervised) << m.name;
    }
  }
  EXPECT_EQ(kinds.size(), 4u);
  EXPECT_EQ(MethodNames().size(), Methods().size());
  EXPECT_EQ(FindMethod("no-such-method"), nullptr);
  try {
    GetMethod("no-such-method");
    FAIL() << "no error";
  } catch (const OptionError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'no-such-method'"), std::string::npos) << what;
    for (const auto& n : MethodNames()) EXPECT_NE(what.find(n), std::string::npos) << n;
  }
}

// Every method, through the one entry point, on a 9 x 9 scene: results of the right shape, and
// for networks a model whose ApplyModel reproduces the run's abundances.
TEST(Registry, EveryMethodRunsAndEveryModelApplies) {
  const SyntheticScene s = SmallScene();
  GroundTruth gt;
  gt.endmembers = s.endmembers;
  gt.abundances = s.abundances;
  const Index p = s.scene.bands(), n = s.scene.pixels(), r = 3;
  for (const MethodInfo& m : Methods()) {
    SCOPED_TRACE(m.name);
    RunOptions o;
    o.method = m.name;
    o.endmembers = r;
    o.seed = 1;
    o.threads = 1;
    o.epochs = 3;
    const RunResult res = RunMethod(s.scene, o, &gt);
    EXPECT_EQ(res.method, m.name);
    ASSERT_EQ(res.abundances.values.rows(), r);
    ASSERT_EQ(res.abundances.values.cols(), n);
    ASSERT_EQ(res.endmembers.spectra.rows(), p);
    ASSERT_EQ(res.endmembers.spectra.cols(), r);
    EXPECT_TRUE(res.abundances.values.allFinite());
    EXPECT_EQ(res.model.has_value(), m.network());
    EXPECT_EQ(!res.test_pixels.empty(), m.supervised);
    if (!m.network()) continue;
    EXPECT_EQ(res.model->architecture, m.name);
    // The scene's abundances are the encoder's unless the guard kept the start.
    if (res.details.Text("keep_better.kept") == "start") continue;
    const MatrixF applied = ApplyModel(*res.model, s.scene.data);
    EXPECT_LT((applied - res.abundances.values).cwiseAbs().maxCoeff(), 1e-5f);
  }
}

TEST(Registry, InitAutoFollowsTheMethodAndPreset) {
  RunOptions o;
  EXPECT_EQ(ResolveInit(GetMethod("bunet2"), o, true), Init::kSpatialPurity);
  EXPECT_EQ(ResolveInit(GetMethod("aenet2"), o, true), Init::kGroundTruth);
  EXPECT_EQ(ResolveInit(GetMethod("aenet2"), o, false), Init::kVca);
  EXPECT_EQ(ResolveInit(GetMethod("l1-nmf"), o, true), Init::kVca);
  EXPECT_EQ(ResolveInit(GetMethod("vca-fcls"), o, true), Init::kAuto);
  o.preset = Preset::kAuthors;
  EXPECT_EQ(ResolveInit(GetMethod("bunet2"), o, true), Init::kVca);
  o.init = Init::kBest;
  EXPECT_EQ(ResolveInit(GetMethod("bunet2"), o, true), Init::kBest);
}

TEST(Choices, EveryNameRoundTripsAndAWrongOneNamesTheChoices) {
  for (const auto& [v, name] : Choices<Init>::items) EXPECT_EQ(Parse<Init>(name), v);
  for (const auto& [v, name] : Choices<Preset>::items) EXPECT_EQ(Name(Parse<Preset>(name)), name);
  try {
    Parse<Preset>("papers");
    FAIL() << "no error";
  } catch (const OptionError& e) {
    EXPECT_STREQ(e.what(), "--preset: expected unmix, authors or paper, got 'papers'");
  }
  EXPECT_THROW(Parse<Mixing>("Scaled"), OptionError);  // names are exact
}

TEST(Record, ReadsAndWritesAJsonObjectOnly) {
  const Record r = Record::FromJson(R"({"a": {"b": 2.5, "c": "x"}, "n": [1, 2]})");
  EXPECT_EQ(r.Number("a.b"), 2.5);
  EXPECT_EQ(r.Text("a.c"), "x");
  EXPECT_FALSE(r.Number("a.c").has_value());
  EXPECT_FALSE(r.Number("a.b.z").has_value());
  EXPECT_TRUE(r.contains("n"));
  EXPECT_EQ(Record::FromJson(r.ToJson()), r);
  Record moved = r;
  Record target = std::move(moved);
  EXPECT_EQ(target, r);
  EXPECT_TRUE(moved.empty());  // a moved-from record is empty, not null
  EXPECT_THROW(Record::FromJson("[1, 2]"), InputError);
  EXPECT_THROW(Record::FromJson("{not json"), InputError);
}

TEST(RunRecordSchema, RoundTripsAndNamesAWrongField) {
  RunRecord r;
  r.command = {"unmix", "run"};
  r.method = "bunet2";
  r.input = "scene.hdr";
  r.endmembers = 4;
  r.seed = 7;
  r.threads = 2;
  r.settings["snr_db"] = 30.0;
  r.details = Record::FromJson(R"({"init": "VCA"})");
  r.timings["total"] = 1.5;
  r.outputs = {"run.json", "model.json"};
  r.output_checksums["model.json"] = {12, "ab"};
  r.input_checksums.push_back({"input", "scene.hdr", "/x/scene.hdr", 10, "cd"});
  const RunRecord back = ParseRunRecord(ToJson(r));
  EXPECT_EQ(back.command, r.command);
  EXPECT_EQ(back.method, "bunet2");
  EXPECT_EQ(back.Title(), "bunet2");
  EXPECT_EQ(back.endmembers, 4);
  EXPECT_EQ(back.seed, 7u);
  EXPECT_EQ(back.settings["snr_db"], 30.0);
  EXPECT_EQ(back.details, r.details);
  EXPECT_EQ(back.timings.at("total"), 1.5);
  EXPECT_TRUE(back.lists_outputs);
  EXPECT_EQ(back.outputs, r.outputs);
  EXPECT_EQ(back.output_checksums.at("model.json").bytes, 12u);
  ASSERT_NE(back.Input("input"), nullptr);
  EXPECT_EQ(back.Input("input")->sha256, "cd");
  EXPECT_EQ(ToJson(back), ToJson(r));

  nlohmann::json bad = ToJson(r);
  bad["seed"] = "seven";
  try {
    ParseRunRecord(bad, "x/run.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "x/run.json");
    EXPECT_EQ(e.field(), "seed");
  }
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
