#pragma once
// Cooperative cancellation. SIGINT/SIGTERM (or RequestCancel) set a process-wide flag; long
// loops call ThrowIfCancelled() at points where stopping loses only the work in progress, and
// the exception unwinds through the atomic writers, which delete their temporaries. So an
// interrupted command leaves no file that looks complete and a rerun starts cleanly.
//
// Checkpoints: every training batch (train::Train), every L1-NMF iteration and the start of
// every output directory (EnsureWritableDirectory), so no output is begun after an interrupt. Work between two
// checkpoints (a classical solver, writing one run folder) runs to its end first.
#include <exception>

namespace unmix {

// Thrown at a checkpoint once cancellation was requested. Deliberately not an unmix::Error, so
// code that catches Error to add context lets it through.
class Cancelled : public std::exception {
 public:
  explicit Cancelled(int signal) : signal_(signal) {}
  const char* what() const noexcept override;
  // The signal that requested it (SIGINT, SIGTERM), or 0 for RequestCancel(0).
  int signal() const noexcept { return signal_; }

 private:
  int signal_;
};

// Async-signal-safe.
void RequestCancel(int signal = 0) noexcept;
bool CancelRequested() noexcept;
// The signal of the first request (0 when none or requested by a call).
int CancelSignal() noexcept;
// Clears a request (tests, or a caller that handled it and carries on).
void ResetCancel() noexcept;
// Throws Cancelled when a request is pending.
void ThrowIfCancelled();

// SIGINT and SIGTERM request cancellation and print one line on stderr; a second signal of
// either kind ends the process at once with the default action.
void InstallCancelSignalHandlers();

}  // namespace unmix
