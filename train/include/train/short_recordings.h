// Short recordings: what training does with a recording shorter than one
// model window, which yields no window of its own (windowing.h).
//
// Gesture sets are full of them (a flick lasts 0.3 s, a window 2 s), and
// dropping them silently would both starve a class of training data and hide
// misses from the scores. So the policy is explicit and chosen by the user:
//
//  - pad-edge (the default): the recording is centred in one window and the
//    gap on each side repeats its first and last sample. For an
//    accelerometer that is a sensor held still before and after the motion,
//    which is what a device sees around a real gesture (gravity stays);
//  - pad-mean: the gap holds the recording's per-axis mean;
//  - pad-zero: the gap holds zeros (for signals whose rest value is 0; an
//    accelerometer at rest reads 1 g, so this one is rarely right for it);
//  - skip: the recording gets no window. Training lists it by name, and
//    per-recording scores count it as a miss, never as absent.
//
// A padded recording is exactly one window long, so it gives one window at
// any stride. Promises: padding never changes a recording that already
// holds a window, and the recorded samples sit unchanged in the middle.
#ifndef LWCL_TRAIN_SHORT_RECORDINGS_H_
#define LWCL_TRAIN_SHORT_RECORDINGS_H_

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "train/dataset.h"

namespace lwcl::train {

enum class ShortRecordingPolicy { kPadEdge, kPadMean, kPadZero, kSkip };

// "pad-edge", "pad-mean", "pad-zero", "skip"; nullopt for anything else.
std::optional<ShortRecordingPolicy> ParseShortRecordingPolicy(std::string_view name);
std::string_view ShortRecordingPolicyName(ShortRecordingPolicy policy);

// One recording shorter than a window, and what was done with it.
struct ShortRecording {
  size_t recording = 0;  // index into Dataset::recordings
  size_t samples = 0;    // its length before padding
  bool padded = false;   // false: skipped
};

// The recordings with fewer than `window` samples (empty ones included), in
// dataset order.
std::vector<ShortRecording> FindShortRecordings(const Dataset& dataset, size_t window);

// `recording` padded to `window` samples by `policy` (a copy when it already
// has that many, or the policy is skip). An empty recording pads to zeros
// (edge and mean have nothing to repeat).
Recording PadRecording(const Recording& recording, size_t window, ShortRecordingPolicy policy);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_SHORT_RECORDINGS_H_
