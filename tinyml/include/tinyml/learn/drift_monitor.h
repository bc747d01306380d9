// DriftMonitor: how far the feature statistics a device sees now have moved
// from what its model was trained on, and how confident the model is — per
// window, heap-free, in caller-provided state.
//
// The score is class-conditional, so a device that simply does one thing for
// a long time (idle all night) does not look drifted: each window's
// normalised feature vector minus the centroid of the class it was
// classified as (the package's DRFT centroids, training class means) is a
// residual; the monitor keeps an exponentially forgotten mean of those
// residuals per feature (forgetting factor λ per window, bias-corrected
// like Adam's moments so the first windows count fully) and reports
//
//   drift = sqrt( (1/F) * Σ_i  r̄_i² / v_i )
//
// where v_i is the package's DRFT variance: the trainer writes the pooled
// within-class variance of each normalised feature there, so the score is
// in units of how much one class's windows normally spread: 0 when the
// residuals average out, about s when every feature sits s of those spreads
// away from its class. Gain and rotation errors of the sensor move residuals
// consistently; noise averages out. (A constant bias does not show: the
// spectral block removes each axis's mean, so it does not hurt the model
// either.) The mean confidence is the same forgotten mean of the top-class
// probability.
//
// Promises: no heap, no I/O; Init checks sizes and takes exactly
// StateFloats(F) floats of state; Update is O(F).
#ifndef LWCL_TINYML_LEARN_DRIFT_MONITOR_H_
#define LWCL_TINYML_LEARN_DRIFT_MONITOR_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/package/model_package.h"
#include "tinyml/span.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

class DriftMonitor {
 public:
  static constexpr size_t StateFloats(size_t features) { return features; }

  // `forgetting` λ in (0, 1): a window's weight after n more windows is λ^n
  // (0.98: about the last 50 windows). kInvalidArgument for a package
  // without centroids, a λ outside (0, 1) or `state` smaller than
  // StateFloats(feature_count). The package must outlive the monitor.
  Status Init(const PackageView& package, Span<float> state, float forgetting);

  // One classified window: its normalised features (feature_count floats),
  // the class it was given and that class's probability. Ignored when the
  // sizes do not match or the class is out of range.
  void Update(Span<const float> normalized, size_t label, float confidence);
  // Back to no windows seen (after a new model or a re-normalisation).
  void Reset();

  float score() const;            // 0 before any window
  // True once the windows seen weigh at least half of the monitor's memory
  // (Σλ^k ≥ 0.5 / (1 - λ): about 69 windows at λ = 0.99). Before that the
  // score rests on a few windows and swings; callers that act on it (sample
  // capture) wait for this.
  bool settled() const { return weight_ * (1.0f - forgetting_) >= 0.5f; }
  float mean_confidence() const;  // 0 before any window
  uint32_t windows() const { return windows_; }

 private:
  Span<const float> centroids_;
  Span<const float> variance_;
  size_t features_ = 0;
  size_t classes_ = 0;
  Span<float> residual_;  // forgotten sums (not yet bias-corrected)
  float forgetting_ = 0.98f;
  float weight_ = 0.0f;      // Σ λ^k over the windows seen: the bias correction
  float confidence_ = 0.0f;  // forgotten sum of confidences
  uint32_t windows_ = 0;
};

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_LEARN_DRIFT_MONITOR_H_
