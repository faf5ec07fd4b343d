// unmix info: what a file holds.
#include <fmt/format.h>

#include "cli/common.hpp"
#include "unmix/io/info.hpp"

namespace unmix::cli {

void RegisterInfo(CLI::App& app) {
  struct Args {
    std::string file;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("info", "Describe a scene, ground-truth or library file");
  cmd->add_option("file", a->file, "File to describe")->required();
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a] {
    const io::FileInfo info = io::DescribeFile(a->file);
    fmt::print("{}\n", a->json ? info.ToJson() : info.ToText());
  });
}

}  // namespace unmix::cli
