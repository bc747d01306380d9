// Golden suite: loads the self-test's model package and checks that the
// Classifier on Cortex-M33 reproduces, window by window, the features, logits
// and labels the host computed (selftest_data_format.h states the tolerances).
#include <cstddef>
#include <cstdint>

#include "log_line.h"
#include "selftest_dataset.h"
#include "selftest_suites.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/runtime/golden_self_test.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/package/model_package.h"
#include "tinyml/kernels/quantization.h"

#ifndef LWCL_FIRMWARE_ARENA_BYTES
#define LWCL_FIRMWARE_ARENA_BYTES 16384
#endif

namespace lwcl::firmware {
namespace {

using tinyml::Span;

// The application's static arena, as a device would size it at build time.
alignas(8) uint8_t g_arena[LWCL_FIRMWARE_ARENA_BYTES];
// Big structs live in .bss, not on the 8 KB stack.
tinyml::PackageView g_package;
tinyml::Classifier g_classifier;

// LWCL_SELFTEST_BREAK_GOLDEN (self-test of the self-test) shifts one golden
// value of window 0 past its tolerance: 1 a feature, 2 a logit, 3 the label.
#ifndef LWCL_SELFTEST_BREAK_GOLDEN
#define LWCL_SELFTEST_BREAK_GOLDEN 0
#endif
constexpr int kBreak = LWCL_SELFTEST_BREAK_GOLDEN;

void CheckWindow(SelftestChecks& checks, const tinyml::LayerView& last, const SelftestWindow& w,
                 int32_t index) {
  tinyml::Result result;
  const Span<const float> samples(w.samples, w.sample_count);
  if (!checks.True(w.sample_count == static_cast<size_t>(g_package.dsp.window_samples) * g_package.dsp.axes,
                   "golden.sample_count", index) ||
      !checks.StatusOk(g_classifier.ClassifyWindow(samples, &result), "golden.classify")) {
    return;
  }
  const Span<const float> features = g_classifier.features();
  if (checks.True(features.size == w.feature_count, "golden.feature_count", index)) {
    for (size_t i = 0; i < features.size; ++i) {
      float want = w.features[i];
      if (kBreak == 1 && index == 0 && i == 0) want += 0.5f;
      checks.Near(features[i], want, kFeatureAbsTolerance, kFeatureRelTolerance, "golden.feature",
                  static_cast<int32_t>(i));
    }
  }
  const Span<const float> logits = g_classifier.logits();
  if (checks.True(logits.size == w.logit_count, "golden.logit_count", index)) {
    for (size_t i = 0; i < logits.size; ++i) {
      // Back to the int8 steps both sides were dequantised from.
      const int32_t got = tinyml::QuantizeToInt8(logits[i], last.output_scale, last.output_zero_point);
      int32_t want = tinyml::QuantizeToInt8(w.logits[i], last.output_scale, last.output_zero_point);
      if (kBreak == 2 && index == 0 && i == 0) want += kLogitToleranceLsb + 1;
      checks.IntNear(got, want, kLogitToleranceLsb, "golden.logit_q", static_cast<int32_t>(i));
    }
  }
  const size_t want_label = kBreak == 3 && index == 0 ? w.label + 1u : w.label;
  checks.True(result.label == want_label, "golden.label", index);
}

// The streaming path (windower) must give the same answer as ClassifyWindow.
void CheckStreaming(SelftestChecks& checks, const SelftestWindow& w) {
  g_classifier.ResetStream();
  const size_t axes = g_package.dsp.axes;
  size_t results = 0;
  for (size_t s = 0; s + axes <= w.sample_count; s += axes) {
    if (g_classifier.PushSample(Span<const float>(w.samples + s, axes))) ++results;
  }
  checks.True(results == 1, "golden.stream_one_result");
  checks.True(g_classifier.result().label == w.label, "golden.stream_label");
}

}  // namespace

GoldenSummary RunGoldenChecks(SelftestChecks& checks) {
  const SelftestData& data = SelftestDataset();
  GoldenSummary summary;
  summary.origin = data.origin;
  summary.arena_capacity = sizeof(g_arena);

  const Span<const uint8_t> bytes(data.package, data.package_size);
  if (!checks.StatusOk(tinyml::ReadPackage(bytes, &g_package), "golden.read_package")) return summary;
  const size_t required = tinyml::RequiredArenaBytes(g_package);
  summary.arena_bytes = static_cast<uint32_t>(required);
  if (!checks.True(required > 0 && required <= sizeof(g_arena), "golden.arena_fits")) {
    LogLine().Str("model needs ").Uint(summary.arena_bytes).Str(" arena bytes, the image has ")
        .Uint(summary.arena_capacity).Str(" (LWCL_FIRMWARE_ARENA_BYTES)").Print();
    return summary;
  }
  // The promise in memory_plan.h: exactly RequiredArenaBytes, not one less.
  checks.True(g_classifier.Init(g_package, Span<uint8_t>(g_arena, required - 1)) ==
                  tinyml::Status::kArenaTooSmall,
              "golden.arena_one_short");
  // The package's own golden windows (GOLD), as a device checks them before
  // activating it; the built-in package carries none and passes with 0. It
  // uses the arena, so the classifier is initialised after it.
  tinyml::GoldenSelfTestResult self_test;
  checks.StatusOk(
      tinyml::RunGoldenSelfTest(g_package, Span<uint8_t>(g_arena, required), &self_test),
      "golden.package_self_test");
  summary.package_golden = static_cast<uint32_t>(self_test.checked);
  if (!checks.StatusOk(g_classifier.Init(g_package, Span<uint8_t>(g_arena, required)),
                       "golden.init")) {
    return summary;
  }
  const tinyml::LayerView& last = g_package.layers[g_package.layer_count - 1];
  for (size_t i = 0; i < data.window_count; ++i) {
    CheckWindow(checks, last, data.windows[i], static_cast<int32_t>(i));
    ++summary.windows;
  }
  if (data.window_count > 0) CheckStreaming(checks, data.windows[0]);
  return summary;
}

}  // namespace lwcl::firmware
