#pragma once
// GDAL plumbing: one-time driver registration, RAII datasets, captured error messages, and
// thread-local configuration overrides.
#include <gdal_priv.h>

#include <memory>
#include <string>

namespace unmix::io::detail {

// Registers the GDAL drivers once per process (thread-safe).
void EnsureGdal();

struct DatasetClose {
  void operator()(GDALDataset* ds) const noexcept { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetClose>;

// Collects GDAL errors raised on this thread while alive, instead of printing them.
class GdalErrorCapture {
 public:
  GdalErrorCapture();
  ~GdalErrorCapture();
  GdalErrorCapture(const GdalErrorCapture&) = delete;
  GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;
  bool failed() const { return !errors_.empty(); }
  // The collected failure messages, or `fallback` when there are none.
  std::string message(const std::string& fallback = "no details from GDAL") const;
  void clear() { errors_.clear(); }

 private:
  static void CPL_STDCALL Handler(CPLErr level, CPLErrorNum, const char* msg);
  std::string errors_;
};

// Sets a GDAL configuration option for this thread and restores the previous value.
class ScopedGdalConfig {
 public:
  ScopedGdalConfig(const char* key, const char* value);
  ~ScopedGdalConfig();
  ScopedGdalConfig(const ScopedGdalConfig&) = delete;
  ScopedGdalConfig& operator=(const ScopedGdalConfig&) = delete;

 private:
  std::string key_, old_;
  bool had_old_ = false;
};

}  // namespace unmix::io::detail
