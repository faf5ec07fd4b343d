#include "unmix/run/run_record.hpp"

#include <fmt/format.h>

#include <fstream>

#include "core/record_json.hpp"
#include "unmix/core/error.hpp"
#include "unmix/methods/registry.hpp"
#include "unmix/pipeline/options.hpp"

namespace unmix {

using json = nlohmann::json;

std::string RunRecord::Title() const {
  if (!method.empty()) return method;
  if (!architecture.empty()) return architecture + " (applied)";
  return "";
}

const InputChecksum* RunRecord::Input(const std::string& role) const {
  for (const auto& c : input_checksums)
    if (c.role == role) return &c;
  return nullptr;
}

namespace {

// The keys RunRecord holds in fields; every other key is a setting.
const char* const kFieldKeys[] = {
    "command",         "version",           "method",       "architecture", "input",   "ground_truth",    "model",
    "endmembers",      "endmembers_chosen", "seed",         "threads",      "details", "reports",         "timings",
    "input_checksums", "wavelength_units",  "georeference", "preview",      "outputs", "output_checksums"};

void PutText(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

}  // namespace

json ToJson(const RunRecord& r) {
  json j = r.settings.is_object() ? r.settings : json::object();
  if (!r.command.empty()) j["command"] = r.command;
  PutText(j, "version", r.version);
  PutText(j, "method", r.method);
  PutText(j, "architecture", r.architecture);
  PutText(j, "input", r.input);
  if (!r.method.empty() || !r.ground_truth.empty()) j["ground_truth"] = r.ground_truth;
  PutText(j, "model", r.model);
  if (r.endmembers) j["endmembers"] = *r.endmembers;
  PutText(j, "endmembers_chosen", r.endmembers_chosen);
  if (r.seed) j["seed"] = *r.seed;
  if (r.threads) j["threads"] = *r.threads;
  if (!r.method.empty() || !r.details.empty()) j["details"] = Json(r.details);
  if (!r.method.empty() || !r.reports.empty()) j["reports"] = r.reports;
  j["timings"] = r.timings;
  if (!r.input_checksums.empty() || !r.outputs.empty()) {
    json inputs = json::array();
    for (const auto& c : r.input_checksums)
      inputs.push_back(
          {{"role", c.role}, {"path", c.path}, {"absolute", c.absolute}, {"bytes", c.bytes}, {"sha256", c.sha256}});
    j["input_checksums"] = inputs;
  }
  if (!r.outputs.empty()) j["wavelength_units"] = r.wavelength_units;
  if (!r.georeference.is_null()) j["georeference"] = r.georeference;
  if (!r.preview.is_null()) j["preview"] = r.preview;
  if (!r.outputs.empty()) {
    j["outputs"] = r.outputs;
    json sums = json::object();
    for (const auto& [name, c] : r.output_checksums) {
      json& e = sums[name] = json::object();
      if (c.bytes) e["bytes"] = *c.bytes;
      if (!c.sha256.empty()) e["sha256"] = c.sha256;
    }
    j["output_checksums"] = sums;
  }
  return j;
}

RunRecord ParseRunRecord(const json& j, const std::string& source) {
  if (!j.is_object()) throw InputError(source, "", fmt::format("expected a JSON object, got {}", j.type_name()));
  auto wrong = [&](const std::string& field, const char* expected, const json& v) {
    return InputError(source, field, fmt::format("expected {}, got {}", expected, v.dump()));
  };
  auto text = [&](const char* key, std::string& out) {
    if (!j.contains(key) || j[key].is_null()) return;
    if (!j[key].is_string()) throw wrong(key, "text", j[key]);
    out = j[key].get<std::string>();
  };
  RunRecord r;
  if (j.contains("command")) {
    if (!j["command"].is_array()) throw wrong("command", "a list of arguments", j["command"]);
    for (const auto& a : j["command"]) r.command.push_back(a.is_string() ? a.get<std::string>() : a.dump());
  }
  text("version", r.version);
  text("method", r.method);
  text("architecture", r.architecture);
  text("input", r.input);
  text("ground_truth", r.ground_truth);
  text("model", r.model);
  text("endmembers_chosen", r.endmembers_chosen);
  text("wavelength_units", r.wavelength_units);
  if (j.contains("endmembers") && !j["endmembers"].is_null()) {
    if (!j["endmembers"].is_number_integer()) throw wrong("endmembers", "a whole number", j["endmembers"]);
    r.endmembers = j["endmembers"].get<Index>();
  }
  if (j.contains("seed") && !j["seed"].is_null()) {
    if (!j["seed"].is_number_unsigned()) throw wrong("seed", "a whole number >= 0", j["seed"]);
    r.seed = j["seed"].get<std::uint64_t>();
  }
  if (j.contains("threads") && !j["threads"].is_null()) {
    if (!j["threads"].is_number_integer()) throw wrong("threads", "a whole number", j["threads"]);
    r.threads = j["threads"].get<int>();
  }
  if (j.contains("details") && !j["details"].is_null()) {
    if (!j["details"].is_object()) throw wrong("details", "an object", j["details"]);
    Json(r.details) = j["details"];
  }
  if (j.contains("reports") && j["reports"].is_array())
    for (const auto& line : j["reports"]) r.reports.push_back(line.is_string() ? line.get<std::string>() : line.dump());
  if (j.contains("timings") && j["timings"].is_object())
    for (const auto& [k, v] : j["timings"].items())
      if (v.is_number()) r.timings[k] = v.get<double>();
  if (j.contains("input_checksums") && j["input_checksums"].is_array())
    for (const auto& f : j["input_checksums"]) {
      if (!f.is_object()) throw wrong("input_checksums", "a list of objects", f);
      InputChecksum c;
      c.role = f.value("role", "");
      c.path = f.value("path", "");
      c.absolute = f.value("absolute", "");
      c.bytes = f.contains("bytes") && f["bytes"].is_number_unsigned() ? f["bytes"].get<std::uintmax_t>() : 0;
      c.sha256 = f.value("sha256", "");
      r.input_checksums.push_back(std::move(c));
    }
  if (j.contains("georeference")) r.georeference = j["georeference"];
  if (j.contains("preview")) r.preview = j["preview"];
  if (j.contains("outputs")) {
    if (!j["outputs"].is_array()) throw wrong("outputs", "a list of file names", j["outputs"]);
    r.lists_outputs = true;
    for (const auto& f : j["outputs"])
      if (f.is_string()) r.outputs.push_back(f.get<std::string>());
  }
  if (j.contains("output_checksums")) {
    if (!j["output_checksums"].is_object()) throw wrong("output_checksums", "an object", j["output_checksums"]);
    r.has_output_checksums = true;
    for (const auto& [name, rec] : j["output_checksums"].items()) {
      OutputChecksum c;
      if (rec.is_object()) {
        if (rec.contains("bytes") && rec["bytes"].is_number_unsigned()) c.bytes = rec["bytes"].get<std::uintmax_t>();
        c.sha256 = rec.value("sha256", "");
      }
      r.output_checksums[name] = c;
    }
  }
  for (const auto& [k, v] : j.items())
    if (std::find(std::begin(kFieldKeys), std::end(kFieldKeys), k) == std::end(kFieldKeys)) r.settings[k] = v;
  return r;
}

RunRecord ReadRunRecord(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "", "cannot open");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::parse_error& e) {
    throw InputError(path.string(), "", std::string("not JSON: ") + e.what());
  }
  return ParseRunRecord(j, path.string());
}

json RunSettings(const RunOptions& o, const MethodInfo& info, const RunResult& result, const Scene& scene,
                 MatchRule rule) {
  const json& details = Json(result.details);
  json s = {
      {"scene",
       {{"rows", scene.rows}, {"cols", scene.cols}, {"bands", scene.bands()}, {"valid_pixels", scene.valid_count()}}},
      {"options",
       {{"lambda", o.lambda ? json(*o.lambda) : json(nullptr)},
        {"iterations", o.iterations ? json(*o.iterations) : json(nullptr)},
        {"match", ToString(rule)}}}};
  if (!info.network()) {
    s["network"] = nullptr;
    return s;
  }
  s["network"] = {{"layers", o.layers},
                  {"epochs", details.value("epochs", 0)},
                  {"batch", o.batch},
                  {"learning_rates", details.value("learning_rates", json::array())},
                  {"train_pixels", result.train_pixels.size()},
                  {"preset", Name(o.preset)},
                  {"init", Name(o.init)},
                  {"loss_weights", {o.loss.mse, o.loss.aad, o.loss.aid}},
                  {"patience", o.patience},
                  {"augment", Name(o.augment)},
                  {"sum_to_one", o.sum_to_one},
                  {"reconstruction_loss", Name(o.reconstruction_loss)},
                  {"mixing", Name(o.Mixing())},
                  {"anchor", o.Anchor()},
                  {"keep_better", o.KeepBetter()},
                  {"select", Name(o.select)},
                  {"mu", o.mu_auto ? json("auto")
                         : o.mu    ? json(*o.mu)
                                   : json(nullptr)}};
  return s;
}

}  // namespace unmix
