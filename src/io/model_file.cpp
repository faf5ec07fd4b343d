#include "unmix/nets/model_file.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/record_json.hpp"
#include "unmix/core/atomic_file.hpp"
#include "unmix/core/error.hpp"

namespace unmix::nets {

void SaveModel(const std::filesystem::path& path, const Model& m) {
  nlohmann::json j;
  j["format"] = "unmix-model";
  j["version"] = kModelFormatVersion;
  j["architecture"] = m.architecture;
  j["bands"] = m.bands;
  j["endmembers"] = m.endmembers;
  j["wavelengths"] = m.wavelengths;
  j["endmember_names"] = m.endmember_names;
  j["hyperparameters"] = Json(m.hyperparameters);
  j["training"] = Json(m.training);
  // Tensors are written by hand so floats keep 9 significant digits (exact round trip).
  std::string tensors = "{";
  bool first = true;
  for (const auto& [name, t] : m.tensors) {
    tensors += fmt::format("{}\n    {}: {{\"rows\": {}, \"cols\": {}, \"data\": [", first ? "" : ",",
                           nlohmann::json(name).dump(), t.rows(), t.cols());
    first = false;
    for (Index i = 0; i < t.rows(); ++i)
      for (Index c = 0; c < t.cols(); ++c) {
        const float v = t(i, c);
        if (!std::isfinite(v))
          throw Error(fmt::format("{}: tensor {} holds a non-finite value; refusing to save", path.string(), name));
        tensors += fmt::format("{}{:.9g}", (i == 0 && c == 0) ? "" : ",", v);
      }
    tensors += "]}";
  }
  tensors += "\n  }";
  j["tensors"] = "@TENSORS@";
  std::string text = j.dump(2);
  const auto pos = text.find("\"@TENSORS@\"");
  text.replace(pos, std::string("\"@TENSORS@\"").size(), tensors);
  WriteFileAtomic(path, text + "\n");
}

Model LoadModel(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(file, "", "cannot open model file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file, "", fmt::format("not a readable model file (JSON error: {})", e.what()));
  }
  auto field = [&](const char* key) -> const nlohmann::json& {
    if (!j.is_object() || !j.contains(key)) throw InputError(file, key, "missing");
    return j.at(key);
  };
  // A whole number in Index range; get<>() on a float or an out-of-range value would be
  // undefined behaviour rather than an error.
  auto integer = [&](const nlohmann::json& v, const std::string& name) -> Index {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      throw InputError(file, name, fmt::format("expected a whole number, found {} (too large)", v.dump()));
    if (!v.is_number_integer())
      throw InputError(file, name, fmt::format("expected a whole number, found {}", v.dump()));
    return v.get<Index>();
  };
  try {
    if (field("format") != "unmix-model")
      throw InputError(file, "format", fmt::format("expected \"unmix-model\", found {}", field("format").dump()));
    const Index version = integer(field("version"), "version");
    if (version > kModelFormatVersion)
      throw InputError(file, "version",
                       fmt::format("format version {} is newer than this unmix reads ({}); upgrade unmix", version,
                                   kModelFormatVersion));
    if (version < 1) throw InputError(file, "version", fmt::format("invalid version {}", version));
    Model m;
    m.source = file;
    m.architecture = field("architecture").get<std::string>();
    m.bands = integer(field("bands"), "bands");
    m.endmembers = integer(field("endmembers"), "endmembers");
    if (m.bands < 1 || m.endmembers < 1)
      throw InputError(file, "bands/endmembers",
                       fmt::format("must be positive (found {} and {})", m.bands, m.endmembers));
    if (m.endmembers > m.bands)
      throw InputError(
          file, "endmembers",
          fmt::format("{} endmembers exceed the {} bands (no model is trained so)", m.endmembers, m.bands));
    if (j.contains("wavelengths")) m.wavelengths = j["wavelengths"].get<std::vector<double>>();
    if (!m.wavelengths.empty() && static_cast<Index>(m.wavelengths.size()) != m.bands)
      throw InputError(file, "wavelengths", fmt::format("expected {} values, found {}", m.bands, m.wavelengths.size()));
    if (j.contains("endmember_names")) m.endmember_names = j["endmember_names"].get<std::vector<std::string>>();
    for (const char* key : {"hyperparameters", "training"}) {
      if (!j.contains(key)) continue;
      if (!j[key].is_object())
        throw InputError(file, key, fmt::format("expected an object, got {}", j[key].type_name()));
      Json(std::string_view(key) == "hyperparameters" ? m.hyperparameters : m.training) = j[key];
    }
    if (!field("tensors").is_object()) throw InputError(file, "tensors", "expected an object of named tensors");
    for (const auto& [name, t] : field("tensors").items()) {
      if (!t.is_object()) throw InputError(file, "tensors." + name, "expected {\"rows\", \"cols\", \"data\"}");
      const Index rows = integer(t.at("rows"), "tensors." + name + ".rows");
      const Index cols = integer(t.at("cols"), "tensors." + name + ".cols");
      const auto& data = t.at("data");
      Index count = 0;
      if (rows < 0 || cols < 0 || __builtin_mul_overflow(rows, cols, &count))
        throw InputError(file, "tensors." + name, fmt::format("impossible shape {} x {}", rows, cols));
      if (!data.is_array() || static_cast<Index>(data.size()) != count)
        throw InputError(
            file, "tensors." + name,
            fmt::format("{} x {} needs {} values, found {}", rows, cols, count, data.is_array() ? data.size() : 0));
      MatrixF mat(rows, cols);
      Index k = 0;
      for (Index i = 0; i < rows; ++i)
        for (Index c = 0; c < cols; ++c) {
          const auto& v = data[static_cast<size_t>(k++)];
          if (!v.is_number()) throw InputError(file, "tensors." + name, "holds a value that is not a number");
          const double d = v.get<double>();  // range-checked before narrowing to float
          if (!(std::abs(d) <= std::numeric_limits<float>::max()))
            throw InputError(file, "tensors." + name, fmt::format("holds {}, beyond the float range", v.dump()));
          mat(i, c) = static_cast<float>(d);
        }
      m.tensors.emplace(name, std::move(mat));
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file, "", fmt::format("malformed model file: {}", e.what()));
  }
}

}  // namespace unmix::nets
