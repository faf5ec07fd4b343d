// unmix report: rebuild a run folder's report.html from its files, or compare several runs.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>

#include "cli/common.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"
#include "unmix/report/html_report.hpp"
#include "unmix/run/run_folder.hpp"

namespace unmix::cli {
namespace {

namespace fs = std::filesystem;

struct ReportArgs {
  std::vector<std::string> dirs;
  std::string out;
  bool quiet = false;
};

// Run folders inside `dir` (one level down), sorted by name.
std::vector<fs::path> RunFoldersIn(const fs::path& dir) {
  std::vector<fs::path> found;
  if (!fs::is_directory(dir)) return found;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && report::IsRunFolder(e.path())) found.push_back(e.path());
  std::sort(found.begin(), found.end());
  return found;
}

void RunReport(const ReportArgs& a) {
  // A folder without run.json that holds run folders (e.g. the demo's output) stands for them.
  std::vector<fs::path> runs;
  fs::path container;
  for (const auto& d : a.dirs) {
    const fs::path dir(d);
    if (!fs::is_directory(dir)) throw InputError(d, "", "not a directory (expected a run folder written by unmix run)");
    if (report::IsRunFolder(dir)) {
      runs.push_back(dir);
      continue;
    }
    const auto inside = RunFoldersIn(dir);
    if (inside.empty()) {
      runs.push_back(dir);  // ReadRunFolder says what is missing, or refuses
      continue;
    }
    runs.insert(runs.end(), inside.begin(), inside.end());
    if (a.dirs.size() == 1) container = dir;
  }

  fs::path out_dir;
  std::string html;
  std::vector<std::string> notes;
  if (runs.size() == 1 && container.empty()) {
    const report::RunContents c = report::ReadRunFolder(runs.front());
    notes = c.notes;
    html = report::RenderRunReport(c);
    out_dir = a.out.empty() ? runs.front() : fs::path(a.out);
  } else {
    if (!a.out.empty())
      out_dir = a.out;
    else if (!container.empty())
      out_dir = container;
    else
      throw OptionError("--out is required to compare several run folders: the directory for the comparison report");
    EnsureWritableDirectory(out_dir);
    std::vector<report::RunContents> contents;
    std::vector<std::string> links;
    for (const auto& r : runs) {
      contents.push_back(report::ReadRunFolder(r));
      for (const auto& n : contents.back().notes) notes.push_back(r.string() + ": " + n);
      const fs::path own = r / "report.html";
      links.push_back(fs::exists(own) ? fs::relative(fs::absolute(own), fs::absolute(out_dir)).generic_string() : "");
    }
    html = report::RenderComparisonReport(contents, links);
  }
  EnsureWritableDirectory(out_dir);
  const fs::path path = out_dir / "report.html";
  WriteFileAtomic(path, html);
  if (a.quiet) return;
  for (const auto& n : notes) fmt::print("note: {}\n", n);
  fmt::print("report: {}\n", fs::absolute(path).lexically_normal().string());
}

}  // namespace

void RegisterReport(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  auto* cmd =
      app.add_subcommand("report", "Rebuild a run folder's report.html, or compare several run folders side by side");
  cmd->add_option("dirs", a->dirs,
                  "Run folders written by unmix run (a folder holding run folders, such as the demo's, stands for all "
                  "of them)")
      ->required();
  cmd->add_option("-o,--out", a->out,
                  "Directory for report.html (default: the run folder itself; for several runs, the folder that "
                  "holds them)");
  cmd->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
  cmd->callback([a] { RunReport(*a); });
}

}  // namespace unmix::cli
