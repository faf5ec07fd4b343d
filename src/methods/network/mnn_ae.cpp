// mnn-ae1, mnn-ae2: MNN-AE-1 and -2 (compared against in u-admm-nets.txt), unrolled ISTA
// encoders with tied or untied layers, trained on ground-truth abundances.
#include "methods/network/unrolled.hpp"
#include "unmix/nets/mnn.hpp"

namespace unmix::internal {
namespace {
NetworkOutcome TrainMnnAe1(const NetworkJob& job, RunResult& out) { return TrainMnn(job, /*tied=*/true, out); }
NetworkOutcome TrainMnnAe2(const NetworkJob& job, RunResult& out) { return TrainMnn(job, /*tied=*/false, out); }
}  // namespace

// u-admm-nets.txt VI: 300 epochs, minibatch 64 (RunOptions::batch), Adam lr 1e-4.
const Registration& MnnAe1Method() {
  static const Registration r{
      .info = {.name = "mnn-ae1",
               .description = "MNN-AE-1: unrolled ISTA, tied layers, trained on ground-truth abundances",
               .kind = MethodKind::kNetwork,
               .supervised = true,
               .defaults = {.lambda = nets::MnnNetOptions{}.lambda, .epochs = 300, .learning_rate = 1e-4}},
      .train = &TrainMnnAe1,
      .apply = &ApplyMnn};
  return r;
}

const Registration& MnnAe2Method() {
  static const Registration r{
      .info = {.name = "mnn-ae2",
               .description = "MNN-AE-2: unrolled ISTA, untied layers, trained on ground-truth abundances",
               .kind = MethodKind::kNetwork,
               .supervised = true,
               .defaults = {.lambda = nets::MnnNetOptions{}.lambda, .epochs = 300, .learning_rate = 1e-4}},
      .train = &TrainMnnAe2,
      .apply = &ApplyMnn};
  return r;
}

}  // namespace unmix::internal
