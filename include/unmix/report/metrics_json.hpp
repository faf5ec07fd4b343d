#pragma once
// metrics.json: the scores of one method on one scene, with units and matching rule stated.
//
// Keys (always present when the quantity could be computed):
//   method, units {sad, rmse, mae, aad, aid}, matching {rule, description, estimate_for_reference},
//   endmember_names, sad_deg (list, reference order), sad_rad, sad_deg_mean, sad_rad_mean,
//   rmse, rmse_global, rmse_per_endmember, mae, aad_deg, aid, aid_epsilon,
//   reconstruction {rmse, relative_frobenius, mean_angle_deg}, timings {name: seconds}.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "unmix/metrics/metrics.hpp"

namespace unmix {

struct MetricsContext {
  std::string method;
  std::vector<std::string> reference_names;  // names of the reference endmembers, reference order
  std::map<std::string, double> timings;     // seconds
  Index test_pixels = 0;                     // pixels the abundance metrics cover (0 = all)
};

nlohmann::json MetricsToJson(const Evaluation& ev, const MetricsContext& ctx);

// A fixed-width table row set for the terminal: one line per method.
// One sentence on estimates that matched no reference ("" when there are none).
std::string UnmatchedNote(const Evaluation& ev);
std::string MetricsTableHeader();
std::string MetricsTableRow(const std::string& method, const Evaluation& ev, double seconds);

}  // namespace unmix
