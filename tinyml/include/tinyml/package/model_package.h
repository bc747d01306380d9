// ModelPackage: reads a model package in place and refuses anything unsound.
//
// ReadPackage checks a package byte by byte before anything uses it: the
// header, the exact length, the SHA-256 digest over everything before the
// trailer, then every section's sizes, counts, ranges and the consistency
// of the layer chain. On success the PackageView points into the caller's
// buffer (zero copy): keep the buffer alive and unchanged while the view is
// used. Every failure returns one specific Status and leaves *out in an
// unspecified state. The reader never reads outside `bytes`, allocates
// nothing, and never trusts a length before checking it.
//
// The buffer must be 4-byte aligned (float and int32 arrays are used in
// place); a misaligned buffer is refused with kInvalidArgument. Packages are
// little-endian, as are all supported targets. The Ed25519 signature is only
// located here; verifying it is the host's (or a future device crypto
// library's) job. Checking the DSP parameters against the feature count is
// Classifier::Init's job, which owns the DSP.
#ifndef LWCL_TINYML_PACKAGE_MODEL_PACKAGE_H_
#define LWCL_TINYML_PACKAGE_MODEL_PACKAGE_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/span.h"
#include "tinyml/dsp/spectral_config.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

inline constexpr size_t kMaxLabels = 16;        // classes a package may name
inline constexpr size_t kMaxLayers = 8;         // dense layers a package may hold
inline constexpr size_t kMaxLayerWidth = 1024;  // in/out units of one layer
inline constexpr size_t kMaxGoldenWindows = 16;  // self-test windows a package may carry

// One int8 dense layer, as stored. Weights are symmetric per output channel
// (zero point 0, scale weight_scales[o]); bias is int32 at scale
// input_scale * weight_scales[o]; multiplier/shift requantise to output_scale.
struct LayerView {
  uint16_t in = 0;
  uint16_t out = 0;
  bool relu = false;
  float input_scale = 0.0f;
  int32_t input_zero_point = 0;
  float output_scale = 0.0f;
  int32_t output_zero_point = 0;
  Span<const int8_t> weights;       // out * in, row-major [out][in]
  Span<const float> weight_scales;  // out
  Span<const int32_t> bias;         // out
  Span<const int32_t> multiplier;   // out, Q31
  Span<const int32_t> shift;        // out, in [-31, 30]
};

// One golden self-test window (GOLD): the raw DSP features of a training
// window (before normalisation), the class it must be classified as, and the
// exact int8 output of the last layer the trainer's run of the same int8
// network produced for it. Points into the package.
struct GoldenWindow {
  Span<const float> features;          // feature_count, all finite
  size_t expected_class = 0;           // < label_count
  Span<const int8_t> expected_output;  // label_count
};

// What gravity looked like in the training windows (the optional GRAV
// section): a full window's per-axis mean, after the DSP's scale, is the
// gravity vector plus whatever motion did not average out. Over the
// training's "still" windows (motion RMS below still_limit × the mean's
// length), the median length was `magnitude` and ln(length) spread by
// `log_spread` (a robust standard deviation). magnitude 0: no reference
// (older packages, or data with gravity removed); all three > 0 otherwise.
struct GravityReference {
  float magnitude = 0.0f;
  float log_spread = 0.0f;
  float still_limit = 0.0f;
};

struct PackageView {
  uint16_t format_version = 0;
  // A delta package names its base by digest and carries only replacement
  // sections (today: layers); it cannot be run on its own.
  bool is_delta = false;
  Span<const uint8_t> base_digest;  // 32 bytes when is_delta, else empty

  Span<const char> name;     // not NUL-terminated
  Span<const char> version;  // semantic version, e.g. "1.2.0"
  size_t label_count = 0;
  Span<const char> labels[kMaxLabels];

  // Input spec and DSP: axes, rate, window and scale live in `dsp`.
  SpectralConfig dsp;
  uint16_t stride_samples = 0;
  size_t feature_count = 0;

  Span<const float> feature_mean;  // feature_count
  Span<const float> feature_std;   // feature_count, every value > 0

  // Drift reference: statistics of the normalised training features.
  Span<const float> drift_mean;      // feature_count
  Span<const float> drift_variance;  // feature_count
  Span<const float> centroids;       // label_count * feature_count
  float anomaly_radius = 0.0f;       // > 0

  size_t layer_count = 0;  // full package: layers [0, layer_count) all present
  LayerView layers[kMaxLayers];
  uint32_t layer_mask = 0;  // bit i set when layer i is carried (deltas: a subset)

  // Golden self-test windows (optional GOLD section; never in a delta): 0
  // when the package carries none (older packages). `golden` holds
  // golden_count records of package_format::GoldenRecordBytes(feature_count,
  // label_count) bytes each, in place; read them with GoldenWindowAt.
  size_t golden_count = 0;
  Span<const uint8_t> golden;

  GravityReference gravity;  // optional GRAV section; never in a delta

  Span<const uint8_t> body;       // the digest-covered bytes (header + sections)
  Span<const uint8_t> digest;     // 32 bytes: SHA-256 of body
  uint32_t signature_scheme = 0;  // package_format::kSignature*
  Span<const uint8_t> signature;  // 64 bytes for Ed25519, else empty
};

Status ReadPackage(Span<const uint8_t> bytes, PackageView* out);

// Golden window `index` (< package.golden_count) of a package ReadPackage
// accepted (or of a view whose `golden` records are laid out as GOLD's).
GoldenWindow GoldenWindowAt(const PackageView& package, size_t index);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_PACKAGE_MODEL_PACKAGE_H_
