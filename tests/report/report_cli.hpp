#pragma once
// The scene and `unmix run` arguments shared by the report tests that run the real CLI.
#include <string>

#include "testing.hpp"

namespace unmix::testing {

// A 5 x 5-patch synthetic scene with 4 endmembers at 40 dB and its ground truth, in dir/s.
inline void SynthReportScene(const ScratchDir& dir) {
  const auto r = RunCli("synth -q --patch 5 -r 4 --snr 40 --seed 2 --out '" + (dir / "s").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

// `unmix run` of `method` on that scene (scored against its ground truth) into dir/out.
inline std::string ReportRunArgs(const ScratchDir& dir, const std::string& method, const std::string& out) {
  return "run -q --method " + method + " --input '" + (dir / "s" / "scene.hdr").string() + "' --gt '" +
         (dir / "s" / "gt.mat").string() + "' --out '" + (dir / out).string() + "' --seed 1";
}

}  // namespace unmix::testing
