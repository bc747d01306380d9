// Raw nearest neighbour: the trivial reference a trained model must beat.
//
// Each window is resampled to `points` samples per axis (linear
// interpolation) and kept as raw values: in g, nothing removed, so gravity's
// direction and the order of events within the window count, which is what
// tells a left swipe from a right one. A test window takes the class of the
// nearest training window (Euclidean distance; the earlier one on a tie); a
// recording, the majority of its windows (recording_scores.h). Computed by
// the trainer beside the model so a report shows at once when the model is
// below what no training at all achieves.
//
// Cost: test windows × reference windows × axes × points. Above
// `max_reference` training windows an evenly spaced subset is the reference
// (said in the result), so a large set stays a second's work.
#ifndef LWCL_TRAIN_RAW_NEAREST_NEIGHBOUR_H_
#define LWCL_TRAIN_RAW_NEAREST_NEIGHBOUR_H_

#include <cstddef>
#include <span>
#include <vector>

#include "train/dataset.h"
#include "train/recording_scores.h"
#include "train/windowing.h"

namespace lwcl::train {

struct NearestNeighbourOptions {
  size_t points = 32;            // samples per axis after resampling (>= 2)
  size_t max_reference = 4000;   // training windows compared against, at most
};

struct NearestNeighbourResult {
  size_t reference_windows = 0;  // training windows used
  std::vector<int> predicted;    // one per test window
  double window_accuracy = 0.0;  // 0 without test windows
  RecordingScores per_recording; // float_* fields hold the votes; no int8
};

// `reference` and `test` are windows of `window` samples into `dataset`,
// with their class ids. Throws std::invalid_argument for fewer than 2
// points, an empty reference or sizes that disagree.
NearestNeighbourResult RawNearestNeighbour(const Dataset& dataset, std::span<const WindowRef> reference,
                                           std::span<const int> reference_labels,
                                           std::span<const size_t> test_recordings,
                                           std::span<const WindowRef> test, std::span<const int> test_labels,
                                           size_t window, size_t classes, const NearestNeighbourOptions& options = {});

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_RAW_NEAREST_NEIGHBOUR_H_
