#include "train/windowing.h"

#include <cmath>
#include <stdexcept>

namespace lwcl::train {

size_t WindowCount(size_t samples, size_t window, size_t stride) {
  if (window == 0 || stride == 0 || samples < window) return 0;
  return (samples - window) / stride + 1;
}

size_t SamplesForDuration(float rate_hz, float ms) {
  return static_cast<size_t>(
      std::lround(static_cast<double>(rate_hz) * static_cast<double>(ms) / 1000.0));
}

std::vector<WindowRef> MakeWindows(const Dataset& dataset, std::span<const size_t> recordings,
                                   size_t window, size_t stride) {
  std::vector<WindowRef> windows;
  for (size_t r : recordings) {
    const size_t n = WindowCount(dataset.recordings.at(r).SampleCount(), window, stride);
    for (size_t i = 0; i < n; ++i) windows.push_back(WindowRef{r, i * stride});
  }
  return windows;
}

std::span<const float> WindowSamples(const Dataset& dataset, const WindowRef& ref, size_t window) {
  const Recording& rec = dataset.recordings.at(ref.recording);
  if (ref.start + window > rec.SampleCount()) {
    throw std::out_of_range("window past the end of " + rec.source);
  }
  const size_t axes = rec.axes.size();
  return std::span<const float>(rec.samples).subspan(ref.start * axes, window * axes);
}

}  // namespace lwcl::train
