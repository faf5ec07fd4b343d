#pragma once
// ENVI .hdr files: "key = value" lines, with {...} values that may span lines. GDAL reads the
// pixels; this parser gives the fields GDAL does not interpret (bbl, reflectance scale
// factor) and the sizes needed to check that the data file is complete.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace unmix::io::detail {

class EnviHeader {
 public:
  // Throws InputError naming the file when it cannot be read or does not start with "ENVI".
  static EnviHeader Parse(const std::filesystem::path& path);

  const std::string& file() const { return file_; }
  bool Has(const std::string& key) const { return fields_.count(key) != 0; }
  // The raw value (braces removed); empty when absent. Keys are lower case, single-spaced.
  std::string Get(const std::string& key) const;
  // A whole number; nullopt when absent; InputError when present but not a number.
  std::optional<std::int64_t> Integer(const std::string& key) const;
  std::optional<double> Number(const std::string& key) const;
  // A {a, b, c} list split at commas (items trimmed); empty when absent.
  std::vector<std::string> List(const std::string& key) const;
  // A list of numbers; InputError naming the item that is not a number.
  std::vector<double> Numbers(const std::string& key) const;

  // Bytes per value of an ENVI data type code, 0 when unknown.
  static int DataTypeSize(std::int64_t code);

 private:
  std::string file_;
  std::map<std::string, std::string> fields_;
};

}  // namespace unmix::io::detail
