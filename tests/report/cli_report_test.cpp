// The run folder and its report through the real `unmix` binary: unmix run, unmix report
// (rebuild, missing pieces, comparisons) and the demo.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "report/report_cli.hpp"
#include "testing.hpp"
#include "unmix/report/checksum.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

namespace fs = std::filesystem;
using testing::RunCli;
using testing::ScratchDir;

using ::unmix::testing::ReportRunArgs;
using ::unmix::testing::Slurp;
using ::unmix::testing::SynthReportScene;

nlohmann::json ReadJson(const fs::path& p) { return nlohmann::json::parse(Slurp(p)); }

bool HasId(const std::string& html, const std::string& id) {
  return html.find("id=\"" + id + "\"") != std::string::npos;
}

void ExpectSelfContained(const std::string& html) {
  const std::regex external(R"re((src|href)\s*=\s*"(https?:)?//)re", std::regex::icase);
  EXPECT_FALSE(std::regex_search(html, external));
  const std::regex src(R"re(src="([^"]{0,30}))re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), src); it != std::sregex_iterator(); ++it)
    EXPECT_EQ((*it)[1].str().rfind("data:image/png;base64,", 0), 0u) << (*it)[1].str();
}

// Runs the CLI from `cwd`, so that relative paths land in run.json as typed.
testing::CommandResult RunCliIn(const fs::path& cwd, const std::string& args) {
  const std::string cmd = "cd '" + cwd.string() + "' && '" + testing::CliPath() + "' " + args + " 2>&1";
  testing::CommandResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// A 25 x 25 synthetic scene with four endmembers under dir/s.

TEST(RunFolder, HoldsEveryOutputAndAReport) {
  ScratchDir dir;
  SynthReportScene(dir);
  const auto r = RunCli(ReportRunArgs(dir, "bunet2", "run") + " --epochs 5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path out = dir / "run";
  for (const char* f : {"endmembers.csv", "endmembers.mat", "result.mat", "abundances.tif", "metrics.json", "run.json",
                        "model.json", "loss.csv", "preview.png", "report.html"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  for (const auto& e : fs::directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();

  // run.json: checksums of the scene (header and data) and of the ground truth, as sha256sum gives.
  const auto run = ReadJson(out / "run.json");
  std::map<std::string, nlohmann::json> by_role;
  for (const auto& f : run["input_checksums"]) by_role[f["role"].get<std::string>()] = f;
  for (const auto& [role, file] :
       std::vector<std::pair<std::string, fs::path>>{{"input", dir / "s" / "scene.hdr"},
                                                     {"input data", dir / "s" / "scene.img"},
                                                     {"ground_truth", dir / "s" / "gt.mat"}}) {
    ASSERT_TRUE(by_role.count(role)) << role;
    EXPECT_EQ(by_role[role]["sha256"], report::Sha256OfFile(file)) << role;
    EXPECT_EQ(by_role[role]["bytes"].get<std::uintmax_t>(), fs::file_size(file)) << role;
  }
  EXPECT_EQ(run["wavelength_units"], "micrometers");
  EXPECT_TRUE(run["preview"]["true_colour"].get<bool>());
  EXPECT_TRUE(run.contains("outputs"));
  EXPECT_TRUE(run["timings"].contains("checksums"));

  const std::string html = Slurp(out / "report.html");
  ExpectSelfContained(html);
  for (const char* id :
       {"scene-preview", "metrics-table", "endmember-table", "loss-curve", "settings-table", "checksums-table"})
    EXPECT_TRUE(HasId(html, id)) << id;
  for (int k = 0; k < 4; ++k)
    for (const std::string id : {"map-", "ref-map-", "spectra-", "colourbar-"})
      EXPECT_TRUE(HasId(html, id + std::to_string(k))) << id << k;
  EXPECT_FALSE(HasId(html, "notes")) << "a fresh run is complete";
}

TEST(ReportCommand, RebuildsTheSameReportFromTheFolder) {
  ScratchDir dir;
  SynthReportScene(dir);
  ASSERT_EQ(RunCli(ReportRunArgs(dir, "vca-fcls", "run")).exit_code, 0);
  const fs::path out = dir / "run";
  const std::string original = Slurp(out / "report.html");
  fs::remove(out / "report.html");
  const auto r = RunCli("report '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("report: " + fs::absolute(out / "report.html").lexically_normal().string()),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("note:"), std::string::npos) << r.output;
  const std::string rebuilt = Slurp(out / "report.html");
  // Same content: every element id of the original is in the rebuilt report, and the maps are identical.
  const std::regex id_attr("id=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(original.begin(), original.end(), id_attr); it != std::sregex_iterator(); ++it)
    EXPECT_TRUE(HasId(rebuilt, (*it)[1].str())) << (*it)[1].str();
  const std::regex map_img("<img class=\"map\" id=\"ref-map-2\"[^>]*>");
  std::smatch a, b;
  ASSERT_TRUE(std::regex_search(original, a, map_img));
  ASSERT_TRUE(std::regex_search(rebuilt, b, map_img));
  EXPECT_EQ(a.str(), b.str());
}

TEST(ReportCommand, FindsTheGroundTruthByItsAbsolutePathAndNotesAChange) {
  ScratchDir dir;
  SynthReportScene(dir);
  // Relative paths, as a user types them, from the scratch directory.
  auto r = RunCliIn(dir.path(), "run -q --method vca-fcls --input s/scene.hdr --gt s/gt.mat --out run");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // From elsewhere the relative path fails; the absolute path recorded with the checksum works.
  r = RunCli("report '" + (dir / "run").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("note:"), std::string::npos) << r.output;
  EXPECT_TRUE(HasId(Slurp(dir / "run" / "report.html"), "ref-map-0"));

  // The ground truth replaced by another: said in the report.
  ASSERT_EQ(RunCli("synth -q --patch 5 -r 4 --snr 40 --seed 3 --out '" + (dir / "s").string() + "'").exit_code, 0);
  r = RunCli("report '" + (dir / "run").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("changed since the run"), std::string::npos) << r.output;

  // The ground truth gone: the report is still written, without reference maps, and says why.
  fs::remove(dir / "s" / "gt.mat");
  fs::remove(dir / "run" / "preview.png");
  r = RunCli("report '" + (dir / "run").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("note: the ground truth s/gt.mat was not found"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("preview.png is missing"), std::string::npos) << r.output;
  const std::string html = Slurp(dir / "run" / "report.html");
  EXPECT_TRUE(HasId(html, "notes"));
  EXPECT_TRUE(HasId(html, "map-0"));
  EXPECT_FALSE(HasId(html, "ref-map-0"));
  EXPECT_TRUE(HasId(html, "metrics-table"));  // the scores are the run's own
}

TEST(ReportCommand, ComparesSeveralRuns) {
  ScratchDir dir;
  SynthReportScene(dir);
  ASSERT_EQ(RunCli(ReportRunArgs(dir, "vca-fcls", "runs/a")).exit_code, 0);
  ASSERT_EQ(RunCli(ReportRunArgs(dir, "nfindr-fcls", "runs/b")).exit_code, 0);
  ASSERT_EQ(RunCli(ReportRunArgs(dir, "bunet1", "runs/c") + " --epochs 3").exit_code, 0);

  // Several folders need --out.
  auto r = RunCli("report '" + (dir / "runs" / "a").string() + "' '" + (dir / "runs" / "b").string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--out"), std::string::npos) << r.output;

  r = RunCli("report '" + (dir / "runs" / "a").string() + "' '" + (dir / "runs" / "b").string() + "' '" +
             (dir / "runs" / "c").string() + "' --out '" + (dir / "cmp").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string html = Slurp(dir / "cmp" / "report.html");
  ExpectSelfContained(html);
  for (const char* id : {"comparison-table", "sad-table", "rmse-table", "cmp-loss", "scene-preview"})
    EXPECT_TRUE(HasId(html, id)) << id;
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(HasId(html, "cmp-ref-map-" + std::to_string(i)));
    EXPECT_TRUE(HasId(html, "cmp-spectra-" + std::to_string(i)));
    for (int run = 0; run < 3; ++run)
      EXPECT_TRUE(HasId(html, "cmp-map-" + std::to_string(run) + "-" + std::to_string(i)));
  }
  EXPECT_NE(html.find("href=\"../runs/a/report.html\""), std::string::npos);
  const size_t table = html.find("id=\"comparison-table\"");
  const std::string rows = html.substr(table, html.find("</table>", table) - table);
  for (const char* m : {">vca-fcls<", ">nfindr-fcls<", ">bunet1<"}) {
    EXPECT_NE(rows.find(m), std::string::npos) << m;
  }

  // A folder of run folders stands for all of them; the comparison goes into it.
  r = RunCli("report -q '" + (dir / "runs").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.output.empty()) << r.output;
  EXPECT_TRUE(HasId(Slurp(dir / "runs" / "report.html"), "cmp-map-2-3"));
}

TEST(ReportCommand, RefusesWhatIsNotARunFolder) {
  ScratchDir dir;
  fs::create_directories(dir / "empty");
  auto r = RunCli("report '" + (dir / "empty").string() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("not a run folder"), std::string::npos) << r.output;
  r = RunCli("report '" + (dir / "missing").string() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("missing"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "empty" / "report.html"));
  // A damaged run.json is a note, not a failure.
  fs::create_directories(dir / "damaged");
  std::ofstream(dir / "damaged" / "run.json") << "{\"method\": ";
  r = RunCli("report '" + (dir / "damaged").string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("note: run.json could not be parsed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("note: endmembers.csv is missing"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir / "damaged" / "report.html"));
}

// A start shared by several methods is printed once, above them; a start equal to a method's own
// row is named, not repeated.
TEST(Demo, GroupsEachMethodWithItsStartOnce) {
  ScratchDir dir;
  const auto r = RunCli("demo --methods vca-fcls,l1-nmf --out '" + (dir / "demo").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("[ 2/2] l1-nmf          from VCA + FCLS ... "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("from the start VCA (seed 0) + FCLS (its scores: the vca-fcls row above):\n  l1-nmf"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("\n  (start) "), std::string::npos) << r.output;
}

TEST(Demo, EndsWithThePathOfItsReport) {
  ScratchDir dir;
  const auto r = RunCli("demo --methods vca-fcls,nfindr-fcls --out '" + (dir / "demo").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path report = fs::absolute(dir / "demo" / "report.html").lexically_normal();
  // Work in the order it is done: the plan, one progress line per method, the table, then where
  // the results are and what to try next.
  const size_t plan = r.output.find("2 methods to run"), p1 = r.output.find("[ 1/2] vca-fcls"),
               p2 = r.output.find("[ 2/2] nfindr-fcls"), table = r.output.find("AID(nats)"),
               where = r.output.find("\nreport: " + report.string() + "\n"), next = r.output.find("\nnext:\n");
  ASSERT_NE(plan, std::string::npos) << r.output;
  ASSERT_NE(where, std::string::npos) << r.output;
  ASSERT_NE(next, std::string::npos) << r.output;
  EXPECT_LT(plan, p1);
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, table);
  EXPECT_LT(table, where);
  EXPECT_LT(where, next);
  // Every column has a unit.
  for (const char* head : {"SAD(deg)", "RMSE(frac)", "AAD(deg)", "AID(nats)", "time(s)"})
    EXPECT_NE(r.output.find(head), std::string::npos) << head;
  // The next commands work: the report one as printed, the own-file one on the demo's scene.
  EXPECT_EQ(RunCli("report -q '" + (dir / "demo").string() + "'").exit_code, 0);
  // They name the tool as it was called (here by its full path), so they work without unmix on the PATH.
  const std::string exe = testing::CliPath();
  EXPECT_NE(r.output.find("\n  " + exe + " report " + (dir / "demo").string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\n  " + exe + " run -m spatial-purity -i YOUR_SCENE.hdr -o runs/mine"), std::string::npos);
  EXPECT_NE(r.output.find("\n  " + exe + " run -m bunet2 -i " + (dir / "demo").string() + "/scene/scene.hdr"),
            std::string::npos);
  const auto own = RunCli("run -q -m spatial-purity -i '" + (dir / "demo" / "scene" / "scene.hdr").string() + "' -o '" +
                          (dir / "mine").string() + "'");
  EXPECT_EQ(own.exit_code, 0) << own.output;
  ASSERT_TRUE(fs::exists(report));
  const std::string html = Slurp(report);
  EXPECT_TRUE(HasId(html, "comparison-table"));
  EXPECT_TRUE(HasId(html, "cmp-ref-map-5"));
  EXPECT_TRUE(HasId(html, "cmp-map-1-5"));
  EXPECT_NE(html.find("href=\"vca-fcls/report.html\""), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "demo" / "vca-fcls" / "report.html"));
  EXPECT_EQ(ReadJson(dir / "demo" / "summary.json")["report"], (dir / "demo" / "report.html").string());
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
