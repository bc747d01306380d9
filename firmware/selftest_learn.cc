// Learning suite: the on-device learner's heap-free pieces on the recorded
// windows — the drift monitor, the renormalizer and the sample buffer —
// against facts that hold bit-near on any core: the same windows seen
// through a sensor with twice the gain (samples × 2, through the DSP again)
// fit gains exactly twice those of the originals (every vote moves by
// log10 2, so the medians do too: float rounding only); windows half a
// within-class spread off their centroids score a drift of 0.5; the gravity
// gauge reads twice the gain through twice the gain; a bounded
// buffer keeps the newest windows; the head tuner, trained on the model's
// own classes of the windows, moves the head (a finite, non-zero delta) and
// its re-quantised head, run by the classifier, keeps every window's class
// and gains confidence. It also states the learner's RAM for this model
// (learner_state=<bytes>).
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "log_line.h"
#include "selftest_dataset.h"
#include "selftest_suites.h"
#include "tinyml/learn/drift_monitor.h"
#include "tinyml/learn/gravity_gauge.h"
#include "tinyml/learn/head_tuner.h"
#include "tinyml/learn/renormalizer.h"
#include "tinyml/learn/sample_buffer.h"
#include "tinyml/runtime/classifier.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/package/model_package.h"

namespace lwcl::firmware {
namespace {

using tinyml::Span;

constexpr size_t kMaxWindows = 16;
constexpr size_t kMaxFeatures = 128;
constexpr size_t kMaxClasses = 8;
constexpr size_t kMaxSamples = 1024;  // window_samples × axes
constexpr size_t kBufferSlots = 4;

alignas(8) uint8_t g_arena[8192];
tinyml::PackageView g_package;
tinyml::Classifier g_classifier;
float g_raw[2][kMaxWindows][kMaxFeatures];  // [clean, doubled gain][window][feature]
float g_normalized[kMaxWindows][kMaxFeatures];  // the clean set's
size_t g_label[kMaxWindows];
float g_confidence[kMaxWindows];
float g_scaled[kMaxSamples];
// Learner state, as a device holds it for one model.
float g_renorm_state[2][kMaxClasses * kMaxFeatures + kMaxClasses + 2 * kMaxFeatures + 8 + 2 * kMaxClasses * kMaxFeatures];
float g_drift_state[kMaxFeatures];
int16_t g_buffer_features[kBufferSlots * kMaxFeatures];
float g_buffer_back[kMaxFeatures];
tinyml::SampleInfo g_buffer_slots[kBufferSlots];
alignas(8) uint8_t g_tuner_arena[4096];
float g_delta[kMaxFeatures * kMaxClasses + kMaxClasses];

bool Classify(SelftestChecks& checks, const SelftestWindow& w, float gain, size_t set, size_t index) {
  if (!checks.True(w.sample_count <= kMaxSamples, "learn.window_fits")) return false;
  for (size_t i = 0; i < w.sample_count; ++i) g_scaled[i] = w.samples[i] * gain;
  tinyml::Result r;
  if (!checks.StatusOk(g_classifier.ClassifyWindow(Span<const float>(g_scaled, w.sample_count), &r), "learn.classify")) {
    return false;
  }
  const Span<const float> n = g_classifier.features();
  for (size_t i = 0; i < n.size; ++i) {
    if (set == 0) g_normalized[index][i] = n[i];
    g_raw[set][index][i] = n[i] * g_package.feature_std[i] + g_package.feature_mean[i];
  }
  if (set == 0) {
    g_label[index] = r.label;
    g_confidence[index] = r.confidence;
  }
  return true;
}

void CheckRenormalizer(SelftestChecks& checks, size_t windows) {
  const size_t f = g_package.feature_count;
  const size_t floats = tinyml::Renormalizer::StateFloats(g_package);
  if (!checks.True(floats <= sizeof(g_renorm_state[0]) / sizeof(float), "learn.renorm_state_fits")) return;
  tinyml::Renormalizer fit[2];
  for (size_t set = 0; set < 2; ++set) {
    if (!checks.StatusOk(fit[set].Init(g_package, Span<float>(g_renorm_state[set], floats), 0.99f), "learn.renorm_init")) {
      return;
    }
    // The same class for a window in both sets: the doubled gain may fool the model.
    for (size_t w = 0; w < windows; ++w) fit[set].Observe(Span<const float>(g_raw[set][w], f), g_label[w]);
    if (!checks.StatusOk(fit[set].Fit(1.0f), "learn.renorm_fit")) return;
  }
  for (size_t axis = 0; axis < g_package.dsp.axes; ++axis) {
    checks.Near(fit[1].gain(axis) / fit[0].gain(axis), 2.0f, 1e-3f, 1e-3f, "learn.renorm_gain_ratio",
                static_cast<int32_t>(axis));
  }
  const size_t per_axis = f / g_package.dsp.axes;
  for (size_t i = 0; i < f; i += per_axis) {  // the RMS of each axis: std' = g·s
    checks.Near(fit[1].std()[i], fit[1].gain(i / per_axis) * g_package.feature_std[i], 1e-6f, 1e-5f,
                "learn.renorm_rms_std", static_cast<int32_t>(i));
  }
}

void CheckDriftMonitor(SelftestChecks& checks, size_t windows) {
  const size_t f = g_package.feature_count;
  tinyml::DriftMonitor m;
  if (!checks.StatusOk(m.Init(g_package, Span<float>(g_drift_state, f), 0.9f), "learn.drift_init")) return;
  for (size_t w = 0; w < windows; ++w) m.Update(Span<const float>(g_normalized[w], f), g_label[w], g_confidence[w]);
  checks.True(std::isfinite(m.score()) && m.windows() == windows, "learn.drift_score_recorded");
  // A closed-form case: every window half a within-class spread above its
  // class centroid on every feature scores 0.5, whatever the classes.
  m.Reset();
  static float shifted[kMaxFeatures];
  for (size_t w = 0; w < windows; ++w) {
    for (size_t i = 0; i < f; ++i) {
      shifted[i] = g_package.centroids[g_label[w] * f + i] + 0.5f * std::sqrt(g_package.drift_variance[i]);
    }
    m.Update(Span<const float>(shifted, f), g_label[w], 1.0f);
  }
  checks.Near(m.score(), 0.5f, 1e-5f, 1e-4f, "learn.drift_half_spread", -1);
  checks.Near(m.mean_confidence(), 1.0f, 1e-6f, 1e-6f, "learn.drift_confidence", -1);
}

// The gravity gauge on the recorded windows, clean and through twice the
// gain: the still test does not depend on the gain, so both count the same
// windows, and the doubled gain reads twice the gain (the ridge scales with
// the data, so only float rounding is left). A package without GRAV is refused as
// such.
void CheckGravityGauge(SelftestChecks& checks, size_t windows) {
  static float state[2][tinyml::GravityGauge::kStateFloats];
  tinyml::GravityGauge gauge[2];
  if (g_package.gravity.magnitude <= 0.0f) {
    checks.True(gauge[0].Init(g_package, Span<float>(state[0], tinyml::GravityGauge::kStateFloats), 0.9f) ==
                    tinyml::Status::kMissingSection,
                "learn.gravity_missing");
    LogLine().Str("learn: the package has no gravity reference; gauge checks need a trained package").Print();
    return;
  }
  const SelftestData& data = SelftestDataset();
  for (size_t set = 0; set < 2; ++set) {
    if (!checks.StatusOk(gauge[set].Init(g_package, Span<float>(state[set], tinyml::GravityGauge::kStateFloats), 0.9f),
                         "learn.gravity_init")) {
      return;
    }
    for (size_t w = 0; w < windows; ++w) {
      const SelftestWindow& win = data.windows[w];
      for (size_t i = 0; i < win.sample_count; ++i) g_scaled[i] = win.samples[i] * (set == 0 ? 1.0f : 2.0f);
      gauge[set].Observe(Span<const float>(g_scaled, win.sample_count));
    }
  }
  checks.True(gauge[0].counted() == gauge[1].counted(), "learn.gravity_same_windows");
  if (gauge[0].counted() <= 0.0f) {
    LogLine().Str("learn: no still window among the recorded ones; the gain check is skipped").Print();
    return;
  }
  tinyml::GravityEstimate e[2];
  if (!checks.StatusOk(gauge[0].Estimate(&e[0]), "learn.gravity_estimate") ||
      !checks.StatusOk(gauge[1].Estimate(&e[1]), "learn.gravity_estimate")) {
    return;
  }
  checks.Near(e[1].gain / e[0].gain, 2.0f, 1e-2f, 1e-2f, "learn.gravity_gain_ratio", -1);
  checks.Near(gauge[1].Score(2.0f * e[0].gain), 0.0f, 0.5f, 0.0f, "learn.gravity_score_in_force", -1);
}

void CheckSampleBuffer(SelftestChecks& checks, size_t windows) {
  const size_t f = g_package.feature_count;
  tinyml::SampleBuffer b;
  if (!checks.StatusOk(b.Init(f, Span<int16_t>(g_buffer_features, kBufferSlots * f),
                              Span<tinyml::SampleInfo>(g_buffer_slots, kBufferSlots), g_package.feature_mean,
                              g_package.feature_std),
                       "learn.buffer_init")) {
    return;
  }
  uint16_t last = tinyml::SampleBuffer::kNoId, dropped = 0, drops = 0;
  for (size_t w = 0; w < windows; ++w) {
    last = b.Add(Span<const float>(g_raw[0][w], f), static_cast<uint16_t>(g_label[w]), g_confidence[w], 0.0f,
                 static_cast<uint32_t>(w), &dropped);
    if (dropped != tinyml::SampleBuffer::kNoId) ++drops;
  }
  checks.True(b.size() == (windows < kBufferSlots ? windows : kBufferSlots), "learn.buffer_bounded");
  checks.True(drops == (windows > kBufferSlots ? windows - kBufferSlots : 0), "learn.buffer_drops_oldest");
  const size_t slot = b.Find(last);
  if (checks.True(slot < kBufferSlots, "learn.buffer_finds_newest") &&
      checks.StatusOk(b.Features(slot, Span<float>(g_buffer_back, f)), "learn.buffer_features")) {
    // int16 storage: within one step of the sample's largest centred value.
    const float* want = g_raw[0][windows - 1];
    float largest = 0.0f;
    for (size_t i = 0; i < f; ++i) {
      largest = std::fmax(largest, std::fabs((want[i] - g_package.feature_mean[i]) / g_package.feature_std[i]));
    }
    bool close = true;
    for (size_t i = 0; i < f; ++i) {
      const float tolerance = g_package.feature_std[i] * largest / 32767.0f + 1e-6f * std::fabs(want[i]);
      close = close && std::fabs(g_buffer_back[i] - want[i]) <= tolerance;
    }
    checks.True(close && b.info(slot).time == windows - 1, "learn.buffer_keeps_features");
  }
}

void CheckHeadTuner(SelftestChecks& checks, size_t windows) {
  const size_t f = g_package.feature_count;
  const tinyml::LayerView& head = g_package.layers[g_package.layer_count - 1];
  const size_t bytes = tinyml::HeadTuner::ArenaBytes(head, 0, kMaxWindows);
  const size_t values = size_t{head.in} * head.out + head.out;
  if (!checks.True(bytes <= sizeof(g_tuner_arena) && values <= sizeof(g_delta) / sizeof(float),
                   "learn.tuner_fits")) {
    return;
  }
  tinyml::HeadTuner tuner;
  if (!checks.StatusOk(tuner.Init(head, Span<uint8_t>(g_tuner_arena, bytes), 0, kMaxWindows), "learn.tuner_init")) {
    return;
  }
  float before = 0.0f;
  for (size_t w = 0; w < windows; ++w) {
    tinyml::Result r;
    if (!checks.StatusOk(g_classifier.ClassifyFeatures(Span<const float>(g_raw[0][w], f), &r), "learn.tuner_input") ||
        !checks.StatusOk(tuner.AddFresh(g_classifier.head_input(), g_label[w]), "learn.tuner_add")) {
      return;
    }
    before += r.confidence;
  }
  tinyml::TuneOptions options;
  options.learning_rate = 0.05f;
  options.epochs = 10;
  if (!checks.StatusOk(tuner.Train(options), "learn.tuner_train") ||
      !checks.StatusOk(tuner.WeightDelta(Span<float>(g_delta, values)), "learn.tuner_delta") ||
      !checks.StatusOk(g_classifier.SetHead(&tuner.head()), "learn.tuner_set_head")) {
    return;
  }
  float norm = 0.0f;
  for (size_t i = 0; i < values; ++i) norm += g_delta[i] * g_delta[i];
  checks.True(std::isfinite(norm) && norm > 0.0f, "learn.tuner_moved");
  float after = 0.0f;
  size_t kept = 0;
  for (size_t w = 0; w < windows; ++w) {
    tinyml::Result r;
    if (!checks.StatusOk(g_classifier.ClassifyFeatures(Span<const float>(g_raw[0][w], f), &r), "learn.tuner_classify")) {
      break;
    }
    kept += r.label == g_label[w];
    after += r.confidence;
  }
  checks.True(kept == windows, "learn.tuner_keeps_classes");
  checks.True(after >= before, "learn.tuner_gains_confidence");
  checks.StatusOk(g_classifier.SetHead(nullptr), "learn.tuner_restore");
}

// Teaching a new pattern: the windows of class 0 are called a new class
// (the package's label_count), the head grows an output for it, learns it
// from those windows while the others keep theirs, and the classifier (its
// arena planned for one extra class) runs the wider head.
void CheckTeaching(SelftestChecks& checks, size_t windows) {
  const size_t f = g_package.feature_count;
  const size_t taught = g_package.label_count;
  const tinyml::LayerView& head = g_package.layers[g_package.layer_count - 1];
  const size_t bytes = tinyml::HeadTuner::ArenaBytes(head, 0, kMaxWindows, 1);
  if (!checks.True(bytes <= sizeof(g_tuner_arena), "teach.tuner_fits")) return;
  tinyml::HeadTuner tuner;
  if (!checks.StatusOk(tuner.Init(head, Span<uint8_t>(g_tuner_arena, bytes), 0, kMaxWindows, 1), "teach.init") ||
      !checks.StatusOk(tuner.AddOutput(), "teach.add_output")) {
    return;
  }
  checks.True(tuner.AddOutput() == tinyml::Status::kBufferTooSmall, "teach.label_limit");
  size_t novel = 0;
  for (size_t w = 0; w < windows; ++w) {
    tinyml::Result r;
    const size_t label = g_label[w] == 0 ? taught : g_label[w];
    novel += label == taught;
    if (!checks.StatusOk(g_classifier.ClassifyFeatures(Span<const float>(g_raw[0][w], f), &r), "teach.input") ||
        !checks.StatusOk(tuner.AddFresh(g_classifier.head_input(), label), "teach.add")) {
      return;
    }
  }
  if (novel == 0 || novel == windows) {
    LogLine().Str("learn: teaching needs windows of class 0 and of another class").Print();
    return;
  }
  tinyml::TuneOptions options;
  options.learning_rate = 0.05f;
  options.epochs = 20;
  if (!checks.StatusOk(tuner.Train(options), "teach.train") ||
      !checks.True(tuner.head().out == taught + 1, "teach.wider_head") ||
      !checks.StatusOk(g_classifier.SetHead(&tuner.head()), "teach.set_head")) {
    return;
  }
  size_t right = 0;
  for (size_t w = 0; w < windows; ++w) {
    tinyml::Result r;
    if (!checks.StatusOk(g_classifier.ClassifyFeatures(Span<const float>(g_raw[0][w], f), &r), "teach.classify")) {
      break;
    }
    right += r.label == (g_label[w] == 0 ? taught : g_label[w]);
    checks.True(r.probabilities.size == taught + 1, "teach.probabilities");
  }
  checks.True(right == windows, "teach.learned");
  checks.StatusOk(g_classifier.SetHead(nullptr), "teach.restore");
}

}  // namespace

void RunLearningChecks(SelftestChecks& checks) {
  const SelftestData& data = SelftestDataset();
  if (!checks.StatusOk(tinyml::ReadPackage(Span<const uint8_t>(data.package, data.package_size), &g_package),
                       "learn.read_package")) {
    return;
  }
  // Room for one class taught on the device (CheckTeaching).
  const size_t required = tinyml::RequiredArenaBytes(g_package, 1);
  if (!checks.True(required > 0 && required <= sizeof(g_arena), "learn.arena_fits") ||
      !checks.True(g_package.feature_count <= kMaxFeatures && g_package.label_count <= kMaxClasses,
                   "learn.model_fits") ||
      !checks.StatusOk(g_classifier.Init(g_package, Span<uint8_t>(g_arena, required), 1), "learn.init")) {
    return;
  }
  const size_t windows = data.window_count < kMaxWindows ? data.window_count : kMaxWindows;
  if (!checks.True(windows >= 1, "learn.windows")) return;
  for (size_t w = 0; w < windows; ++w) {
    if (!Classify(checks, data.windows[w], 1.0f, 0, w) || !Classify(checks, data.windows[w], 2.0f, 1, w)) return;
  }
  // The built-in minimal package has zero means and centroids: no class
  // mean to vote against, so the gain check needs the recorded windows.
  if (data.window_count >= 2) {
    CheckRenormalizer(checks, windows);
  } else {
    LogLine().Str("learn: renormalizer checks need recorded windows (LWCL_FIRMWARE_SELFTEST_DATA)").Print();
  }
  CheckDriftMonitor(checks, windows);
  CheckGravityGauge(checks, windows);
  CheckSampleBuffer(checks, windows);
  CheckHeadTuner(checks, windows);
  CheckTeaching(checks, windows);
  // RAM the learner adds for this model, as device::PatternDetector plans
  // it: the sample buffer (32 windows) and the head tuner (48 replay, 32
  // labelled windows, two taught classes with 16 replay windows each).
  const size_t f = g_package.feature_count;
  const size_t learner = sizeof(float) * (tinyml::Renormalizer::StateFloats(g_package) +
                                          tinyml::DriftMonitor::StateFloats(f) +
                                          tinyml::GravityGauge::kStateFloats) +
                         sizeof(tinyml::GravityGauge) +
                         sizeof(int16_t) * tinyml::SampleBuffer::FeatureValues(f, 32) +
                         sizeof(tinyml::SampleInfo) * 32 + sizeof(tinyml::Renormalizer) +
                         sizeof(tinyml::DriftMonitor) + sizeof(tinyml::SampleBuffer) + sizeof(tinyml::HeadTuner) +
                         tinyml::HeadTuner::ArenaBytes(g_package.layers[g_package.layer_count - 1], 48 + 2 * 16, 32, 2);
  LogLine().Str("learner_state=").Uint(static_cast<uint32_t>(learner)).Print();
}

}  // namespace lwcl::firmware
