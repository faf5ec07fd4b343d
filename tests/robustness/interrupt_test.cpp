// SIGINT and SIGTERM during training, sent to a real `unmix` process: it stops at the next batch,
// exits 128 + signal, writes nothing that looks complete, leaves no temporaries, keeps an
// earlier result untouched, and a rerun works.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>

#include "robustness_util.hpp"
#include "unmix/blind/l1_nmf.hpp"
#include "unmix/core/cancel.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;
using std::chrono::seconds;

struct Interrupt {
  int signal;
  int exit_code;
  const char* name;
};

class Interrupted : public ::testing::TestWithParam<Interrupt> {};

TEST_P(Interrupted, TrainingStopsWithoutPartialResults) {
  const Interrupt sig = GetParam();
  ScratchDir dir;
  Synth(dir / "s", "--patch 4 -r 3 --snr 30 --seed 2 --bands 60");
  const fs::path out = dir / "run";
  const std::vector<std::string> base = {"run",
                                         "--method",
                                         "bunet2",
                                         "--input",
                                         (dir / "s" / "scene.hdr").string(),
                                         "--gt",
                                         (dir / "s" / "gt.mat").string(),
                                         "--out",
                                         out.string(),
                                         "--json"};
  // An earlier complete result in the same folder.
  {
    auto args = base;
    args.insert(args.end(), {"--epochs", "2"});
    CliProcess first(args, dir.path());
    ASSERT_EQ(first.Wait(seconds(300)), 0) << first.Stderr();
  }
  const std::string old_metrics = Slurp(out / "metrics.json"), old_model = Slurp(out / "model.json");
  const auto old_files = Listing(out);
  for (const char* f :
       {"abundances.tif", "endmembers.csv", "loss.csv", "metrics.json", "model.json", "result.mat", "run.json"})
    EXPECT_TRUE(fs::exists(out / f)) << f;

  auto args = base;
  args.insert(args.end(), {"--epochs", "100000", "--seed", "9"});
  CliProcess p(args, dir.path());
  ASSERT_TRUE(p.started());
  // Training has started once the progress lines (JSON on stderr) reach epoch 2.
  ASSERT_TRUE(p.WaitFor([&] { return Has(p.Stderr(), "\"epoch\":2,"); }, seconds(300))) << p.Stderr();
  p.Signal(sig.signal);
  const int code = p.Wait(seconds(120));
  ASSERT_NE(code, -1) << "the process did not stop after " << sig.name;
  EXPECT_EQ(code, sig.exit_code) << p.Stderr();
  const std::string err = p.Stderr();
  EXPECT_TRUE(Has(err, "unmix: interrupted; stopping at the next safe point")) << err;
  EXPECT_TRUE(Has(err, std::string("unmix: interrupted by ") + sig.name +
                           ": stopped before the results were complete; nothing partial was written"))
      << err;
  EXPECT_TRUE(p.Stdout().empty()) << "a result was reported: " << p.Stdout();
  // The earlier result is whole and untouched; nothing new or temporary appeared.
  EXPECT_EQ(Slurp(out / "metrics.json"), old_metrics);
  EXPECT_EQ(Slurp(out / "model.json"), old_model);
  EXPECT_EQ(Listing(out), old_files);
  EXPECT_TRUE(TempLeftovers(dir.path()).empty());

  // A rerun into the same folder completes and replaces the result.
  args = base;
  args.insert(args.end(), {"--epochs", "3", "--seed", "9"});
  CliProcess again(args, dir.path());
  ASSERT_EQ(again.Wait(seconds(300)), 0) << again.Stderr();
  EXPECT_NE(Slurp(out / "model.json"), old_model);
  EXPECT_EQ(JsonFile(out / "run.json")["seed"], 9);
  EXPECT_TRUE(TempLeftovers(dir.path()).empty());
}

INSTANTIATE_TEST_SUITE_P(Signals, Interrupted,
                         ::testing::Values(Interrupt{SIGINT, 130, "SIGINT"}, Interrupt{SIGTERM, 143, "SIGTERM"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Interrupted, NewFolderStaysEmpty) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 4 -r 3 --seed 2 --bands 60");
  const fs::path out = dir / "fresh";
  CliProcess p({"train", "--method", "mnn-bu2", "-r", "3", "--epochs", "100000", "--input",
                (dir / "s" / "scene.hdr").string(), "--out", out.string(), "--json"},
               dir.path());
  ASSERT_TRUE(p.WaitFor([&] { return Has(p.Stderr(), "\"epoch\":1,"); }, seconds(300))) << p.Stderr();
  p.Signal(SIGINT);
  EXPECT_EQ(p.Wait(seconds(120)), 130) << p.Stderr();
  EXPECT_TRUE(Listing(out).empty()) << "files in an interrupted run folder";
}

TEST(Interrupted, CheckpointsThrowOnlyAfterARequest) {
  // The library side: no request, no exception; a request makes the next checkpoint throw
  // Cancelled (not an unmix::Error), until it is cleared.
  ResetCancel();
  EXPECT_FALSE(CancelRequested());
  EXPECT_NO_THROW(ThrowIfCancelled());
  RequestCancel(SIGTERM);
  RequestCancel(SIGINT);  // the first request wins
  EXPECT_TRUE(CancelRequested());
  EXPECT_EQ(CancelSignal(), SIGTERM);
  try {
    ThrowIfCancelled();
    ADD_FAILURE() << "no exception";
  } catch (const Cancelled& c) {
    EXPECT_EQ(c.signal(), SIGTERM);
    EXPECT_STREQ(c.what(), "interrupted by SIGTERM");
  }
  ResetCancel();
  EXPECT_NO_THROW(ThrowIfCancelled());
}

// The tool starts itself again once with glibc's huge-page tunable (src/cli/main.cpp) where it
// pays: the running process, under the pid its parent started, has the tunable in its
// environment and keeps the others it was given. UNMIX_HUGE_PAGES=1 forces the restart (the
// scene here is small), =0 and a small scene without the setting leave the environment alone.
std::string EnvironmentOf(pid_t pid) {
  std::string env = Slurp(fs::path("/proc") / std::to_string(pid) / "environ");
  std::replace(env.begin(), env.end(), '\0', '\n');
  return "\n" + env;
}

TEST(HugePages, TheToolRestartsItselfWithGlibcsTunableWhereItPays) {
  if (!fs::exists("/proc/self/environ")) GTEST_SKIP() << "no /proc here: the tool runs without the restart";
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizer build: the tool does not restart (glibc's allocator is not in use)";
#endif
  ScratchDir dir;
  Synth(dir / "s", "--patch 4 -r 3 --snr 30 --seed 2 --bands 60");
  const std::vector<std::string> args = {
      "run",      "--method", "bunet2", "--input", (dir / "s" / "scene.hdr").string(),
      "--epochs", "100000",   "--json", "--out",   (dir / "run").string()};
  const char* saved = std::getenv("GLIBC_TUNABLES");
  const std::string saved_value = saved ? saved : "";
  for (const char* setting : {"1", "0", ""}) {
    SCOPED_TRACE(std::string("UNMIX_HUGE_PAGES=") + setting);
    const bool restart = std::string(setting) == "1";
    ::setenv("GLIBC_TUNABLES", "glibc.malloc.check=0", 1);
    if (*setting) ::setenv("UNMIX_HUGE_PAGES", setting, 1);
    CliProcess p(args, dir.path());
    ::unsetenv("UNMIX_HUGE_PAGES");
    ASSERT_TRUE(p.started());
    ASSERT_TRUE(p.WaitFor([&] { return Has(p.Stderr(), "\"epoch\":2,"); }, seconds(300))) << p.Stderr();
    // glibc splits the tunables in place while it reads them, so the process's first
    // environment shows them separated by NULs rather than ':'.
    const std::string env = EnvironmentOf(p.pid());
    EXPECT_TRUE(Has(env, "\nGLIBC_TUNABLES=glibc.malloc.check=0")) << env;
    EXPECT_EQ(Has(env, "glibc.malloc.hugetlb=1"), restart) << env;
    p.Signal(SIGINT);
    EXPECT_EQ(p.Wait(seconds(120)), 130) << p.Stderr();
  }
  if (saved)
    ::setenv("GLIBC_TUNABLES", saved_value.c_str(), 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
}

TEST(Interrupted, L1NmfStopsAtTheNextIteration) {
  // A pending request stops L1-NMF before its first iteration; cleared, the same call runs.
  const MatrixF y = MatrixF::Random(20, 50).cwiseAbs();
  const MatrixF e0 = y.leftCols(3);
  RequestCancel(SIGINT);
  EXPECT_THROW(L1Nmf<float>(y, e0), Cancelled);
  ResetCancel();
  l1nmf::Options o;
  o.max_iterations = 5;
  o.tolerance = 0;  // run every iteration
  EXPECT_EQ(L1Nmf<float>(y, e0, o).summary.iterations, 5);
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
