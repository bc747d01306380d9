// Motion simulator: a hand-held, Thingy:91-like accelerometer performing
// gestures, as a SensorSource, so a virtual device (and the trainer, through
// `lwcl simulate`) has realistic labelled motion without any recording.
//
// What it models, per sample: the gesture's acceleration in the world frame
// plus gravity, seen in the device's frame (the device is held at a tilt
// that changes per repetition and wobbles slightly), physiological hand
// tremor (~8-12 Hz, a few mg), sensor white noise, drift (drift.h), then
// clipping to the range and quantisation to the resolution (12-bit over
// +-2 g by default: 1/1024 g steps), like the real part.
//
// Gestures (names are the interface; the model's labels):
//   idle    device held still: ~1 g, tremor and noise only;
//   updown  lifted up and down along gravity at ~1-2 Hz;
//   wave    swung side to side (device x) at ~1.5-2.5 Hz with a wrist roll;
//   circle  drawn in the horizontal plane at ~1-1.8 Hz: x and y in
//           quadrature;
//   shake   vigorous shaking at ~6-9 Hz, mostly x, some y and z;
// and two that the default model never saw, for drift experiments:
//   figure8 a lying eight in the horizontal plane (x at f, y at 2f);
//   tap     held still with short sharp knocks along z every ~0.4-0.8 s;
// and four strokes, mirrored in pairs, for short gesture clips (`lwcl
// simulate --clips`): left, right (along device x), up, down (along
// gravity): one movement of 15-35 cm over 0.4-0.8 s, somewhere in the
// segment, from rest to rest (acceleration one sine cycle).
//
// A run is a sequence of segments: each plays one gesture for a random
// duration in [min_segment_s, max_segment_s] with its own amplitude,
// frequency, phase and tilt (and a slow random wander of amplitude and
// frequency inside it), and neighbouring segments cross-fade over
// crossfade_s. The order is shuffled rounds: every listed gesture once per
// round, so counts stay balanced; a drift `pattern` injector takes its share
// of segments on top.
//
// Promises: the same options (seed included) give the same samples, bit for
// bit, on one build; no global state; Next never allocates and never ends.
// truth() is the gesture of the current segment (during a cross-fade, the
// one with the larger weight).
#ifndef LWCL_DEVICE_MOTION_SIMULATOR_H_
#define LWCL_DEVICE_MOTION_SIMULATOR_H_

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "device/drift.h"
#include "device/sensor_source.h"

namespace lwcl::device {

// The gestures of the default model, in its label order.
inline constexpr std::array<std::string_view, 5> kDefaultPatterns = {"idle", "updown", "wave",
                                                                     "circle", "shake"};
// Gestures the simulator can make that the default model does not know.
inline constexpr std::array<std::string_view, 2> kUnseenPatterns = {"figure8", "tap"};
// The mirrored strokes of short gesture clips.
inline constexpr std::array<std::string_view, 4> kStrokePatterns = {"left", "right", "up", "down"};
// Every name IsKnownPattern accepts, for messages.
inline constexpr std::string_view kKnownPatternList =
    "idle, updown, wave, circle, shake, figure8, tap, left, right, up, down";

bool IsKnownPattern(std::string_view name);

struct MotionSimulatorOptions {
  // The default model's rate (tinyml::SpectralConfig, docs/benchmarks.md).
  float rate_hz = 26.0f;
  // Gestures to cycle through; each must be IsKnownPattern. Empty = idle.
  std::vector<std::string> patterns = {"idle", "updown", "wave", "circle", "shake"};
  float min_segment_s = 4.0f;
  float max_segment_s = 8.0f;
  float crossfade_s = 0.5f;  // 0 = hard cuts
  // How much repetitions differ: amplitude and frequency are drawn within
  // +- this fraction of each gesture's nominal values.
  float variation = 0.25f;
  float tremor_g = 0.006f;      // rms of the hand tremor; 0 = a robot arm
  float noise_g = 0.003f;       // rms of the sensor's white noise
  float range_g = 2.0f;         // readings clip at +- this
  float resolution_g = 1.0f / 1024.0f;  // quantisation step; 0 = none
  uint32_t seed = 1;
  DriftSchedule drift;
};

// Empty when `options` are usable, else what is wrong (for the CLI).
std::string ValidateMotionSimulatorOptions(const MotionSimulatorOptions& options);

class MotionSimulator : public SensorSource {
 public:
  // Throws std::invalid_argument when ValidateMotionSimulatorOptions fails.
  explicit MotionSimulator(MotionSimulatorOptions options);

  float rate_hz() const override { return options_.rate_hz; }
  bool Next(Sample* out) override;
  std::string_view truth() const override;

  // Seconds of simulated (physical) time so far; it runs faster or slower
  // than samples / rate_hz() only under a rate drift.
  double time_s() const { return time_s_; }
  // True while the current sample is part of a cross-fade between segments
  // (its label is ambiguous: `lwcl simulate` leaves such samples out).
  bool in_transition() const { return in_transition_; }
  // Counts segments started so far; changes exactly when a new segment
  // (a new repetition) begins.
  uint64_t segment_index() const { return segment_index_; }

 private:
  // One gesture repetition: its fixed parameters and its running state.
  struct Segment {
    int pattern = 0;  // index into the known-pattern table
    double start_s = 0.0;
    double end_s = 0.0;
    float amplitude = 0.0f;  // g
    float frequency = 0.0f;  // Hz
    float phase = 0.0f;      // running phase, radians
    float tilt_x = 0.0f;     // radians: how the hand holds the device
    float tilt_y = 0.0f;
    float wander_amp = 0.0f;   // slow random modulation state
    float wander_freq = 0.0f;
    float next_tap_s = 0.0f;   // tap: time of the next knock, relative to start
    float tap_age_s = 1.0e9f;  // tap: time since the last knock
    float stroke_start_s = 0.0f;  // strokes: when the movement starts, relative to start
  };

  void StartSegment(Segment* seg, double start_s);
  int PickPattern(double start_s);
  // World-frame motion acceleration (g) of `seg` after advancing it by dt.
  std::array<float, 3> Step(Segment* seg, float dt);

  MotionSimulatorOptions options_;
  std::vector<int> round_;  // shuffled pattern indices of this round
  size_t round_pos_ = 0;
  std::mt19937 rng_;
  std::normal_distribution<float> gauss_{0.0f, 1.0f};
  std::uniform_real_distribution<float> uniform_{0.0f, 1.0f};
  Segment current_;
  Segment next_;
  bool have_next_ = false;
  double time_s_ = 0.0;
  bool in_transition_ = false;
  bool truth_is_next_ = false;
  uint64_t segment_index_ = 0;
  float tremor_phase_ = 0.0f;
  float tremor_freq_ = 9.0f;
  float tremor_env_ = 0.0f;  // slow random envelope state
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_MOTION_SIMULATOR_H_
