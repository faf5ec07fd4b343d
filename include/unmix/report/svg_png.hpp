#pragma once
// PNG copies of the project's SVG plots, for places that show pictures but not SVG (a results
// page in a repository viewer, a slide). Rendered by librsvg with cairo.
#include <filesystem>
#include <string>

namespace unmix::report {

// Renders `svg` (a complete <svg> element) on a white background at `scale` times its size and
// writes it to `path` atomically. Throws InputError naming `path` when the SVG does not parse
// or the file cannot be written.
void WriteSvgAsPng(const std::string& svg, const std::filesystem::path& path, double scale = 2.0);

}  // namespace unmix::report
