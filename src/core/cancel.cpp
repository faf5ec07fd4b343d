#include "unmix/core/cancel.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>

namespace unmix {
namespace {

// -1: no request; otherwise the requesting signal (0 = a call). Lock-free, so signal-safe.
std::atomic<int> g_request{-1};
static_assert(std::atomic<int>::is_always_lock_free);

void RestoreDefault(int sig) {
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, nullptr);
}

extern "C" void OnCancelSignal(int sig) {
  const int saved_errno = errno;
  int expected = -1;
  g_request.compare_exchange_strong(expected, sig);
  // The next SIGINT or SIGTERM takes the default action: a second request means "now".
  RestoreDefault(SIGINT);
  RestoreDefault(SIGTERM);
  static const char kMessage[] =
      "\nunmix: interrupted; stopping at the next safe point without writing partial results "
      "(interrupt again to quit at once)\n";
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  errno = saved_errno;
}

}  // namespace

const char* Cancelled::what() const noexcept {
  switch (signal_) {
    case SIGINT:
      return "interrupted by SIGINT";
    case SIGTERM:
      return "interrupted by SIGTERM";
    default:
      return "cancelled";
  }
}

void RequestCancel(int signal) noexcept {
  int expected = -1;
  g_request.compare_exchange_strong(expected, signal);
}

bool CancelRequested() noexcept { return g_request.load(std::memory_order_relaxed) >= 0; }

int CancelSignal() noexcept {
  const int s = g_request.load();
  return s > 0 ? s : 0;
}

void ResetCancel() noexcept { g_request.store(-1); }

void ThrowIfCancelled() {
  const int s = g_request.load(std::memory_order_relaxed);
  if (s >= 0) throw Cancelled(s);
}

void InstallCancelSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnCancelSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // reads and writes in progress continue; the flag is checked later
  for (int sig : {SIGINT, SIGTERM}) {
    // An inherited "ignore" (e.g. `nohup`, a background job) is kept.
    struct sigaction old {};
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(sig, &sa, nullptr);
  }
}

}  // namespace unmix
