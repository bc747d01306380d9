// DTW nearest neighbour: the per-recording reference that gesture sets are
// usually scored against. Each test recording takes the class of the
// training recording nearest to it under dynamic time warping of the whole
// recordings (all axes together: the cost of matching two samples is their
// squared Euclidean distance), within a Sakoe-Chiba band of a tenth of the
// longer recording (never narrower than their length difference). It reads
// the raw samples, so direction and order count, and it needs no window:
// recordings of any length compare.
//
// Cost: test × training recordings × length × band. It is meant for clips;
// when a recording is longer than `max_samples` it is not computed at all
// (`computed` false, `why_not` says so) rather than truncated.
#ifndef LWCL_TRAIN_DTW_NEAREST_NEIGHBOUR_H_
#define LWCL_TRAIN_DTW_NEAREST_NEIGHBOUR_H_

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "train/dataset.h"

namespace lwcl::train {

struct DtwResult {
  bool computed = false;
  std::string why_not;          // when not computed
  size_t reference = 0;         // training recordings compared against
  std::vector<int> predicted;   // one per test recording, -1 for an empty one
  double accuracy = 0.0;        // right / test recordings (an empty one is a miss)
};

// DTW distance of two recordings with the same axes (sqrt of the summed
// cost on the best path); infinity when either is empty.
double DtwDistance(const Recording& a, const Recording& b);

// 1-NN by DtwDistance from `test` recordings to `reference` ones, with
// `dataset`'s labels as truth. Not computed for an empty reference or a
// recording above `max_samples`.
DtwResult DtwNearestNeighbour(const Dataset& dataset, std::span<const size_t> reference,
                              std::span<const size_t> test, size_t max_samples = 512);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_DTW_NEAREST_NEIGHBOUR_H_
