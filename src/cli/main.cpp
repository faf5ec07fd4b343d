// unmix: command-line entry point. Each subcommand lives in its own file and registers itself
// with CLI11; failures print one line naming what went wrong and exit non-zero.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include "cli/common.hpp"
#include "unmix/core/cancel.hpp"
#include "unmix/core/error.hpp"
#include "unmix/version.hpp"

namespace unmix::cli {
int& CommandExitCode() {
  static int code = 0;
  return code;
}
}  // namespace unmix::cli

namespace {

// Large allocations on transparent huge pages. On the virtual machine unmix is measured on, the
// first write to each 4 KiB page of a new allocation is a page fault of several microseconds, and
// at a million pixels those faults were most of spatial-purity's time. glibc's allocator asks for
// huge pages on every large block when its tunable glibc.malloc.hugetlb=1 is set, and tunables are
// read only when a process starts: so the tool sets it and starts itself again, once, before
// anything else (the same process id; the arguments and the rest of the environment unchanged).
// spatial-purity on 1,000,000 pixels: 24.1 s -> 14.9 s (docs/speed.md, "Reading and checksums").
// UNMIX_HUGE_PAGES=0 turns it off; a tunable the user set is kept; without /proc the exec fails
// and the tool goes on as it is.
void UseHugePagesForLargeAllocations(char** argv) {
#if defined(__linux__) && defined(__GLIBC__)
  if (const char* off = std::getenv("UNMIX_HUGE_PAGES"); off && std::string_view(off) == "0") return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::strstr(tunables, "glibc.malloc.hugetlb")) return;
  const std::string before = tunables ? tunables : "";
  const std::string value = before.empty() ? std::string("glibc.malloc.hugetlb=1") : before + ":glibc.malloc.hugetlb=1";
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  if (tunables)
    ::setenv("GLIBC_TUNABLES", before.c_str(), 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
#else
  (void)argv;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  UseHugePagesForLargeAllocations(argv);
  // Line by line, so that what goes to stdout and to stderr stays in the order it was printed
  // also when both go to one file or pipe (`2>&1 | tee log`).
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  CLI::App app{"unmix: hyperspectral unmixing with classical solvers and unrolled networks"};
  app.set_version_flag("--version", std::string("unmix ") + unmix::kVersion);
  app.require_subcommand(1);
  app.fallthrough();
  unmix::cli::RegisterSynth(app);
  unmix::cli::RegisterInfo(app);
  unmix::cli::RegisterEval(app);
  unmix::cli::RegisterRun(app, argc, argv);
  unmix::cli::RegisterEstimateR(app);
  unmix::cli::RegisterApply(app, argc, argv);
  unmix::cli::RegisterDemo(app, argc, argv);
  unmix::cli::RegisterReport(app);
  unmix::cli::RegisterExperiment(app, argc, argv);
  unmix::cli::RegisterBench(app);

  unmix::InstallCancelSignalHandlers();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const unmix::Cancelled& e) {
    // The temporaries are gone (their owners unwound); what was final before is untouched.
    fmt::print(stderr, "unmix: {}: stopped before the results were complete; nothing partial was written\n", e.what());
    return 128 + (e.signal() > 0 ? e.signal() : 2);
  } catch (const unmix::OptionError& e) {
    fmt::print(stderr, "unmix: invalid option: {}\n", e.what());
    return 2;
  } catch (const unmix::Error& e) {
    fmt::print(stderr, "unmix: error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "unmix: unexpected error: {}\n", e.what());
    return 3;
  }
  if (unmix::CancelRequested())
    fmt::print(stderr,
               "unmix: the interrupt came after the last safe point; the command finished and its "
               "results are complete\n");
  return unmix::cli::CommandExitCode();
}
