#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "unmix/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"unmix: hyperspectral unmixing"};
  app.set_version_flag("--version", std::string("unmix ") + unmix::kVersion);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
