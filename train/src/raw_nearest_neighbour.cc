#include "train/raw_nearest_neighbour.h"

#include <limits>
#include <stdexcept>

namespace lwcl::train {
namespace {

// One window resampled to `points` per axis, [axis][point].
void Resampled(const Dataset& dataset, const WindowRef& ref, size_t window, size_t points, std::vector<float>& out) {
  const std::span<const float> w = WindowSamples(dataset, ref, window);
  const size_t axes = dataset.recordings.at(ref.recording).axes.size();
  out.assign(axes * points, 0.0f);
  for (size_t p = 0; p < points; ++p) {
    const double x = static_cast<double>(p) * static_cast<double>(window - 1) / static_cast<double>(points - 1);
    const auto i = static_cast<size_t>(x);
    const size_t j = i + 1 < window ? i + 1 : i;
    const double f = x - static_cast<double>(i);
    for (size_t a = 0; a < axes; ++a) {
      const double v = static_cast<double>(w[i * axes + a]) * (1.0 - f) + static_cast<double>(w[j * axes + a]) * f;
      out[a * points + p] = static_cast<float>(v);
    }
  }
}

}  // namespace

NearestNeighbourResult RawNearestNeighbour(const Dataset& dataset, std::span<const WindowRef> reference,
                                           std::span<const int> reference_labels,
                                           std::span<const size_t> test_recordings,
                                           std::span<const WindowRef> test, std::span<const int> test_labels,
                                           size_t window, size_t classes, const NearestNeighbourOptions& options) {
  if (options.points < 2 || window < 1 || classes == 0 || reference.empty() ||
      reference.size() != reference_labels.size() || test.size() != test_labels.size()) {
    throw std::invalid_argument("raw nearest neighbour: needs 2+ points, a reference and matching label counts");
  }
  NearestNeighbourResult r;
  // An evenly spaced subset of the reference above max_reference.
  const size_t keep = options.max_reference > 0 && reference.size() > options.max_reference ? options.max_reference
                                                                                            : reference.size();
  std::vector<float> ref_values;
  std::vector<int> ref_labels;
  std::vector<float> one;
  for (size_t k = 0; k < keep; ++k) {
    const size_t i = k * reference.size() / keep;
    Resampled(dataset, reference[i], window, options.points, one);
    ref_values.insert(ref_values.end(), one.begin(), one.end());
    ref_labels.push_back(reference_labels[i]);
  }
  r.reference_windows = keep;
  const size_t dim = one.size();
  std::vector<float> votes;  // one-hot per test window, for the recording vote
  votes.reserve(test.size() * classes);
  size_t right = 0;
  for (size_t t = 0; t < test.size(); ++t) {
    Resampled(dataset, test[t], window, options.points, one);
    double best = std::numeric_limits<double>::infinity();
    int label = -1;
    for (size_t k = 0; k < keep; ++k) {
      const float* v = ref_values.data() + k * dim;
      double d = 0.0;
      for (size_t i = 0; i < dim && d < best; ++i) {
        const double e = static_cast<double>(one[i] - v[i]);
        d += e * e;
      }
      if (d < best) {
        best = d;
        label = ref_labels[k];
      }
    }
    r.predicted.push_back(label);
    right += label == test_labels[t] ? 1 : 0;
    for (size_t c = 0; c < classes; ++c) votes.push_back(static_cast<int>(c) == label ? 1.0f : 0.0f);
  }
  if (!test.empty()) r.window_accuracy = static_cast<double>(right) / static_cast<double>(test.size());
  r.per_recording = ScoreRecordings(dataset, test_recordings, test, votes, {}, classes);
  return r;
}

}  // namespace lwcl::train
