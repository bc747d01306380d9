// GravityGauge: the sensor's gain, measured against the one reference every
// accelerometer carries with it, gravity, and so without a single label.
//
// Why gravity: over a full window, the mean acceleration is gravity plus
// Δv/T, and a body's velocity is bounded, so in a still or walking window
// the mean's length is 1 g whatever the class, the user or the placement
// (stm32-har: median 1,016 mg, ln spread 0.02–0.03 across wearers and
// placements). A sensor gain g multiplies it by g. The class-conditional
// re-normaliser (renormalizer.h) cannot tell "this device moves more" from
// "this sensor reads more"; gravity can. Running and other hard motion is
// left out: a window counts only when its motion (the RMS about the
// per-axis means, all axes) is below the package's still limit times the
// mean's length, a test a gain does not change.
//
// An offset b moves the mean too, by the same vector in every orientation.
// So the gauge fits a sphere, not a length: each counted window's mean u
// (in units of the package's reference magnitude) satisfies |u − b|² = r²,
// linear in (b, c = r² − |b|²) as |u|² = 2u·b + c. It keeps the forgotten
// sums of that least-squares problem (14 floats) and solves its normal
// equations on demand (c eliminated, a 3 × 3 system for b), with a ridge
// that holds b at 0 unless the
// windows span enough orientations to tell an offset from a gain. The gain
// is r. A device that only ever sits one way reads an offset along gravity
// as a gain: that is a limit of the physics, not of the fit.
//
// The score is |ln(r / applied)| over the package's ln spread: in units of
// how much one still training window spread, as DriftMonitor's score is.
//
// Promises: no heap, no I/O; Init takes kStateFloats floats; Observe is
// O(window); Estimate changes nothing.
#ifndef LWCL_TINYML_LEARN_GRAVITY_GAUGE_H_
#define LWCL_TINYML_LEARN_GRAVITY_GAUGE_H_

#include <cstddef>

#include "tinyml/package/model_package.h"
#include "tinyml/span.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

// One window's evidence, the same for the trainer (which writes the
// package's reference from it) and the device: the per-axis mean and the
// motion (RMS about the means, all axes), both after `scale`; and whether
// the window is still: its motion at most `still_limit` × the mean's length.
struct WindowGravity {
  float mean[3] = {0.0f, 0.0f, 0.0f};
  float motion = 0.0f;
  float length() const;
  bool still(float still_limit) const;
};
// window: samples × 3 floats, [sample][axis]; a window that is empty or not
// a multiple of 3 long gives zeros.
WindowGravity MeasureWindowGravity(Span<const float> window, float scale);

struct GravityEstimate {
  float gain = 1.0f;              // r: the sensor's gain against the training's
  float bias[3] = {0.0f, 0.0f, 0.0f};  // b, in units of the reference magnitude
};

class GravityGauge {
 public:
  static constexpr size_t kStateFloats = 14;

  // kMissingSection for a package without a gravity reference,
  // kInvalidArgument unless it reads 3 axes, for a λ outside (0, 1) or a
  // short `state`. The package must outlive the gauge.
  Status Init(const PackageView& package, Span<float> state, float forgetting);

  // One full window (window_samples × 3 floats, [sample][axis], in the
  // sensor's units: the gauge applies the DSP's scale). Windows that are
  // not still, or whose mean is not between 0.05 and 20 references long (a
  // fall, a broken axis), or not finite, are not counted.
  void Observe(Span<const float> window);

  // Counted windows weigh half the gauge's memory (as DriftMonitor::settled).
  bool settled() const;
  float counted() const;  // the forgotten count of windows counted

  // kNotReady before Init, before any window, or when the fit is degenerate.
  Status Estimate(GravityEstimate* out) const;
  // |ln(gain / applied)| / log spread; 0 when Estimate fails.
  float Score(float applied_gain) const;

  void Reset();  // forgets every window

 private:
  const PackageView* package_ = nullptr;
  Span<float> sums_;  // W, Σu (3), Σuuᵀ (6), Σ|u|² u (3), Σ|u|²
  float forgetting_ = 0.99f;
};

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_LEARN_GRAVITY_GAUGE_H_
