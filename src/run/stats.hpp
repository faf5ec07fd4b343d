#pragma once
// Summaries of repeated measurements, shared by the experiment runner and the benchmark.
#include <algorithm>
#include <cmath>
#include <vector>

namespace unmix::internal {

struct Stat {
  int n = 0;
  double mean = 0, std = 0;  // sample standard deviation (n - 1); 0 for one value
};

inline Stat Summarise(const std::vector<double>& v) {
  Stat s;
  s.n = static_cast<int>(v.size());
  if (v.empty()) return s;
  for (double x : v) s.mean += x;
  s.mean /= s.n;
  if (s.n > 1) {
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.std = std::sqrt(ss / (s.n - 1));
  }
  return s;
}

// The median (the mean of the middle two for an even count); 0 for none.
inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0.0 : (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}

}  // namespace unmix::internal
