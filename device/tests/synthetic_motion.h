// Test support for the device tests: a scripted SensorSource producing
// clearly different synthetic motions (idle, wave, shake) at 26 Hz in g, and
// model packages trained in-process on the same synthetic motions with the
// train library, so the tests need neither datasets nor the simulator.
#ifndef LWCL_DEVICE_TESTS_SYNTHETIC_MOTION_H_
#define LWCL_DEVICE_TESTS_SYNTHETIC_MOTION_H_

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "device/sensor_source.h"
#include "tinyml/package/model_package.h"
#include "tinyml/package/package_writer.h"
#include "train/dataset.h"
#include "train/rng.h"
#include "train/training_run.h"

namespace lwcl::device::testing {

inline constexpr float kRateHz = 26.0f;

// One sample of `motion` at sample index i (t = i / 26 s).
inline Sample MotionSample(const std::string& motion, uint64_t i, float phase, train::Rng& rng) {
  const float pi = 3.14159265f;
  const float t = static_cast<float>(i) / kRateHz;
  Sample s{0.0f, 0.0f, 1.0f};
  if (motion == "wave") {
    s[0] += 0.6f * std::sin(2.0f * pi * 1.0f * t + phase);
    s[1] += 0.3f * std::cos(2.0f * pi * 1.0f * t + phase);
  } else if (motion == "shake") {
    for (int a = 0; a < 3; ++a) s[static_cast<size_t>(a)] += 0.8f * std::sin(2.0f * pi * 6.0f * t + phase + static_cast<float>(a));
  } else if (motion == "circle") {
    s[0] += 0.5f * std::sin(2.0f * pi * 0.5f * t + phase);
    s[2] += 0.5f * std::cos(2.0f * pi * 0.5f * t + phase);
  }
  for (float& v : s) v += rng.Uniform(-0.02f, 0.02f);
  return s;
}

// Plays segments (motion, seconds) in order, then ends (or loops).
class ScriptedSource : public SensorSource {
 public:
  explicit ScriptedSource(std::vector<std::pair<std::string, double>> segments, bool loop = false,
                          uint32_t seed = 7)
      : segments_(std::move(segments)), loop_(loop), rng_(seed) {}
  float rate_hz() const override { return kRateHz; }
  bool Next(Sample* out) override {
    while (segment_ < segments_.size() &&
           static_cast<double>(in_segment_) >= segments_[segment_].second * static_cast<double>(kRateHz)) {
      ++segment_;
      in_segment_ = 0;
      if (segment_ == segments_.size() && loop_) segment_ = 0;
    }
    if (segment_ >= segments_.size()) return false;
    *out = MotionSample(segments_[segment_].first, index_, 0.3f, rng_);
    ++index_;
    ++in_segment_;
    return true;
  }
  std::string_view truth() const override {
    return segment_ < segments_.size() ? std::string_view(segments_[segment_].first) : std::string_view();
  }

 private:
  std::vector<std::pair<std::string, double>> segments_;
  bool loop_;
  train::Rng rng_;
  size_t segment_ = 0;
  uint64_t in_segment_ = 0;
  uint64_t index_ = 0;
};

// A package trained on `labels` (sorted) from synthetic recordings.
// `same_recordings`: every label gets the first label's motion (a model
// broken on purpose: it cannot tell its classes apart).
// The motion a looping script plays at sample j (ScriptedSource at kRateHz).
inline std::string ScriptTruthAt(const std::vector<std::pair<std::string, double>>& script, uint64_t j) {
  double cycle = 0;
  for (const auto& [m, s] : script) cycle += s;
  const auto period = static_cast<uint64_t>(cycle * double{kRateHz});
  uint64_t k = j % period, start = 0;
  for (const auto& [m, s] : script) {
    const auto n = static_cast<uint64_t>(s * double{kRateHz});
    if (k < start + n) return m;
    start += n;
  }
  return "";
}

// Windows right of windows scored.
struct Accuracy {
  int right = 0, total = 0;
  double value() const { return total ? double(right) / total : 0.0; }
};

inline std::vector<uint8_t> TrainPackage(std::vector<std::string> labels, const std::string& name,
                                         const std::string& version = "1.0.0", bool same_recordings = false) {
  train::Dataset d;
  d.labels = std::move(labels);
  train::Rng rng(11);
  for (const std::string& label : d.labels) {
    for (int k = 0; k < 6; ++k) {
      train::Recording r;
      r.source = label + "_" + std::to_string(k) + ".csv";
      r.label = label;
      r.sample_rate_hz = kRateHz;
      r.axes = {"x", "y", "z"};
      const float phase = rng.Uniform(0.0f, 6.28f);
      for (uint64_t i = 0; i < 260; ++i) {
        const Sample s = MotionSample(same_recordings ? d.labels[0] : label, i, phase, rng);
        r.samples.insert(r.samples.end(), s.begin(), s.end());
      }
      d.recordings.push_back(std::move(r));
    }
  }
  train::TrainingOptions o;
  o.mlp.max_epochs = 60;
  o.mlp.patience = 15;
  o.model_name = name;
  o.model_version = version;
  o.evaluate_int8 = false;
  return train::RunTraining(d, o).package;
}

// Trained once per test process: idle, shake, wave.
inline const std::vector<uint8_t>& MotionPackage() {
  static const std::vector<uint8_t> p = TrainPackage({"idle", "shake", "wave"}, "motion");
  return p;
}

// A head delta on `base` (unsigned): its last layer with every weight
// divided by `divide_by` (1: the same head, a delta that changes nothing).
inline std::vector<uint8_t> HeadDelta(const std::vector<uint8_t>& base, int divide_by) {
  std::vector<uint32_t> words((base.size() + 3) / 4);
  std::memcpy(words.data(), base.data(), base.size());
  tinyml::PackageView v;
  if (tinyml::ReadPackage({reinterpret_cast<const uint8_t*>(words.data()), base.size()}, &v) != tinyml::Status::kOk) {
    return {};
  }
  tinyml::LayerView& head = v.layers[v.layer_count - 1];
  std::vector<int8_t> w(head.weights.begin(), head.weights.end());
  for (int8_t& x : w) x = static_cast<int8_t>(x / divide_by);
  head.weights = {w.data(), w.size()};
  v.is_delta = true;
  v.base_digest = v.digest;
  v.layer_mask = 1u << (v.layer_count - 1);
  v.golden_count = 0;
  v.golden = {};
  std::vector<uint32_t> out(tinyml::PackageBytes(v) / 4 + 1);
  size_t written = 0;
  if (tinyml::WritePackage(v, {reinterpret_cast<uint8_t*>(out.data()), out.size() * 4}, &written) !=
      tinyml::Status::kOk) {
    return {};
  }
  const auto* b = reinterpret_cast<const uint8_t*>(out.data());
  return std::vector<uint8_t>(b, b + written);
}

}  // namespace lwcl::device::testing

#endif  // LWCL_DEVICE_TESTS_SYNTHETIC_MOTION_H_
