// Recording scores: a split scored per recording as well as per window, so
// the figures compare with baselines that classify whole recordings (a
// gesture set's random forest or 1-NN-DTW give one answer per recording).
//
// A recording's float class is the arg-max of its windows' mean
// probabilities; its int8 class is the majority of the device's window
// decisions (ties to the lower class id), what a device reporting per
// window would add up to. A recording with no scored window (shorter than
// one and skipped, or every window non-finite) is unscored: it counts in
// the denominator as a miss, so leaving recordings out never raises a score.
#ifndef LWCL_TRAIN_RECORDING_SCORES_H_
#define LWCL_TRAIN_RECORDING_SCORES_H_

#include <cstddef>
#include <span>
#include <vector>

#include "train/dataset.h"
#include "train/windowing.h"

namespace lwcl::train {

struct RecordingScores {
  std::vector<size_t> recordings;  // the split's, in its order
  std::vector<int> truth;          // class id per recording
  std::vector<size_t> windows;     // scored windows per recording
  std::vector<int> float_predicted;  // -1 when unscored
  std::vector<int> int8_predicted;   // -1 when unscored; empty without int8
  size_t unscored = 0;
  double float_accuracy = 0.0;  // right / recordings (unscored are wrong); 0 for none
  double int8_accuracy = 0.0;
};

// `windows` are the split's scored windows, `float_probabilities` their
// probabilities (windows.size() × classes, row-major) and `int8_predicted`
// the device's class per window (empty: no int8 scores). Throws
// std::invalid_argument when the sizes disagree or a window's recording is
// not in `recordings`.
RecordingScores ScoreRecordings(const Dataset& dataset, std::span<const size_t> recordings,
                                std::span<const WindowRef> windows,
                                std::span<const float> float_probabilities,
                                std::span<const int> int8_predicted, size_t classes);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_RECORDING_SCORES_H_
