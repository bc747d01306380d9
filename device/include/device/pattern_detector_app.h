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
//                            classification count, mean confidence, drift,
//                            capture and drift thresholds, Upload Samples,
//                            buffered sample count, learning mode, Adapt
//                            Now / Reset to Baseline, update count. In
//                            learning mode 1 the app also re-normalises by
//                            itself: when the settled drift score passes the
//                            threshold it starts the renormalizer afresh,
//                            and fits after AppOptions::renorm_collect_windows
//                            more windows (so the fit sees the drifted
//                            sensor only). In mode 2 Adapt Now fine-tunes
//                            the head on the labelled /33652 windows with
//                            replay (PatternDetector::FineTune; rate,
//                            epochs and replay size from /9-/11), sets
//                            Validation Accuracy /18 and Head Weight
//                            Delta /19 (head_weight_delta.h)
//                            Teach Label /14 (mode 2): the next
//                            AppOptions::teach_windows windows, teach_gap
//                            windows apart (so no two overlap), are kept
//                            as /33652 samples labelled with it, nothing
//                            else is captured meanwhile, and then Adapt Now
//                            runs by itself; a label the model lacks is a
//                            new class (PatternDetector::TeachLabel) and a
//                            new /33650 instance; Reset to Baseline drops it
//   /33652 Training Sample   the windows kept to learn from
//                            (sample_capture.h, training_sample_object.h)
// Every value changes through SimpleObject::Set, so observations fire as
// their attributes say. Time here is the sample clock: the app never looks
// at a wall clock, except for the Timestamp of a Training Sample (AppOptions::clock).
#ifndef LWCL_DEVICE_PATTERN_DETECTOR_APP_H_
#define LWCL_DEVICE_PATTERN_DETECTOR_APP_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "device/accelerometer_object.h"
#include "client/registry.h"
#include "device/head_weight_delta.h"
#include "device/labelled_check.h"
#include "device/led.h"
#include "device/ml_inference_object.h"
#include "device/pattern_detector.h"
#include "device/pattern_detector_object.h"
#include "device/sample_capture.h"
#include "device/sensor_source.h"
#include "device/training_sample_object.h"
#include "lwm2m/path.h"

namespace lwcl::device {

struct AppOptions {
  DetectorOptions detector;
  double accelerometer_period_s = 1.0;  // of sample time, between /3313 updates
  size_t sample_capacity = SampleCapture::kDefaultCapacity;  // /33652 instances at most
  uint64_t renorm_collect_windows = 120;  // windows a drift-triggered re-normalisation waits for
  int64_t learning_mode = 0;  // /33651/0/8 at start: 0 off, 1 re-normalisation, 2 fine-tuning (others are taken as 0)
  size_t teach_windows = 20;  // windows one Teach Label keeps
  size_t teach_gap = 4;       // windows between two of them (a 2 s window every 0.5 s: no overlap)
  // Seconds since the Unix epoch for sample timestamps; empty: the system clock.
  std::function<int64_t()> clock;
};

// Sends these paths with LwM2M Send; false when it cannot be queued. `done`
// later says whether the server acknowledged it (2.xx).
using SampleSender = std::function<bool(std::vector<lwm2m::Path> paths, std::function<void(bool ok)> done)>;

class PatternDetectorApp {
 public:
  explicit PatternDetectorApp(AppOptions options = {});
  PatternDetectorApp(const PatternDetectorApp&) = delete;
  PatternDetectorApp& operator=(const PatternDetectorApp&) = delete;

  // Runs this package from now on (the bytes are copied). The /33650
  // instances follow its labels, counters start at 0. False with a message
  // when the package is refused; the old model then stays.
  bool LoadModel(std::span<const uint8_t> package, std::string* error);
  // Adds the five objects to `registry` (they stay owned by the app, which
  // must outlive the registry's use of them).
  void Attach(client::Registry& registry);
  // One sample (in g) at the model's rate.
  void Push(const Sample& sample);
  // True once after the /33650 instance set changed (a new label set): the
  // registration's object list changed, so the client should send an Update.
  bool TakeObjectListChanged();
  // How Upload Samples (/33651/0/17) sends; without one it answers 5.03.
  void SetSampleSender(SampleSender sender) { sender_ = std::move(sender); }

  const PatternDetector& detector() const { return detector_; }
  PatternDetectorObject& detector_object() { return detector_object_; }
  PatternLed& led() { return led_; }
  AccelerometerObject& accelerometer() { return accelerometer_; }
  MlInferenceObject& inference() { return inference_; }
  TrainingSampleObject& training_samples() { return training_samples_; }
  const SampleCapture& capture() const { return capture_; }
  uint64_t samples() const { return samples_; }
  // The running model and `candidate` on the labelled windows this device
  // holds (device/labelled_check.h): a package's self-test.
  LabelledScore ScoreCandidate(PatternDetector& candidate) {
    return ScoreLabelled(detector_, candidate, capture_.buffer());
  }

 private:
  void OnDetection(size_t label, bool active);
  void Capture();
  lwm2m::CoapCode CheckLabel(uint16_t iid, const std::string& label);
  lwm2m::CoapCode UploadSamples();
  void ForgetSample(uint16_t iid);
  lwm2m::CoapCode AdaptNow();
  lwm2m::CoapCode FineTune();
  void PublishHeadDelta();
  // Update Count, Validation Accuracy and the head delta back to a fresh model's.
  void ForgetAdaptations();
  void AdaptIfDue();
  lwm2m::CoapCode ResetToBaseline();
  lwm2m::CoapCode Teach(const std::string& label);
  void CaptureTaught();
  // Offers the last window to the sample buffer under `policy`; shows it as
  // a /33652 instance labelled `label` (kUnlabelled: none) when kept.
  bool Keep(const CapturePolicy& policy, int16_t label);
  void ShowLabels();

  AppOptions options_;
  PatternDetector detector_;
  PatternDetectorObject detector_object_;
  PatternLed led_;
  AccelerometerObject accelerometer_;
  MlInferenceObject inference_;
  TrainingSampleObject training_samples_;
  SampleCapture capture_;
  SampleSender sender_;
  uint64_t capture_generation_ = 0;  // one per model: an answer to an older Upload is ignored
  uint64_t updates_ = 0;  // /33651/0/20
  uint64_t trained_examples_ = 0;  // labelled windows behind the head delta
  uint64_t samples_ = 0;
  uint64_t accelerometer_every_ = 26;
  struct Teaching {
    size_t label = 0;  // class index
    size_t left = 0;   // windows still to keep
    size_t since = 0;  // windows since the last one kept
  };
  std::optional<Teaching> teaching_;
  bool object_list_changed_ = false;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_PATTERN_DETECTOR_APP_H_
