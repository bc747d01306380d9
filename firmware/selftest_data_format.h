// The golden-data interface of the firmware self-test.
//
// A host tool (built with the host build, not part of the firmware) runs the
// very same tinyml core on the host over a model package and some windows,
// and writes what it got as a C++ header, selftest_data.h. The firmware runs
// the core again on Cortex-M33 and compares; a mismatch means the cross build
// computes something else than the host (compiler, FPU, libm or an
// endianness/alignment bug), and fails the build.
//
// What the generated header must contain (and nothing else is assumed):
//
//   #include "selftest_data_format.h"
//   namespace lwcl::firmware::selftest_data {
//   alignas(8) inline constexpr uint8_t kPackage[] = {...};   // package bytes
//   inline constexpr float kSamples0[] = {...};               // one array per window
//   inline constexpr float kFeatures0[] = {...};
//   inline constexpr float kLogits0[] = {...};
//   ...
//   inline constexpr SelftestWindow kWindows[] = {
//       {kSamples0, sizeof(kSamples0) / sizeof(float), kFeatures0, ..., kLogits0, ..., 2},
//       ...};
//   inline constexpr SelftestData kData = {"origin text", kPackage, sizeof(kPackage),
//                                          kWindows, sizeof(kWindows) / sizeof(kWindows[0])};
//   }  // namespace lwcl::firmware::selftest_data
//
// The firmware reads only selftest_data::kData. Print float literals so that
// they round-trip exactly and always parse: "%.8e" followed by "f" (not
// "%.9g": it prints "0" and "0f" is not a literal) or hex floats ("%a" + "f").
// Every value is finite.
//
// For the host generator, per window: Classifier::Init on the package (same
// arena rules), then ClassifyWindow(samples) and dump
//   features = Classifier::features()   (normalised, as the network sees them)
//   logits   = Classifier::logits()     (dequantised int8 outputs of the last layer)
//   label    = Result::label
#ifndef LWCL_FIRMWARE_SELFTEST_DATA_FORMAT_H_
#define LWCL_FIRMWARE_SELFTEST_DATA_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace lwcl::firmware {

// One window and what the host computed for it.
struct SelftestWindow {
  // Raw samples exactly as the device's sensor path hands them to the
  // Classifier: interleaved by sample (x0, y0, z0, x1, ...), before the
  // package's scale is applied. Count = window_samples * axes.
  const float* samples;
  size_t sample_count;
  // Classifier::features() after this window: the spectral features
  // normalised with the package's mean/std, in the core's order (axis-major).
  const float* features;
  size_t feature_count;
  // Classifier::logits(): the last layer's int8 outputs, dequantised
  // (output_scale * (q - output_zero_point)), one per class. Compared in
  // int8 steps, see kLogitToleranceLsb.
  const float* logits;
  size_t logit_count;
  // The class the host chose (argmax).
  uint8_t label;
};

struct SelftestData {
  const char* origin;        // free text for the log, e.g. "motion-default v1.2.0, 8 windows"
  const uint8_t* package;    // a complete model package, 8-byte aligned
  size_t package_size;
  const SelftestWindow* windows;
  size_t window_count;
};

// Tolerances, stated once: the firmware and the host run the same source but
// different compilers and libm, so features may differ in the last bits.
// A feature matches when |got - want| <= kFeatureAbsTolerance
//                      or |got - want| <= kFeatureRelTolerance * |want|.
inline constexpr float kFeatureAbsTolerance = 1e-4f;
inline constexpr float kFeatureRelTolerance = 1e-4f;
// Logits are compared as the int8 values they were dequantised from
// (round(logit / output_scale) + output_zero_point of the last layer) and may
// differ by at most this many steps: a feature that lands on the other side of
// a quantisation boundary on one of the two builds moves a logit by one. The
// label must match exactly.
inline constexpr int kLogitToleranceLsb = 1;

}  // namespace lwcl::firmware

#endif  // LWCL_FIRMWARE_SELFTEST_DATA_FORMAT_H_
