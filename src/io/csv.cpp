#include "unmix/io/csv.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "io/common.hpp"
#include "io/csv_table.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"

namespace fs = std::filesystem;

namespace unmix::io {

namespace detail {

namespace {

std::vector<std::string> SplitLine(const std::string& line, char sep, const std::string& file, std::size_t line_no) {
  std::vector<std::string> fields;
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"' && Trim(cur).empty()) {
      quoted = was_quoted = true;
      cur.clear();
    } else if (c == sep) {
      fields.push_back(was_quoted ? cur : Trim(cur));
      cur.clear();
      was_quoted = false;
    } else {
      cur += c;
    }
  }
  if (quoted) throw InputError(file, fmt::format("line {}", line_no), "a quoted field is not closed");
  fields.push_back(was_quoted ? cur : Trim(cur));
  return fields;
}

bool ParseNumber(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

}  // namespace

CsvTable ReadCsvTable(const fs::path& path) {
  RequireReadableFile(path);
  CsvTable t;
  t.file = path.string();
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::size_t line_no = 0;
  char sep = 0;
  std::size_t width = 0, width_line = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    if (!sep) sep = line.find(',') == std::string::npos && line.find('\t') != std::string::npos ? '\t' : ',';
    auto fields = SplitLine(line, sep, t.file, line_no);
    if (width == 0) {
      width = fields.size();
      width_line = line_no;
      bool all_numbers = true;
      double v;
      for (const auto& f : fields) all_numbers = all_numbers && ParseNumber(f, v);
      if (!all_numbers) {
        t.header = std::move(fields);
        continue;
      }
    }
    if (fields.size() != width)
      throw InputError(t.file, fmt::format("line {}", line_no),
                       fmt::format("expected {} fields (as on line {}), found {}", width, width_line, fields.size()));
    std::vector<double> row(width);
    for (std::size_t c = 0; c < width; ++c) {
      const std::string where = fmt::format("line {}, column {}", line_no, c + 1);
      if (!ParseNumber(fields[c], row[c]))
        throw InputError(t.file, where,
                         fields[c].empty() ? "empty value, expected a number"
                                           : fmt::format("expected a number, found '{}'", fields[c]));
      if (!std::isfinite(row[c]))
        throw InputError(t.file, where, fmt::format("'{}' is not a finite number", fields[c]));
    }
    t.rows.push_back(std::move(row));
    t.lines.push_back(line_no);
  }
  if (in.bad()) throw InputError(t.file, "", "reading the file failed");
  if (t.rows.empty()) throw InputError(t.file, "", width ? "no rows of numbers after the header" : "the file is empty");
  return t;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r\t") == std::string::npos && Trim(text) == text) return text;
  std::string q = "\"";
  for (char c : text) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

bool IsWavelengthHeader(const std::string& h) {
  const std::string s = ToLower(Trim(h));
  return s.rfind("wavelength", 0) == 0 || s == "wl" || s == "lambda" || s == "nm" || s == "um" || s == "micrometers" ||
         s == "nanometers";
}

}  // namespace detail

void WriteEndmembersCsv(const fs::path& path, const Endmembers& e) {
  e.Validate();
  const bool wl = !e.wavelengths.empty();
  std::string s;
  if (wl) s += "wavelength";
  for (Index j = 0; j < e.count(); ++j) {
    if (wl || j) s += ',';
    s += detail::CsvField(e.name(j));
  }
  s += '\n';
  for (Index b = 0; b < e.bands(); ++b) {
    if (wl) s += fmt::format("{}", e.wavelengths[static_cast<size_t>(b)]);
    for (Index j = 0; j < e.count(); ++j) {
      if (wl || j) s += ',';
      s += fmt::format("{}", e.spectra(b, j));
    }
    s += '\n';
  }
  WriteFileAtomic(path, s);
}

Endmembers ReadEndmembersCsv(const fs::path& path) {
  const auto t = detail::ReadCsvTable(path);
  const bool wl = !t.header.empty() && detail::IsWavelengthHeader(t.header[0]);
  const std::size_t first = wl ? 1 : 0;
  const std::size_t width = t.columns();
  if (width <= first) throw InputError(t.file, "columns", "no endmember columns (only a wavelength column)");
  Endmembers e;
  const Index p = static_cast<Index>(t.rows.size()), r = static_cast<Index>(width - first);
  e.spectra.resize(p, r);
  for (Index b = 0; b < p; ++b) {
    const auto& row = t.rows[static_cast<size_t>(b)];
    if (wl) e.wavelengths.push_back(row[0]);
    for (Index j = 0; j < r; ++j) e.spectra(b, j) = static_cast<float>(row[first + static_cast<size_t>(j)]);
  }
  if (!t.header.empty())
    for (std::size_t c = first; c < width; ++c) e.names.push_back(detail::Trim(t.header[c]));
  e.Validate();
  return e;
}

}  // namespace unmix::io
