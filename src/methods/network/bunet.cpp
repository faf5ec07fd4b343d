// bunet1, bunet2: U-ADMM-BUNet-I and -II (u-admm-nets.txt), blind autoencoders: an unrolled ADMM
// encoder (tied or untied layers) and a nonnegative linear decoder holding the endmembers.
#include "methods/network/unrolled.hpp"

namespace unmix::internal {
namespace {
NetworkOutcome TrainBunet1(const NetworkJob& job, RunResult& out) { return TrainAdmm(job, /*tied=*/true, out); }
NetworkOutcome TrainBunet2(const NetworkJob& job, RunResult& out) { return TrainAdmm(job, /*tied=*/false, out); }
}  // namespace

// u-admm-nets.txt VI: 300 epochs, minibatch 64 (RunOptions::batch), Adam lr 1e-4.
const Registration& Bunet1Method() {
  static const Registration r{
      .info = {.name = "bunet1",
               .description =
                   "U-ADMM-BUNet-I: tied unrolled ADMM encoder + nonnegative linear decoder, from a blind start",
               .kind = MethodKind::kNetwork,
               .supervised = false,
               .defaults = {.epochs = 300, .learning_rate = 1e-4}},
      .train = &TrainBunet1,
      .apply = &ApplyAdmm};
  return r;
}

const Registration& Bunet2Method() {
  static const Registration r{
      .info = {.name = "bunet2",
               .description =
                   "U-ADMM-BUNet-II: untied unrolled ADMM encoder + nonnegative linear decoder, from a blind start",
               .kind = MethodKind::kNetwork,
               .supervised = false,
               .defaults = {.epochs = 300, .learning_rate = 1e-4}},
      .train = &TrainBunet2,
      .apply = &ApplyAdmm};
  return r;
}

}  // namespace unmix::internal
