// unmix: command-line entry point. Each subcommand lives in its own file and registers itself
// with CLI11; failures print one line naming what went wrong and exit non-zero.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

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

int main(int argc, char** argv) {
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
