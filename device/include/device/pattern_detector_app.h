// PatternDetectorApp: the pattern-detector application of a device: a
// PatternDetector run on the sample stream, and the LwM2M objects that show
// it, kept in step with it:
//   /33650 Pattern Detector  one instance per label of the active model
//                            (pattern_detector_object.h)
//   /3311  Light Control     the pattern LED (led.h)
//   /3313  Accelerometer     X/Y/Z in m/s², refreshed every
//                            accelerometer_period_s of samples (not every
//                            sample: observers of it would drown)
//   /33651 ML Inference      model name/version, window/stride/rate,
//                            classification count, mean confidence
// Every value changes through SimpleObject::Set, so observations fire as
// their attributes say. Time here is the sample clock: the app never looks
// at a wall clock.
#ifndef LWCL_DEVICE_PATTERN_DETECTOR_APP_H_
#define LWCL_DEVICE_PATTERN_DETECTOR_APP_H_

#include <cstdint>
#include <span>
#include <string>

#include "device/accelerometer_object.h"
#include "client/registry.h"
#include "device/led.h"
#include "device/ml_inference_object.h"
#include "device/pattern_detector.h"
#include "device/pattern_detector_object.h"
#include "device/sensor_source.h"

namespace lwcl::device {

struct AppOptions {
  DetectorOptions detector;
  double accelerometer_period_s = 1.0;  // of sample time, between /3313 updates
};

class PatternDetectorApp {
 public:
  explicit PatternDetectorApp(AppOptions options = {});
  PatternDetectorApp(const PatternDetectorApp&) = delete;
  PatternDetectorApp& operator=(const PatternDetectorApp&) = delete;

  // Runs this package from now on (the bytes are copied). The /33650
  // instances follow its labels, counters start at 0. False with a message
  // when the package is refused; the old model then stays.
  bool LoadModel(std::span<const uint8_t> package, std::string* error);
  // Adds the four objects to `registry` (they stay owned by the app, which
  // must outlive the registry's use of them).
  void Attach(client::Registry& registry);
  // One sample (in g) at the model's rate.
  void Push(const Sample& sample);
  // True once after the /33650 instance set changed (a new label set): the
  // registration's object list changed, so the client should send an Update.
  bool TakeObjectListChanged();

  const PatternDetector& detector() const { return detector_; }
  PatternDetectorObject& detector_object() { return detector_object_; }
  PatternLed& led() { return led_; }
  AccelerometerObject& accelerometer() { return accelerometer_; }
  MlInferenceObject& inference() { return inference_; }
  uint64_t samples() const { return samples_; }

 private:
  void OnDetection(size_t label, bool active);

  AppOptions options_;
  PatternDetector detector_;
  PatternDetectorObject detector_object_;
  PatternLed led_;
  AccelerometerObject accelerometer_;
  MlInferenceObject inference_;
  uint64_t samples_ = 0;
  uint64_t accelerometer_every_ = 26;
  bool object_list_changed_ = false;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_PATTERN_DETECTOR_APP_H_
