// GravityReference (trainer side): what gravity looked like in the training
// windows, written to the package's GRAV section so a device can measure its
// sensor's gain against it without labels (tinyml/learn/gravity_gauge.h).
//
// A window is "still" when its motion (the RMS about the per-axis means, all
// axes) is below `still_limit` times the length of its mean; the reference
// is the median length over the still windows (after the DSP's scale) and
// the robust spread of ln(length) (1.4826 × the median absolute deviation),
// floored at kMinGravitySpread: sensors differ from each other by about that
// much, and a gain that small is not worth correcting.
//
// No reference (magnitude 0) unless the DSP reads 3 axes, every axis is an
// accelerometer's (units g), and at least kMinStillWindows windows, a tenth
// of them, are still: data with gravity removed, a gyroscope, or a set of
// nothing but hard motion give the gauge nothing to stand on.
#ifndef LWCL_TRAIN_GRAVITY_REFERENCE_H_
#define LWCL_TRAIN_GRAVITY_REFERENCE_H_

#include <cstddef>
#include <span>

#include "tinyml/dsp/spectral_config.h"
#include "tinyml/package/model_package.h"
#include "train/dataset.h"
#include "train/windowing.h"

namespace lwcl::train {

inline constexpr float kDefaultStillLimit = 0.5f;
inline constexpr float kMinGravitySpread = 0.02f;
inline constexpr size_t kMinStillWindows = 20;

tinyml::GravityReference MeasureGravity(const Dataset& dataset, std::span<const WindowRef> windows,
                                        const tinyml::SpectralConfig& dsp,
                                        float still_limit = kDefaultStillLimit);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_GRAVITY_REFERENCE_H_
