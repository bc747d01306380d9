// The stream a continual-learning benchmark plays (`lwcl continual`): held-out
// recordings cut into three phases in time order, and a drift applied to the
// later two, so test-then-train can be measured the way a deployed device
// lives: clean for a while, then drifted while it adapts, then drifted while
// it is judged.
//
// Every stream recording is cut into thirds by time: the first third goes to
// phase 1 (before the drift), the second to phase 2 (drifted: the method may
// adapt, spending labels), the last to phase 3 (drifted: accuracy after
// adaptation). Within a phase the pieces of all recordings play in an order
// a seeded shuffle picks, so classes alternate as they do in the field; the
// pieces are separate segments (a device would see a gap between them), and
// nothing is ever in two phases.
//
// The drift (device/drift.h) runs on one clock that starts with phase 2:
// bias, gain and rotation per sample through device::ApplyDrift, noise as
// seeded gaussian noise, a rate drift by resampling the piece (a sensor that
// samples F times faster than it declares stretches every motion F times). A
// pattern injector has no meaning for recordings: ValidateRecordingDrift
// refuses it. A new pattern is a class the model was never trained on
// (`new_class`): its recordings join from phase 2 on (their first third is
// left out), so it appears after deployment.
//
// Promises: the same dataset, indices, drift and seed give the same stream,
// sample for sample.
#ifndef LWCL_APPS_CONTINUAL_STREAM_H_
#define LWCL_APPS_CONTINUAL_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "device/drift.h"
#include "device/sensor_source.h"
#include "train/dataset.h"

namespace lwcl::apps {

// One continuous piece of one recording; `truth` is its class name.
struct StreamSegment {
  std::vector<device::Sample> samples;
  std::string truth;
  size_t recording = 0;  // index into the dataset's recordings
};

struct ContinualStream {
  float rate_hz = 0.0f;                 // the recordings' (declared) rate
  std::vector<StreamSegment> phases[3];  // before drift, adapting, judged
  // Phase 3 again without the drift: the judged windows as the model would
  // see them had nothing moved (the reference an adaptation must recover).
  std::vector<StreamSegment> judged_clean;
  // Recordings left out because a third of them is shorter than
  // min_phase_samples (indices into the dataset's recordings).
  std::vector<size_t> too_short;
};

// Empty when `schedule` can be applied to recordings; else why not.
std::string ValidateRecordingDrift(const device::DriftSchedule& schedule);

// Builds the stream from `recordings` (indices into dataset.recordings; each
// must have exactly three axes, x y z in g). A recording whose thirds are
// shorter than `min_phase_samples` is left out (listed in too_short). Throws
// std::invalid_argument when a recording is not three-axis or the schedule
// fails ValidateRecordingDrift.
ContinualStream BuildContinualStream(const train::Dataset& dataset, const std::vector<size_t>& recordings,
                                     const device::DriftSchedule& drift, size_t min_phase_samples,
                                     uint32_t seed, const std::string& new_class = {});

}  // namespace lwcl::apps

#endif  // LWCL_APPS_CONTINUAL_STREAM_H_
