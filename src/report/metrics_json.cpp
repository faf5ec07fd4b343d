#include "unmix/report/metrics_json.hpp"

#include <fmt/format.h>

namespace unmix {

nlohmann::json MetricsToJson(const Evaluation& ev, const MetricsContext& ctx) {
  using nlohmann::json;
  json j;
  j["method"] = ctx.method;
  j["units"] = {{"sad", "degrees (sad_deg*) and radians (sad_rad*)"},
                {"rmse", "abundance fraction; mean over pixels of per-pixel RMSE"},
                {"rmse_global", "abundance fraction; RMSE over all entries"},
                {"mae", "abundance fraction x 100; mean over pixels"},
                {"aad", "degrees; mean over pixels"},
                {"aid", "nats; symmetric KL, mean over pixels"}};
  j["matching"] = {{"rule", ToString(ev.matching.rule)},
                   {"description", Describe(ev.matching.rule)},
                   {"estimate_for_reference", ev.matching.estimate_for_reference}};
  if (!ctx.reference_names.empty()) j["endmember_names"] = ctx.reference_names;
  // Every score below covers the matched estimates only; the surplus is stated beside them.
  j["estimated_endmembers"] = ev.estimated_count;
  j["reference_endmembers"] = ev.reference_count;
  j["unmatched_estimates"] = ev.unmatched_count();
  j["unmatched_estimate_indices"] = ev.unmatched_estimates;
  if (ev.unmatched_count() > 0) j["unmatched_note"] = UnmatchedNote(ev);
  if (ev.has_sad()) {
    j["sad_deg"] = ev.sad_deg();
    j["sad_rad"] = ev.sad_rad;
    j["sad_deg_mean"] = ev.sad_deg_mean();
    j["sad_rad_mean"] = ev.sad_rad_mean();
  }
  if (ev.abundances) {
    const auto& a = *ev.abundances;
    j["rmse"] = a.rmse;
    j["rmse_global"] = a.rmse_global;
    j["rmse_per_endmember"] =
        std::vector<double>(a.rmse_per_endmember.data(), a.rmse_per_endmember.data() + a.rmse_per_endmember.size());
    j["mae"] = a.mae_x100;
    j["aad_deg"] = a.aad_deg;
    j["aid"] = a.aid;
    j["aid_epsilon"] = ev.aid_epsilon;
    if (ctx.test_pixels > 0) j["abundance_pixels"] = ctx.test_pixels;
  }
  if (ev.reconstruction)
    j["reconstruction"] = {{"rmse", ev.reconstruction->rmse},
                           {"relative_frobenius", ev.reconstruction->relative_frobenius},
                           {"mean_angle_deg", ev.reconstruction->mean_angle_deg}};
  j["timings"] = ctx.timings;
  return j;
}

std::string UnmatchedNote(const Evaluation& ev) {
  if (ev.unmatched_count() == 0) return {};
  return fmt::format(
      "{} of {} estimated endmembers matched no reference ({} references): the scores cover the "
      "{} matched ones only and say nothing of the surplus",
      ev.unmatched_count(), ev.estimated_count, ev.reference_count, ev.reference_count);
}

std::string MetricsTableHeader() {
  return fmt::format("{:<16} {:>9} {:>10} {:>9} {:>9} {:>8}", "method", "SAD(deg)", "RMSE(frac)", "AAD(deg)",
                     "AID(nats)", "time(s)");
}

std::string MetricsTableRow(const std::string& method, const Evaluation& ev, double seconds) {
  auto num = [](bool ok, double v, int digits) { return ok ? fmt::format("{:.{}f}", v, digits) : std::string("-"); };
  const bool a = ev.abundances.has_value();
  const std::string surplus = ev.unmatched_count() > 0 ? fmt::format("  ({} of {} estimates unmatched, not scored)",
                                                                     ev.unmatched_count(), ev.estimated_count)
                                                       : std::string();
  return fmt::format("{:<16} {:>9} {:>10} {:>9} {:>9} {:>8.3f}", method, num(ev.has_sad(), ev.sad_deg_mean(), 3),
                     num(a, a ? ev.abundances->rmse : 0, 4), num(a, a ? ev.abundances->aad_deg : 0, 3),
                     num(a, a ? ev.abundances->aid : 0, 4), seconds) +
         surplus;
}

}  // namespace unmix
