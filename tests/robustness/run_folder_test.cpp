// A run folder is always one whole run. The real `unmix` is killed (fault injection:
// UNMIX_FAULT_AT=N makes it _exit at its Nth write, rename or swap step) at every step of a
// rerun, and after each the folder must be the complete old run or the complete new one; a
// second writer is refused at once while the first holds the lock (or waits with --wait);
// `report` and `apply` read only what run.json lists, checked against its checksums.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "robustness_util.hpp"
#include "unmix/core/run_folder_swap.hpp"
#include "unmix/report/checksum.hpp"

namespace unmix {
namespace UNMIX_TEST_UNIT {

using namespace testing;
namespace fs = std::filesystem;
using std::chrono::seconds;

using Snapshot = std::map<std::string, std::string>;  // file name -> bytes

Snapshot Take(const fs::path& dir) {
  Snapshot s;
  for (const auto& name : Listing(dir)) s[name] = Slurp(dir / name);
  return s;
}

void Restore(const fs::path& dir, const Snapshot& s) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [name, bytes] : s) Spit(dir / name, bytes);
}

// The folder is a complete run: run.json lists exactly the files present, each with the size
// and SHA-256 it records (report.html has no checksum: `unmix report` rewrites it).
std::string IncompleteRun(const fs::path& dir) {
  if (!fs::exists(dir / "run.json")) return "no run.json";
  nlohmann::json run;
  try {
    run = JsonFile(dir / "run.json");
  } catch (const std::exception& e) {
    return std::string("run.json unreadable: ") + e.what();
  }
  std::vector<std::string> listed;
  for (const auto& f : run["outputs"]) listed.push_back(f.get<std::string>());
  std::sort(listed.begin(), listed.end());
  if (listed != Listing(dir)) return "the files present differ from run.json's outputs";
  for (const auto& [name, rec] : run["output_checksums"].items()) {
    if (fs::file_size(dir / name) != rec["bytes"].get<std::uintmax_t>()) return name + ": size differs";
    if (report::Sha256OfFile(dir / name) != rec["sha256"].get<std::string>()) return name + ": checksum differs";
  }
  if (!Has(Slurp(dir / "report.html"), "</html>")) return "report.html incomplete";
  return "";
}

// Files beside `out` left by its writers (temporary folders, lock files).
std::vector<std::string> Beside(const fs::path& out) {
  std::vector<std::string> found;
  for (const auto& name : Listing(out.parent_path()))
    if (name.starts_with("." + out.filename().string() + ".")) found.push_back(name);
  return found;
}

class FaultAt {
 public:
  explicit FaultAt(int step) { ::setenv("UNMIX_FAULT_AT", std::to_string(step).c_str(), 1); }
  ~FaultAt() { ::unsetenv("UNMIX_FAULT_AT"); }
};

// Kills a rerun at every step, each time from the same complete old run.
TEST(RunFolder, KilledAtEveryStepLeavesTheOldRunOrTheNewOneWhole) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path scene = dir / "s" / "scene.hdr", out = dir / "out";
  // The old run: a network with ground truth (model.json, loss.csv, metrics.json, abundances.tif).
  auto r = RunCli("run -q --method bunet2 --epochs 2 -r 3 --input " + Quote(scene) + " --gt " +
                  Quote(dir / "s" / "gt.mat") + " --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(IncompleteRun(out), "");
  const Snapshot old_run = Take(out);
  ASSERT_TRUE(old_run.count("model.json") && old_run.count("abundances.tif"));
  // The new run: another method and format, so that its files differ from the old run's.
  const std::string rerun =
      "run -q --method vca-fcls -r 3 --format envi --seed 5 --input " + Quote(scene) + " --out " + Quote(out);
  int steps = 0, saw_old = 0, saw_new = 0;
  std::set<std::string> step_names;
  for (int step = 1; step < 200; ++step) {
    SCOPED_TRACE(::testing::Message() << "killed at step " << step);
    Restore(out, old_run);
    CommandResult k;
    {
      FaultAt fault(step);
      k = RunCli(rerun);
    }
    if (k.exit_code == 0) break;  // the run has fewer steps: it completed
    ++steps;
    ASSERT_EQ(k.exit_code, kFaultExitCode) << k.output;
    const auto at = k.output.find("fault injected at step ");
    ASSERT_NE(at, std::string::npos) << k.output;
    step_names.insert(
        k.output.substr(k.output.find(": ", at) + 2, k.output.find('\n', at) - k.output.find(": ", at) - 2));
    if (Take(out) == old_run) {
      ++saw_old;
    } else {
      const std::string why = IncompleteRun(out);
      EXPECT_EQ(why, "") << "neither the old run nor a complete new one: " << ::testing::PrintToString(Listing(out));
      EXPECT_EQ(JsonFile(out / "run.json")["method"], "vca-fcls");
      EXPECT_FALSE(fs::exists(out / "model.json"));
      ++saw_new;
    }
  }
  std::printf("killed at %d steps: the old run whole after %d, the new run whole after %d\n", steps, saw_old, saw_new);
  // Every write, rename and the swap were hit: 4 data files + the ENVI header, preview, run.json
  // and report.html, each written and renamed, then the swap and the removal of the old folder.
  EXPECT_GE(steps, 18) << ::testing::PrintToString(step_names);
  EXPECT_GE(saw_old, 16);
  EXPECT_GE(saw_new, 1);
  EXPECT_TRUE(step_names.count("swap the new run folder in")) << ::testing::PrintToString(step_names);
  // The run that completed removed every leftover of the killed ones.
  EXPECT_EQ(IncompleteRun(out), "");
  EXPECT_EQ(JsonFile(out / "run.json")["seed"], 5);
  EXPECT_TRUE(Beside(out).empty()) << ::testing::PrintToString(Beside(out));
  EXPECT_TRUE(TempLeftovers(dir.path()).empty());
}

// The same into a folder that does not exist yet: it is absent or complete.
TEST(RunFolder, KilledAtEveryStepOfAFirstRunLeavesNoFolderOrAWholeOne) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path out = dir / "new" / "out";
  const std::string run =
      "run -q --method vca-fcls -r 3 --input " + Quote(dir / "s" / "scene.hdr") + " --out " + Quote(out);
  int steps = 0, absent = 0;
  for (int step = 1; step < 200; ++step) {
    SCOPED_TRACE(::testing::Message() << "killed at step " << step);
    fs::remove_all(out);
    CommandResult k;
    {
      FaultAt fault(step);
      k = RunCli(run);
    }
    if (k.exit_code == 0) break;
    ++steps;
    ASSERT_EQ(k.exit_code, kFaultExitCode) << k.output;
    if (!fs::exists(out))
      ++absent;
    else
      EXPECT_EQ(IncompleteRun(out), "");
  }
  std::printf("first run killed at %d steps: no folder after %d, a whole one after the others\n", steps, absent);
  EXPECT_GE(steps, 14);
  EXPECT_GE(absent, steps - 2);
  EXPECT_EQ(IncompleteRun(out), "");
  EXPECT_TRUE(Beside(out).empty()) << ::testing::PrintToString(Beside(out));
}

// Issue 16 case 1: a rerun on a full disk (a 1 MiB tmpfs filled to 0, 1, 2, ... free pages)
// fails at some file and leaves the earlier run exactly as it was, with nothing beside it.
TEST(RunFolder, RerunOnAFullDiskKeepsTheOldRunWhole) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path mnt = dir / "small";
  Tmpfs tmpfs(mnt, "size=1m");
  if (!tmpfs.mounted()) GTEST_SKIP() << "full-disk test needs a small tmpfs (root and mount): " << tmpfs.why();
  const fs::path scene = dir / "s" / "scene.hdr", out = mnt / "out";
  auto r = RunCli("run -q --method vca-fcls -r 3 --input " + Quote(scene) + " --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Snapshot old_run = Take(out);
  // Fill the disk, then free a few pages at a time.
  const fs::path filler = mnt / "filler";
  {
    std::FILE* f = std::fopen(filler.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const std::string block(4096, 'x');
    while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
    }
    std::fclose(f);
  }
  const std::uintmax_t full = fs::file_size(filler);
  int failures = 0;
  std::set<std::string> failing;
  for (std::uintmax_t pages = 0; pages <= 80; pages += 4) {
    SCOPED_TRACE(::testing::Message() << pages << " free pages");
    fs::resize_file(filler, full > pages * 4096 ? full - pages * 4096 : 0);
    r = RunCli("run --method bunet2 --epochs 2 -r 3 --gt " + Quote(dir / "s" / "gt.mat") + " --input " + Quote(scene) +
               " --out " + Quote(out));
    if (r.exit_code == 0) {
      EXPECT_EQ(IncompleteRun(out), "");
      EXPECT_EQ(JsonFile(out / "run.json")["method"], "bunet2");
      break;
    }
    ++failures;
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(Has(r.output, "No space left on device") || Has(r.output, "disk full")) << r.output;
    failing.insert(r.output.substr(0, r.output.find(": ", r.output.find(out.string()) + out.string().size() + 1)));
    EXPECT_TRUE(Take(out) == old_run) << "the old run changed: " << r.output;
    EXPECT_TRUE(Beside(out).empty()) << ::testing::PrintToString(Beside(out));
  }
  std::printf("%d reruns failed on the full disk, at %zu different files; the old run was whole after each\n", failures,
              failing.size());
  EXPECT_GE(failures, 3);
  EXPECT_GE(failing.size(), 2u) << ::testing::PrintToString(failing);
}

// Issue 16 case 3: a rerun with other options leaves nothing of the earlier run.
TEST(RunFolder, RerunWithOtherOptionsReplacesEveryFile) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path scene = dir / "s" / "scene.hdr", out = dir / "out";
  auto r = RunCli("run -q --method bunet2 --epochs 2 -r 3 --input " + Quote(scene) + " --gt " +
                  Quote(dir / "s" / "gt.mat") + " --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCli("run -q --method vca-fcls -r 3 --format envi --input " + Quote(scene) + " --out " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* gone : {"metrics.json", "model.json", "loss.csv", "abundances.tif"})
    EXPECT_FALSE(fs::exists(out / gone)) << gone;
  EXPECT_EQ(IncompleteRun(out), "");
  // The report is of the new run only: no scores, no loss curve.
  r = RunCli("report -q " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // `apply DIR/model.json` has no model to apply any more.
  r = RunCli("apply " + Quote(out / "model.json") + " --input " + Quote(scene) + " --out " + Quote(dir / "a"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "model.json: file not found")) << r.output;
}

// A folder holding anything else is not replaced (its files would be lost).
TEST(RunFolder, AFolderWithOtherFilesIsNotReplaced) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path out = dir / "mine";
  fs::create_directories(out / "data");
  Spit(out / "notes.txt", "my notes");
  const auto r =
      RunCli("run --method vca-fcls -r 3 --input " + Quote(dir / "s" / "scene.hdr") + " --out " + Quote(out));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "mine: holds '")) << r.output;
  EXPECT_TRUE(Has(r.output, "which is not a file of a run folder")) << r.output;
  EXPECT_EQ(Slurp(out / "notes.txt"), "my notes");
  EXPECT_EQ(Listing(out), (std::vector<std::string>{"data", "notes.txt"}));
  EXPECT_TRUE(Beside(out).empty());
}

// Issue 16 case 2: two runs into one folder. The second fails at once, naming the folder and
// the first one's pid; with --wait it waits and then writes a whole run.
TEST(RunFolder, SecondWriterIsRefusedAtOnceOrWaitsWithWait) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 4 -r 3 --seed 2 --bands 30");
  const fs::path scene = dir / "s" / "scene.hdr", out = dir / "same";
  fs::create_directories(dir / "l1");
  CliProcess first({"run", "--method", "bunet2", "--epochs", "100000", "-r", "3", "--seed", "1", "--input",
                    scene.string(), "--out", out.string(), "--json"},
                   dir / "l1");
  ASSERT_TRUE(first.WaitFor([&] { return Has(first.Stderr(), "\"epoch\":1,"); }, seconds(300))) << first.Stderr();
  const auto t0 = std::chrono::steady_clock::now();
  const auto second = RunCli("run --method vca-fcls -r 3 --seed 2 --input " + Quote(scene) + " --out " + Quote(out));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(second.exit_code, 1) << second.output;
  EXPECT_TRUE(Has(second.output, out.string() + ": another unmix process (pid " + std::to_string(first.pid()) +
                                     ") is writing this run folder"))
      << second.output;
  EXPECT_TRUE(Has(second.output, "--wait")) << second.output;
  EXPECT_LT(secs, 10.0) << "the second run did not fail at once";
  EXPECT_FALSE(fs::exists(out)) << "the refused run wrote into the folder";

  fs::create_directories(dir / "l2");
  CliProcess waiting({"run", "--method", "vca-fcls", "-r", "3", "--seed", "2", "--wait", "--input", scene.string(),
                      "--out", out.string()},
                     dir / "l2");
  ASSERT_TRUE(waiting.WaitFor([&] { return Has(waiting.Stderr(), "waiting for unmix process"); }, seconds(60)))
      << waiting.Stderr();
  EXPECT_TRUE(Has(waiting.Stderr(), std::to_string(first.pid()))) << waiting.Stderr();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(waiting.Wait(seconds(0)), -1) << "--wait did not wait: " << waiting.Stderr();
  first.Signal(SIGINT);  // the first run stops without writing; the lock is released
  EXPECT_EQ(first.Wait(seconds(120)), 130) << first.Stderr();
  EXPECT_EQ(waiting.Wait(seconds(120)), 0) << waiting.Stderr();
  EXPECT_EQ(IncompleteRun(out), "");
  EXPECT_EQ(JsonFile(out / "run.json")["seed"], 2);
  EXPECT_TRUE(Beside(out).empty()) << ::testing::PrintToString(Beside(out));
}

// A lock left by a killed writer (its file stays, its flock died with it) does not block.
TEST(RunFolder, LockFileOfADeadWriterDoesNotBlock) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path out = dir / "out";
  Spit(dir / ".out.lock", "999999\n");
  fs::create_directories(dir / ".out.tmp-999999-run");
  Spit(dir / ".out.tmp-999999-run" / "endmembers.csv", "half");
  const auto r =
      RunCli("run -q --method vca-fcls -r 3 --input " + Quote(dir / "s" / "scene.hdr") + " --out " + Quote(out));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(IncompleteRun(out), "");
  EXPECT_TRUE(Beside(out).empty()) << ::testing::PrintToString(Beside(out));
}

// Issue 16 case 4: an orphan temporary file of an older unmix inside a run folder
// (`.result.tmp-PID-N.mat`, left by a kill during the per-file renames) goes with the old run.
TEST(RunFolder, OrphanTemporaryFilesInsideTheFolderGoWithTheOldRun) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path out = dir / "out";
  const std::string run =
      "run -q --method vca-fcls -r 3 --input " + Quote(dir / "s" / "scene.hdr") + " --out " + Quote(out);
  ASSERT_EQ(RunCli(run).exit_code, 0);
  Spit(out / ".result.tmp-999999-0.mat", "half a file");
  const auto r = RunCli(run + " --seed 3");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(out / ".result.tmp-999999-0.mat"));
  EXPECT_EQ(IncompleteRun(out), "");
  EXPECT_TRUE(TempLeftovers(dir.path()).empty());
}

// `unmix report` reads only the files run.json lists, and checks their checksums.
TEST(RunFolder, ReportReadsOnlyListedFilesAndChecksThem) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path scene = dir / "s" / "scene.hdr", out = dir / "out", scored = dir / "scored";
  ASSERT_EQ(RunCli("run -q --method vca-fcls -r 3 --input " + Quote(scene) + " --out " + Quote(out)).exit_code, 0);
  ASSERT_EQ(RunCli("run -q --method vca-fcls -r 3 --input " + Quote(scene) + " --gt " + Quote(dir / "s" / "gt.mat") +
                   " --out " + Quote(scored))
                .exit_code,
            0);
  ASSERT_EQ(RunCli("report -q " + Quote(out)).exit_code, 0);
  const std::string clean = Slurp(out / "report.html");
  // A stray metrics.json (another run's scores) is not listed: the report ignores it.
  fs::copy_file(scored / "metrics.json", out / "metrics.json");
  auto r = RunCli("report -q " + Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Slurp(out / "report.html"), clean);
  fs::remove(out / "metrics.json");
  // A listed file that changed since the run: refused, naming the file and both checksums.
  std::string csv = Slurp(out / "endmembers.csv");
  csv[csv.size() - 2] = csv[csv.size() - 2] == '1' ? '2' : '1';
  Spit(out / "endmembers.csv", csv);
  r = RunCli("report " + Quote(out));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, (out / "endmembers.csv").string() + ": sha256: expected ")) << r.output;
  EXPECT_TRUE(Has(r.output, "the file changed after the run")) << r.output;
  // A listed file that is missing: nothing of it can be misread; the report says so.
  fs::remove(scored / "preview.png");
  r = RunCli("report " + Quote(scored));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r.output, "note: preview.png is listed in run.json but missing: the run folder is incomplete"))
      << r.output;
}

// `unmix apply` takes a model file, and one inside a run folder only as that run recorded it.
TEST(RunFolder, ApplyChecksTheModelAgainstItsRunFolder) {
  ScratchDir dir;
  Synth(dir / "s", "--patch 3 -r 3 --seed 1 --bands 30");
  const fs::path scene = dir / "s" / "scene.hdr", out = dir / "trained", plain = dir / "plain";
  ASSERT_EQ(
      RunCli("train -q --method bunet2 --epochs 2 -r 3 --input " + Quote(scene) + " --out " + Quote(out)).exit_code, 0);
  ASSERT_EQ(RunCli("run -q --method vca-fcls -r 3 --input " + Quote(scene) + " --out " + Quote(plain)).exit_code, 0);
  const auto apply = [&](const fs::path& model) {
    return RunCli("apply " + Quote(model) + " --input " + Quote(scene) + " --out " + Quote(dir / "applied"));
  };
  ASSERT_EQ(apply(out / "model.json").exit_code, 0);
  // Issue 16 case 6: a directory.
  auto r = apply(out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, out.string() + ": is a directory, expected a model file")) << r.output;
  EXPECT_TRUE(Has(r.output, (out / "model.json").string())) << r.output;
  EXPECT_FALSE(Has(r.output, "basic_filebuf")) << r.output;
  // A model that run.json does not list (a leftover of another run).
  fs::copy_file(out / "model.json", plain / "model.json");
  r = apply(plain / "model.json");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "is not part of the run in")) << r.output;
  // A listed model that changed since the run.
  std::string text = Slurp(out / "model.json");
  text.insert(text.find('{') + 1, "\n  \"edited\": true,");
  Spit(out / "model.json", text);
  r = apply(out / "model.json");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "model.json: sha256: expected")) << r.output;
}

}  // namespace UNMIX_TEST_UNIT
}  // namespace unmix
