#pragma once
// report.html: one self-contained HTML file per run folder (scene preview, abundance maps with
// their references, endmember spectra, loss curve, metrics, settings) and a comparison page
// over several runs. Images are PNG data URIs and plots inline SVG, so the file opens from disk
// with no network and can be mailed on its own. docs/report.md describes the page.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "unmix/core/scene.hpp"
#include "unmix/report/image.hpp"

namespace unmix::report {

inline constexpr Index kMapSide = 256;      // longest side of a displayed abundance map, pixels
inline constexpr Index kPreviewSide = 400;  // longest side of the scene preview, pixels

// Everything a run's report shows, with maps already reduced for display.
struct RunContents {
  std::string title;                               // the method (or the folder name)
  std::filesystem::path folder;                    // the run folder, when there is one
  nlohmann::json run;                              // run.json; null when unknown
  nlohmann::json metrics;                          // metrics.json; null without ground truth
  std::optional<Endmembers> endmembers;            // estimated spectra, with wavelengths when known
  std::string wavelength_units;                    // of the endmembers' wavelengths
  std::optional<DisplayMaps> maps;                 // estimated abundances
  std::optional<Endmembers> reference_endmembers;  // same bands as `endmembers`
  std::optional<DisplayMaps> reference_maps;       // same display grid as `maps`
  // Estimate matched to reference i (metrics.json "matching"); empty without ground truth.
  std::vector<Index> estimate_for_reference;
  std::vector<double> loss;  // per epoch; entry 0 is the initial weights
  std::string preview_png;   // PNG bytes of the scene preview; empty when none
  std::string preview_caption;
  std::vector<std::string> notes;  // what is missing from the report, and why
};

// True when `dir` holds a run.json.
bool IsRunFolder(const std::filesystem::path& dir);

// Reads what a run folder holds: run.json, metrics.json, endmembers.csv, abundances.tif (or
// .img), loss.csv, preview.png, and the ground truth whose path run.json records (tried as
// written, then as the absolute path recorded with its checksum; a changed checksum is noted).
// Anything missing or unreadable becomes a note. Throws InputError when `dir` is not a
// directory or holds none of these files.
RunContents ReadRunFolder(const std::filesystem::path& dir, Index map_side = kMapSide);

// The report of one run.
std::string RenderRunReport(const RunContents& run);

// The comparison page: one metrics row per run, per-endmember SAD and RMSE tables, each
// reference endmember's map beside every run's matched map, spectra and loss curves overlaid.
// `links[i]`, when given and not empty, is the URL of run i's own report (relative to the page).
std::string RenderComparisonReport(const std::vector<RunContents>& runs, const std::vector<std::string>& links = {});

}  // namespace unmix::report
