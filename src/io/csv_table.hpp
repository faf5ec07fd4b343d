#pragma once
// A small CSV reader for numeric tables with an optional header row (RFC 4180 quoting,
// comma or tab separated, '#' comment lines). Errors name the file, line and column.
#include <filesystem>
#include <string>
#include <vector>

namespace unmix::io::detail {

struct CsvTable {
  std::string file;
  std::vector<std::string> header;        // empty when the first row is all numbers
  std::vector<std::vector<double>> rows;  // all the same length
  std::vector<std::size_t> lines;         // 1-based line number of each row
  std::size_t columns() const { return rows.empty() ? header.size() : rows.front().size(); }
};

// Every value must be a finite number.
CsvTable ReadCsvTable(const std::filesystem::path& path);

// Quotes a field when it holds a separator, quote or line break.
std::string CsvField(const std::string& text);

}  // namespace unmix::io::detail
