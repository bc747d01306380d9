#include "device/pattern_detector_app.h"

#include <algorithm>
#include <cmath>

namespace lwcl::device {
namespace {
constexpr double kStandardGravity = 9.80665;  // m/s² per g
}  // namespace

PatternDetectorApp::PatternDetectorApp(AppOptions options)
    : options_(std::move(options)), detector_(options_.detector) {
  detector_.SetListener([this](size_t label, bool active) { OnDetection(label, active); });
}

bool PatternDetectorApp::LoadModel(std::span<const uint8_t> package, std::string* error) {
  if (!detector_.LoadModel(package, error)) return false;
  if (detector_object_.SetLabels(detector_.labels())) object_list_changed_ = true;
  led_.Show(std::nullopt);
  const tinyml::PackageView& p = detector_.package();
  inference_.SetModel({.name = detector_.model_name(),
                       .version = detector_.model_version(),
                       .window_samples = p.dsp.window_samples,
                       .stride_samples = p.stride_samples,
                       .sample_rate_hz = static_cast<double>(p.dsp.sample_rate_hz)});
  inference_.SetStatistics(0, 0.0, 0.0);
  const double every = std::round(static_cast<double>(p.dsp.sample_rate_hz) * options_.accelerometer_period_s);
  accelerometer_every_ = static_cast<uint64_t>(std::max(1.0, every));
  return true;
}

void PatternDetectorApp::Attach(client::Registry& registry) {
  registry.Add(&detector_object_);
  registry.Add(&led_);
  registry.Add(&accelerometer_);
  registry.Add(&inference_);
}

void PatternDetectorApp::Push(const Sample& sample) {
  ++samples_;
  if (samples_ % accelerometer_every_ == 0) {
    accelerometer_.SetAcceleration(static_cast<double>(sample[0]) * kStandardGravity,
                                   static_cast<double>(sample[1]) * kStandardGravity,
                                   static_cast<double>(sample[2]) * kStandardGravity);
  }
  if (detector_.Push(sample)) {
    inference_.SetStatistics(detector_.classifications(), detector_.mean_confidence(), detector_.drift_score());
  }
}

bool PatternDetectorApp::TakeObjectListChanged() {
  const bool changed = object_list_changed_;
  object_list_changed_ = false;
  return changed;
}

void PatternDetectorApp::OnDetection(size_t label, bool active) {
  const auto iid = static_cast<uint16_t>(label);
  // Counter first, so a notification that carries the state also carries the new count.
  detector_object_.SetCounter(iid, detector_.count(label));
  detector_object_.SetState(iid, active);
  if (active) {
    led_.Show(detector_.labels()[label]);
  } else if (!detector_.active()) {
    led_.Show(std::nullopt);
  }
}

}  // namespace lwcl::device
