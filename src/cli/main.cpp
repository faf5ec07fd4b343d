// unmix: command-line entry point. Each subcommand lives in its own file and registers itself
// with CLI11; failures print one line naming what went wrong and exit non-zero.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>

#include "cli/common.hpp"
#include "unmix/core/cancel.hpp"
#include "unmix/core/error.hpp"
#include "unmix/io/raster.hpp"
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
// A second start costs about 0.1 s (0.4 s under the sanitizers, where glibc's allocator is not
// used at all), so it is done only where it pays: `bench`, or an argument naming a file of at
// least 256 MiB (an ENVI header counts its data file). UNMIX_HUGE_PAGES=1 always, =0 never; a
// tunable the user set is kept; without /proc the exec fails and the tool goes on as it is.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNMIX_CLI_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define UNMIX_CLI_SANITIZED 1
#endif
#endif

#if defined(__linux__) && defined(__GLIBC__) && !defined(UNMIX_CLI_SANITIZED)
bool WorthHugePages(int argc, char** argv) {
  constexpr std::uintmax_t kLarge = std::uintmax_t{256} << 20;
  if (argc > 1 && std::string_view(argv[1]) == "bench") return true;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    const std::filesystem::path path(argv[i]);
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && path.extension() == ".hdr") {
      try {
        const std::filesystem::path data = unmix::io::FindEnviDataFile(path);
        if (!data.empty()) size = std::filesystem::file_size(data, ec);
      } catch (const std::exception&) {
      }
    }
    if (!ec && size >= kLarge) return true;
  }
  return false;
}
#endif

void UseHugePagesForLargeAllocations(int argc, char** argv) {
#if defined(__linux__) && defined(__GLIBC__) && !defined(UNMIX_CLI_SANITIZED)
  const char* setting = std::getenv("UNMIX_HUGE_PAGES");
  const std::string_view want = setting ? setting : "";
  if (want == "0") return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::strstr(tunables, "glibc.malloc.hugetlb")) return;
  if (want != "1" && !WorthHugePages(argc, argv)) return;
  const std::string before = tunables ? tunables : "";
  const std::string value = before.empty() ? std::string("glibc.malloc.hugetlb=1") : before + ":glibc.malloc.hugetlb=1";
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  if (tunables)
    ::setenv("GLIBC_TUNABLES", before.c_str(), 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
#else
  (void)argc;
  (void)argv;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  UseHugePagesForLargeAllocations(argc, argv);
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
