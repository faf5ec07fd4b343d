#include "io/gdal_util.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>

#include <mutex>

namespace unmix::io::detail {

void EnsureGdal() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

GdalErrorCapture::GdalErrorCapture() { CPLPushErrorHandlerEx(&GdalErrorCapture::Handler, this); }
GdalErrorCapture::~GdalErrorCapture() { CPLPopErrorHandler(); }

void CPL_STDCALL GdalErrorCapture::Handler(CPLErr level, CPLErrorNum, const char* msg) {
  if (level < CE_Failure) return;  // warnings and debug output are not failures
  auto* self = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
  if (!self) return;
  if (!self->errors_.empty()) self->errors_ += "; ";
  self->errors_ += msg ? msg : "";
}

std::string GdalErrorCapture::message(const std::string& fallback) const {
  return errors_.empty() ? fallback : errors_;
}

ScopedGdalConfig::ScopedGdalConfig(const char* key, const char* value) : key_(key) {
  if (const char* old = CPLGetThreadLocalConfigOption(key, nullptr)) {
    old_ = old;
    had_old_ = true;
  }
  CPLSetThreadLocalConfigOption(key, value);
}

ScopedGdalConfig::~ScopedGdalConfig() {
  CPLSetThreadLocalConfigOption(key_.c_str(), had_old_ ? old_.c_str() : nullptr);
}

}  // namespace unmix::io::detail
