// Dataset preparation: making every recording of a dataset fit one model
// input: the same axes in the same order, at the same rate.
//
//  - Axis selection by name (or by 0-based column index, for CSV files
//    without a header). The default is the accelerometer: the axes whose name
//    starts with "acc" when there are any (Edge Impulse exports), else every
//    axis (CSV files, whose timestamp column the loader already dropped).
//  - Resampling to a target rate by linear interpolation between
//    neighbouring samples (enough for motion sampled well above its band).
//  - Checks, each a DatasetError naming the file: a selected axis missing,
//    mixed rates when no target rate is given, a class with no recordings.
#ifndef LWCL_TRAIN_DATASET_PREPARATION_H_
#define LWCL_TRAIN_DATASET_PREPARATION_H_

#include <span>
#include <string>
#include <vector>

#include "train/dataset.h"

namespace lwcl::train {

struct PrepareOptions {
  std::vector<std::string> axes;  // empty = DefaultAxes of the first recording
  float rate_hz = 0.0f;           // 0 = the recordings' own (which must agree)
};

// The default axis selection for a recording (see above).
std::vector<std::string> DefaultAxes(const Recording& recording);

// `recording` with only `axes`, in that order. Throws naming the file and the
// axes it has when one is missing.
Recording SelectAxes(const Recording& recording, std::span<const std::string> axes);

// `recording` resampled to `rate_hz`: sample k is at time k / rate_hz,
// linearly interpolated; the last output sample is at or before the last
// input sample. Same rate (within 0.1 %) returns a copy.
Recording Resample(const Recording& recording, float rate_hz);

// Selects axes and resamples every recording, then checks the result. Rates
// within 1 % of each other count as the same (clocks drift).
Dataset PrepareDataset(const Dataset& dataset, const PrepareOptions& options);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_DATASET_PREPARATION_H_
