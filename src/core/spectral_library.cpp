#include "unmix/core/spectral_library.hpp"

#include <algorithm>
#include <cctype>

namespace unmix {

Index SpectralLibrary::Find(const std::string& prefix) const {
  auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& n = names[i];
    if (n.size() < prefix.size()) continue;
    if (std::equal(prefix.begin(), prefix.end(), n.begin(), [&](char a, char b) { return lower(a) == lower(b); }))
      return static_cast<Index>(i);
  }
  return -1;
}

}  // namespace unmix
