// The list of methods. Adding a method: its file under src/methods/<kind>/ defines
// `const Registration& <Name>Method()`, and one line here names it (docs/design.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "methods/method.hpp"
#include "unmix/core/error.hpp"

// In the order help texts list the methods; one line each.
// clang-format off
#define UNMIX_METHODS(X) \
  X(VcaFcls)             \
  X(NFindrFcls)          \
  X(VcaSunsal)           \
  X(SpatialNFindr)       \
  X(SpatialPurity)       \
  X(L1Nmf)               \
  X(Fcls)                \
  X(Sunsal)              \
  X(Aenet1)              \
  X(Aenet2)              \
  X(Bunet1)              \
  X(Bunet2)              \
  X(NmfSae)              \
  X(MnnAe1)              \
  X(MnnAe2)              \
  X(MnnBu1)              \
  X(MnnBu2)
// clang-format on

namespace unmix {
namespace internal {

#define UNMIX_DECLARE(name) const Registration& name##Method();
UNMIX_METHODS(UNMIX_DECLARE)
#undef UNMIX_DECLARE

const std::vector<const Registration*>& Registry() {
#define UNMIX_ADDRESS(name) &name##Method(),
  static const std::vector<const Registration*> all = {UNMIX_METHODS(UNMIX_ADDRESS)};
#undef UNMIX_ADDRESS
  return all;
}

std::string UnknownMethodMessage(std::string_view name) {
  return fmt::format("unknown method '{}' (known: {})", name, fmt::join(MethodNames(), ", "));
}

const Registration& Registered(std::string_view name) {
  for (const Registration* r : Registry())
    if (r->info.name == name) return *r;
  throw OptionError(UnknownMethodMessage(name));
}

}  // namespace internal

std::string_view Name(MethodKind kind) {
  switch (kind) {
    case MethodKind::kExtractor:
      return "extractor";
    case MethodKind::kAbundance:
      return "abundance";
    case MethodKind::kBlind:
      return "blind";
    case MethodKind::kNetwork:
      return "network";
  }
  return "?";
}

const std::vector<MethodInfo>& Methods() {
  static const std::vector<MethodInfo> infos = [] {
    std::vector<MethodInfo> v;
    for (const internal::Registration* r : internal::Registry()) v.push_back(r->info);
    return v;
  }();
  return infos;
}

std::vector<std::string> MethodNames() {
  std::vector<std::string> names;
  for (const auto& m : Methods()) names.push_back(m.name);
  return names;
}

const MethodInfo* FindMethod(std::string_view name) {
  for (const auto& m : Methods())
    if (m.name == name) return &m;
  return nullptr;
}

const MethodInfo& GetMethod(std::string_view name) {
  if (const MethodInfo* m = FindMethod(name)) return *m;
  throw OptionError(internal::UnknownMethodMessage(name));
}

Init ResolveInit(const MethodInfo& m, const RunOptions& o, bool gt_has_endmembers) {
  if (o.init != Init::kAuto || !m.has_start()) return o.init;
  if (m.supervised) return gt_has_endmembers ? Init::kGroundTruth : Init::kVca;
  if (m.network() && o.preset == Preset::kUnmix) return Init::kSpatialPurity;
  return Init::kVca;
}

}  // namespace unmix
