// Drift injectors: the ways a deployed accelerometer's data moves away from
// what a model was trained on, on a schedule, so the continual-learning loop
// can be measured against known, repeatable drift.
//
// Injectors (each from a start time, as a step or a linear ramp):
//   bias     x/y/z offset in g, added after everything else (sensor offset);
//   gain     x/y/z scale factor (1 = none), or all=F for every axis;
//   rotate   x/y/z degrees: the sensor is re-mounted, rotated about its own
//            x, then y, then z axis (preserves magnitude);
//   noise    sigma=G: extra white gaussian noise, in g;
//   rate     factor=F or hz=H: the sensor really samples at F times (or at H)
//            the rate it declares, so every motion looks F times slower;
//   pattern  name=P [share=S]: an unseen pattern (figure8, tap, or any known
//            one) joins the sequence and takes share S (0..1, default 0.25) of
//            the pattern segments that start from then on.
// Several injectors of one kind combine: biases add, gains and rate factors
// multiply, rotations compose in schedule order, noise sigmas add in
// quadrature, patterns each take their share. A combined gain or rate factor
// is held within [1e-3, 1e3] (kDriftFactorMin/Max), so stacked injectors can
// never drive a reading or the sample clock to zero or infinity.
//
// Text form (for the CLI), no spaces:
//   spec      := injector ( ',' injector )*
//   injector  := kind ( ':' param )* '@' start [ '-' end ]
//   kind      := bias | gain | rotate | noise | rate | pattern
//   param     := name '=' value       (value: a decimal number, or for
//                                      pattern's name a lower-case word)
//   start,end := seconds on the simulator's clock, end > start; with an end
//                the injector ramps linearly from no effect at start to full
//                effect at end.
// Examples: "bias:x=0.2@60", "bias:x=0.2:y=-0.1@60,rotate:z=30@120-180",
//           "rate:factor=1.25@30", "pattern:name=figure8:share=0.3@0".
// ParseDriftSpec never throws on bad text: it returns false with a message
// that names the injector and what is wrong with it.
#ifndef LWCL_DEVICE_DRIFT_H_
#define LWCL_DEVICE_DRIFT_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "device/sensor_source.h"

namespace lwcl::device {

enum class DriftKind { kBias, kGain, kRotate, kNoise, kRate, kPattern };

std::string_view DriftKindName(DriftKind kind);

struct DriftInjector {
  DriftKind kind = DriftKind::kBias;
  double start_s = 0.0;
  double end_s = 0.0;  // == start_s: a step; > start_s: a linear ramp
  // bias: g per axis; gain: factor per axis; rotate: degrees about each axis.
  std::array<float, 3> xyz = {0.0f, 0.0f, 0.0f};
  // noise: sigma in g; rate: factor (when rate_hz is 0); pattern: share.
  float value = 0.0f;
  float rate_hz = 0.0f;  // rate: the real rate in Hz instead of a factor
  std::string pattern;   // pattern: its name
};

struct DriftSchedule {
  std::vector<DriftInjector> injectors;
  bool empty() const { return injectors.empty(); }
};

// At most this many pattern injectors in one schedule (DriftState holds them
// without allocating).
inline constexpr size_t kMaxDriftPatterns = 4;
inline constexpr float kDriftFactorMin = 1.0e-3f;
inline constexpr float kDriftFactorMax = 1.0e3f;

// The combined effect of a schedule at one moment.
struct DriftState {
  std::array<float, 3> bias = {0.0f, 0.0f, 0.0f};
  std::array<float, 3> gain = {1.0f, 1.0f, 1.0f};
  // Row-major rotation matrix applied to the sensor's reading.
  std::array<float, 9> rotation = {1.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 1.0f};
  float noise_g = 0.0f;
  float rate_factor = 1.0f;  // real rate / declared rate
  size_t pattern_count = 0;
  std::array<std::string_view, kMaxDriftPatterns> patterns{};  // views into the schedule
  std::array<float, kMaxDriftPatterns> pattern_shares{};
};

// Parses the text form above into `out` (replacing its contents). On error
// returns false, leaves `out` untouched and sets `error` to a one-line
// message. Pattern names are checked against IsKnownPattern
// (motion_simulator.h).
bool ParseDriftSpec(std::string_view spec, DriftSchedule* out, std::string* error);

// The effect of `schedule` at `time_s` seconds; `declared_rate_hz` turns a
// rate injector's hz into a factor. Does not allocate.
DriftState EvaluateDrift(const DriftSchedule& schedule, double time_s, float declared_rate_hz);

// A reading as the drifted sensor reports it: rotation, then gain, then bias
// (noise and rate are the source's business: they need its random generator
// and its clock).
Sample ApplyDrift(const DriftState& state, const Sample& reading);

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_DRIFT_H_
