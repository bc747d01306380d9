#include "train/dtw_nearest_neighbour.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lwcl::train {

double DtwDistance(const Recording& a, const Recording& b) {
  const size_t n = a.SampleCount(), m = b.SampleCount(), axes = a.axes.size();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (n == 0 || m == 0 || axes != b.axes.size()) return kInf;
  const size_t longer = std::max(n, m);
  const size_t band = std::max((longer + 9) / 10, n > m ? n - m : m - n);
  // Two rows of the cumulative cost, over b's samples (plus the origin).
  std::vector<double> previous(m + 1, kInf), current(m + 1, kInf);
  previous[0] = 0.0;
  for (size_t i = 1; i <= n; ++i) {
    std::fill(current.begin(), current.end(), kInf);
    const size_t from = i > band ? i - band : 1;
    const size_t to = std::min(m, i + band);
    for (size_t j = from; j <= to; ++j) {
      double cost = 0.0;
      for (size_t k = 0; k < axes; ++k) {
        const double d = static_cast<double>(a.samples[(i - 1) * axes + k] - b.samples[(j - 1) * axes + k]);
        cost += d * d;
      }
      current[j] = cost + std::min({previous[j], previous[j - 1], current[j - 1]});
    }
    std::swap(previous, current);
  }
  return std::sqrt(previous[m]);
}

DtwResult DtwNearestNeighbour(const Dataset& dataset, std::span<const size_t> reference,
                              std::span<const size_t> test, size_t max_samples) {
  DtwResult r;
  if (reference.empty()) {
    r.why_not = "no training recording";
    return r;
  }
  for (const auto* set : {&reference, &test}) {
    for (size_t i : *set) {
      if (dataset.recordings.at(i).SampleCount() > max_samples) {
        r.why_not = "recordings longer than " + std::to_string(max_samples) +
                    " samples (DTW per recording is the reference for clips)";
        return r;
      }
    }
  }
  r.computed = true;
  r.reference = reference.size();
  size_t right = 0;
  for (size_t t : test) {
    double best = std::numeric_limits<double>::infinity();
    int label = -1;
    for (size_t k : reference) {
      const double d = DtwDistance(dataset.recordings[t], dataset.recordings[k]);
      if (d < best) {
        best = d;
        label = dataset.LabelIndex(dataset.recordings[k].label);
      }
    }
    r.predicted.push_back(label);
    right += label >= 0 && label == dataset.LabelIndex(dataset.recordings[t].label) ? 1 : 0;
  }
  if (!test.empty()) r.accuracy = static_cast<double>(right) / static_cast<double>(test.size());
  return r;
}

}  // namespace lwcl::train
