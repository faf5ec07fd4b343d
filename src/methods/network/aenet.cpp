// aenet1, aenet2: U-ADMM-AENet-I and -II (u-admm-nets.txt), unrolled ADMM encoders with tied or
// untied layers, trained on ground-truth abundances.
#include "methods/network/unrolled.hpp"

namespace unmix::internal {
namespace {
NetworkOutcome TrainAenet1(const NetworkJob& job, RunResult& out) { return TrainAdmm(job, /*tied=*/true, out); }
NetworkOutcome TrainAenet2(const NetworkJob& job, RunResult& out) { return TrainAdmm(job, /*tied=*/false, out); }
}  // namespace

// u-admm-nets.txt VI: 300 epochs, minibatch 64 (RunOptions::batch), Adam lr 1e-4.
const Registration& Aenet1Method() {
  static const Registration r{
      .info = {.name = "aenet1",
               .description = "U-ADMM-AENet-I: unrolled ADMM, tied layers, trained on ground-truth abundances",
               .kind = MethodKind::kNetwork,
               .supervised = true,
               .defaults = {.epochs = 300, .learning_rate = 1e-4}},
      .train = &TrainAenet1,
      .apply = &ApplyAdmm};
  return r;
}

const Registration& Aenet2Method() {
  static const Registration r{
      .info = {.name = "aenet2",
               .description = "U-ADMM-AENet-II: unrolled ADMM, untied layers, trained on ground-truth abundances",
               .kind = MethodKind::kNetwork,
               .supervised = true,
               .defaults = {.epochs = 300, .learning_rate = 1e-4}},
      .train = &TrainAenet2,
      .apply = &ApplyAdmm};
  return r;
}

}  // namespace unmix::internal
