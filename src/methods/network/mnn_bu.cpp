// mnn-bu1, mnn-bu2: MNN-BU-1 and -2 (compared against in u-admm-nets.txt), blind autoencoders: an
// unrolled ISTA encoder (tied or untied layers) and a nonnegative linear decoder.
#include "methods/network/unrolled.hpp"
#include "unmix/nets/mnn.hpp"

namespace unmix::internal {
namespace {
NetworkOutcome TrainMnnBu1(const NetworkJob& job, RunResult& out) { return TrainMnn(job, /*tied=*/true, out); }
NetworkOutcome TrainMnnBu2(const NetworkJob& job, RunResult& out) { return TrainMnn(job, /*tied=*/false, out); }
}  // namespace

// u-admm-nets.txt VI: 300 epochs, minibatch 64 (RunOptions::batch), Adam lr 1e-4.
const Registration& MnnBu1Method() {
  static const Registration r{
      .info = {.name = "mnn-bu1",
               .description = "MNN-BU-1: tied unrolled ISTA encoder + nonnegative linear decoder, from a blind start",
               .kind = MethodKind::kNetwork,
               .supervised = false,
               .defaults = {.lambda = nets::MnnNetOptions{}.lambda, .epochs = 300, .learning_rate = 1e-4}},
      .train = &TrainMnnBu1,
      .apply = &ApplyMnn};
  return r;
}

const Registration& MnnBu2Method() {
  static const Registration r{
      .info = {.name = "mnn-bu2",
               .description = "MNN-BU-2: untied unrolled ISTA encoder + nonnegative linear decoder, from a blind start",
               .kind = MethodKind::kNetwork,
               .supervised = false,
               .defaults = {.lambda = nets::MnnNetOptions{}.lambda, .epochs = 300, .learning_rate = 1e-4}},
      .train = &TrainMnnBu2,
      .apply = &ApplyMnn};
  return r;
}

}  // namespace unmix::internal
