// Augmentation: seeded variations of training windows, so a small dataset
// covers more of what devices will see (sensor noise, gain error, a board
// mounted a little askew, a gesture starting a little earlier or later).
//
// Only ever applied to the TRAINING split: validation and test stay real
// recordings, so early stopping and reported accuracy measure real data.
// Each original window yields `copies` extra windows, each with
//  - time shift: the window start moved by up to ±shift_samples (clamped
//    inside the recording: windows never cross its ends);
//  - rotation: one random 3-D rotation (uniform axis, angle up to
//    ±rotate_deg) applied to every axis triplet (accX/accY/accZ, x/y/z,
//    gyrX/gyrY/gyrZ: a tilted board tilts all its sensors alike), which
//    preserves each triplet's vector norm;
//  - gain: all axes multiplied by one factor in [1 - gain, 1 + gain];
//  - noise: gaussian with σ = noise_g added to the accelerometer (g) axes.
// Deterministic: the same windows, options and seed give the same values.
#ifndef LWCL_TRAIN_AUGMENTATION_H_
#define LWCL_TRAIN_AUGMENTATION_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tinyml/dsp/spectral_config.h"
#include "train/dataset.h"
#include "train/feature_matrix.h"
#include "train/rng.h"
#include "train/windowing.h"

namespace lwcl::train {

struct AugmentOptions {
  int copies = 0;             // extra windows per training window; 0 = off
  float noise_g = 0.01f;      // gaussian σ in g
  float gain = 0.05f;         // ± fraction
  float rotate_deg = 10.0f;   // maximum rotation angle
  size_t shift_samples = 0;   // maximum start jitter, samples
};

// Triplets of axis indices that form a 3-D vector: names equal but for a
// trailing x/y/z (any case), e.g. accX,accY,accZ or x,y,z, in x,y,z order.
std::vector<std::array<size_t, 3>> AxisTriplets(std::span<const std::string> axes);

// A rotation matrix (row-major 3x3) about a uniformly random axis by an angle
// uniform in [-max_deg, max_deg].
std::array<float, 9> RandomRotation(Rng& rng, float max_deg);

// A standard-normal value (Box-Muller on Rng's fixed uniform output).
float Gaussian(Rng& rng);

// Applies rotation, gain and noise to one window in place ([sample][axis]).
// `units` follows Recording::axis_units (empty = all g).
void AugmentWindow(std::span<float> window, std::span<const std::string> axes,
                   std::span<const std::string> units, const AugmentOptions& options, Rng& rng);

// Feature rows of `copies` augmented versions of every window, labelled like
// their source (rows have no WindowRef: they are not real windows).
FeatureMatrix AugmentedFeatures(const Dataset& dataset, std::span<const WindowRef> windows,
                                const tinyml::SpectralConfig& config,
                                const AugmentOptions& options, uint32_t seed);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_AUGMENTATION_H_
