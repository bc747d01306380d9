// Windowing: cutting recordings into the fixed-length windows the model sees.
//
// A window is named by reference (recording index + first sample), never
// copied, so a training set of thousands of overlapping windows costs a few
// bytes each. Windows never cross a recording's end: a recording shorter than
// one window yields none, and the tail after the last full stride is dropped,
// as on the device, which only classifies complete windows.
#ifndef LWCL_TRAIN_WINDOWING_H_
#define LWCL_TRAIN_WINDOWING_H_

#include <cstddef>
#include <span>
#include <vector>

#include "train/dataset.h"

namespace lwcl::train {

struct WindowRef {
  size_t recording = 0;  // index into Dataset::recordings
  size_t start = 0;      // first sample of the window
};

// Windows of `window` samples every `stride` samples in `samples`:
// 0 when samples < window, else (samples - window) / stride + 1.
size_t WindowCount(size_t samples, size_t window, size_t stride);

// Samples covering `ms` milliseconds at `rate_hz`, rounded to nearest.
size_t SamplesForDuration(float rate_hz, float ms);

// All windows of the given recordings, in recording order then time order.
std::vector<WindowRef> MakeWindows(const Dataset& dataset, std::span<const size_t> recordings,
                                   size_t window, size_t stride);

// The interleaved [sample][axis] values of one window (a view into the
// dataset; valid while it lives). Throws std::out_of_range if it overruns.
std::span<const float> WindowSamples(const Dataset& dataset, const WindowRef& ref, size_t window);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_WINDOWING_H_
