#pragma once
// One entry point for every unmixing method, so the CLI, the demo and the experiments run
// methods the same way: invalid pixels are left out, results come back at full scene size.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "unmix/core/scene.hpp"

namespace unmix {

struct RunOptions {
  std::string method = "vca-fcls";  // see MethodNames()
  Index endmembers = 0;              // r, >= 1
  std::uint64_t seed = 0;
  int threads = 0;                   // 0: all cores
  // SUnSAL l1 weight (vca-sunsal) and L1-NMF l1 weight (l1-nmf); unset: each method's default.
  std::optional<double> lambda;
  std::optional<int> iterations;     // L1-NMF iteration cap; unset: its default
  bool IsValid(std::string* why) const;
};

struct MethodInfo {
  std::string name;
  std::string description;
  bool blind = true;  // estimates endmembers (false: needs them given)
};
const std::vector<MethodInfo>& Methods();
std::vector<std::string> MethodNames();

struct RunResult {
  std::string method;
  Endmembers endmembers;   // p x r
  Abundances abundances;   // r x N at the scene's shape; invalid pixels hold 0
  // The start a method refined (e.g. L1-NMF's VCA + FCLS), to score beside the result.
  std::optional<Endmembers> init_endmembers;
  std::optional<Abundances> init_abundances;
  std::map<std::string, double> timings;  // seconds: "extract", "abundances", "total", ...
  nlohmann::json details;                 // each stage's summary (iterations, residuals, ...)
  std::vector<std::string> reports;       // each stage's BriefReport()
};

// Runs `options.method` on the valid pixels of `scene`. Throws OptionError for an unknown
// method or invalid options, InputError for unusable data.
RunResult RunMethod(const Scene& scene, const RunOptions& options);

}  // namespace unmix
