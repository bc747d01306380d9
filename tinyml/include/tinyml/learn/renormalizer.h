// Renormalizer: re-estimates a model's feature normalisation from the
// device's own recent windows, without a single label, so a sensor whose
// gain changed reads again like the one the model was trained on.
//
// What a gain error g on one axis does to that axis's spectral features
// (tinyml/dsp/spectral_features.h) is known exactly: the RMS scales by g,
// power bins by g² (log10 bins shift by 2·log10 g), skewness and kurtosis
// (plain and spectral) do not move. An offset never reaches the features
// (the block removes each axis's mean). So the renormalizer estimates one
// number per axis, log10 g, and maps the normalisation through it: RMS
// mean' = g·m, std' = g·s; log bins mean' = m + 2·log10 g; power bins
// mean' = g²·m, std' = g²·s; the rest unchanged. Then (raw' − mean') / std'
// is what the network was trained on.
//
// How g is estimated: the package says where each class's raw features sat
// in training, R_c = m + s·μ_c (m, s the normalisation, μ_c the DRFT
// centroid). Observe keeps, per class the model gave a window, a forgotten
// mean r_c of the raw features. Each (class, feature) pair of an axis then
// votes for log10 g — log10(r_c / R_c) from the RMS, (r_c − R_c)/2 from a log
// bin, log10(r_c / R_c)/2 from a power bin — and the axis takes the median
// of the votes, every class seen in at least `min_weight` windows counting
// the same however often it was seen. So the class mix does not enter (a
// device idle all night is not re-calibrated on "idle" alone), and the
// median keeps a class or a bin that differs for other reasons (this
// device's user, its mounting, windows that straddle two motions) from
// pulling the gain. g is kept within [1/10, 10]. The classes are the model's own guesses:
// under a drift it can still handle, most windows keep theirs, and a second
// Fit after more windows refines the first.
//
// Promises: no heap, no I/O. Init takes exactly StateFloats(package)
// floats of state; Observe is O(C·F), Fit O(C·F·B) for B features per axis;
// Fit changes nothing unless it succeeds.
#ifndef LWCL_TINYML_LEARN_RENORMALIZER_H_
#define LWCL_TINYML_LEARN_RENORMALIZER_H_

#include <cstddef>

#include "tinyml/package/model_package.h"
#include "tinyml/span.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

class Renormalizer {
 public:
  // Per-class forgotten sums and weights, the fitted mean and std, the
  // per-axis gains, and the votes of one axis (values and weights).
  static size_t StateFloats(const PackageView& package);

  // `forgetting` λ in (0, 1) per window, as DriftMonitor's. kInvalidArgument
  // for a package without centroids, whose feature count is not the
  // spectral block's, a λ outside (0, 1) or short `state`. The package must
  // outlive the renormalizer.
  Status Init(const PackageView& package, Span<float> state, float forgetting);

  // One window's raw features (before any normalisation) and the class the
  // model gave it. Ignored when the sizes do not match, the class is out of
  // range or a feature is not finite.
  void Observe(Span<const float> raw, size_t label);

  // Fits from the classes whose forgotten weight is at least `min_weight`
  // windows. kNotReady when no class has that many. On kOk, mean(), std()
  // and gain(axis) hold the new normalisation (every std > 0).
  Status Fit(float min_weight);

  // The normalisation for a gain the caller measured itself, the same on
  // every axis (GravityGauge's): kInvalidArgument unless 0.1 ≤ gain ≤ 10
  // (NaN included), kNotReady before Init; on kOk as after a Fit.
  Status ApplyGain(float gain);

  Span<const float> mean() const { return mean_; }
  Span<const float> std() const { return std_; }
  float gain(size_t axis) const { return axis < gains_.size ? gains_[axis] : 1.0f; }
  // The geometric mean of the per-axis gains: the one gain the fit amounts
  // to (what GravityGauge's score compares against); 1 before Init.
  float common_gain() const;
  // The forgotten count of windows given class `label` (0 when out of range).
  float weight(size_t label) const { return label < classes_ ? weights_[label] : 0.0f; }
  // Forgets every window (the fitted normalisation stays).
  void Reset();

 private:
  float AxisLogGain(size_t axis, float min_weight);
  void MapAxis(size_t axis, float log_gain);  // gains_[axis], mean_ and std_ for it

  const PackageView* package_ = nullptr;
  size_t features_ = 0;
  size_t classes_ = 0;
  size_t per_axis_ = 0;  // features per axis: 5 statistics, then the bins
  float forgetting_ = 0.99f;
  Span<float> sums_;     // classes × features: Σλ^k raw
  Span<float> weights_;  // classes
  Span<float> mean_;
  Span<float> std_;
  Span<float> gains_;         // axes
  Span<float> vote_value_;    // classes × per_axis
  Span<float> vote_weight_;   // classes × per_axis
};

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_LEARN_RENORMALIZER_H_
