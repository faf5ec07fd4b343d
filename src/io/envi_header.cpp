#include "io/envi_header.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "io/common.hpp"
#include "unmix/core/error.hpp"

namespace unmix::io::detail {

namespace {

std::string NormalizeKey(const std::string& raw) {
  std::string key;
  bool space = false;
  for (char c : Trim(raw)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !key.empty()) key += ' ';
    space = false;
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

bool ParseDouble(const std::string& text, double& out) {
  const std::string t = Trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size();
}

}  // namespace

EnviHeader EnviHeader::Parse(const std::filesystem::path& path) {
  EnviHeader h;
  h.file_ = path.string();
  RequireReadableFile(path);  // refuses a FIFO before opening it
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(h.file_, "", "cannot open the ENVI header");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  size_t pos = 0;
  auto next_line = [&](std::string& line) {
    if (pos >= text.size()) return false;
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pos = end + 1;
    return true;
  };
  std::string line;
  if (!next_line(line) || !IStartsWith(Trim(line), "ENVI"))
    throw InputError(h.file_, "", "not an ENVI header (the first line must be \"ENVI\")");
  while (next_line(line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;  // comments (";") and blank lines
    const std::string key = NormalizeKey(line.substr(0, eq));
    std::string value = Trim(line.substr(eq + 1));
    if (!value.empty() && value.front() == '{') {
      while (value.find('}') == std::string::npos) {
        std::string more;
        if (!next_line(more)) throw InputError(h.file_, key, "the {...} value is not closed");
        value += "\n" + more;
      }
      const size_t close = value.rfind('}');
      value = value.substr(1, close - 1);
    }
    h.fields_[key] = Trim(value);
  }
  return h;
}

std::string EnviHeader::Get(const std::string& key) const {
  auto it = fields_.find(key);
  return it == fields_.end() ? std::string() : it->second;
}

std::optional<double> EnviHeader::Number(const std::string& key) const {
  if (!Has(key)) return std::nullopt;
  double v = 0;
  if (!ParseDouble(Get(key), v)) throw InputError(file_, key, fmt::format("expected a number, found '{}'", Get(key)));
  return v;
}

std::optional<std::int64_t> EnviHeader::Integer(const std::string& key) const {
  const auto v = Number(key);
  if (!v) return std::nullopt;
  // The range test comes first: converting an out-of-range double to an integer is undefined.
  if (!(std::abs(*v) < 9.0e18) || *v != std::floor(*v))
    throw InputError(file_, key, fmt::format("expected a whole number, found '{}'", Get(key)));
  return static_cast<std::int64_t>(*v);
}

std::vector<std::string> EnviHeader::List(const std::string& key) const {
  std::vector<std::string> items;
  if (!Has(key)) return items;
  const std::string v = Get(key);
  size_t start = 0;
  while (true) {
    const size_t comma = v.find(',', start);
    items.push_back(Trim(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (items.size() == 1 && items[0].empty()) items.clear();
  return items;
}

std::vector<double> EnviHeader::Numbers(const std::string& key) const {
  std::vector<double> out;
  const auto items = List(key);
  for (size_t i = 0; i < items.size(); ++i) {
    double v = 0;
    if (!ParseDouble(items[i], v))
      throw InputError(file_, key, fmt::format("item {} is not a number: '{}'", i + 1, items[i]));
    out.push_back(v);
  }
  return out;
}

int EnviHeader::DataTypeSize(std::int64_t code) {
  switch (code) {
    case 1:
      return 1;
    case 2:
    case 12:
      return 2;
    case 3:
    case 4:
    case 13:
      return 4;
    case 5:
    case 6:
    case 14:
    case 15:
      return 8;
    case 9:
      return 16;
    default:
      return 0;
  }
}

}  // namespace unmix::io::detail
