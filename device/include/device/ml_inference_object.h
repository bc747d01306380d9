// MlInferenceObject: the ML Inference & Learning object /33651 (single
// instance 0; lwm2m/objects/33651.xml), the inference half of it: which model
// runs and how it is doing.
//   0 Model Name (String)       1 Model Version (String)
//   2 Window Length (Integer, samples)   3 Window Stride (Integer, samples)
//   4 Sample Rate (Float, Hz)   5 Classification Count (Integer)
//   6 Mean Confidence (Float, over every window of this model)
//   7 Drift Score (Float, observable: the class-conditional drift of
//     tinyml/learn/drift_monitor.h, updated every window; observe it with
//     `gt` set to the threshold to hear of drift)
//   13 Drift Threshold (Float, RW, >= 0, default 5.0: the score above which
//     the device counts a window as drifted; drifted_windows() tells how many.
//     Measured on simulated motion (device/tests/pattern_detector_test.cc):
//     a clean sensor peaks near 3.4, a re-mounted (70 degrees) one sits near
//     7, a 1.6x gain error near 10)
// 0-7 are read-only. The rest of the learning half (learning mode, teach
// label, adapt/reset/upload, ...) comes with on-device learning.
#ifndef LWCL_DEVICE_ML_INFERENCE_OBJECT_H_
#define LWCL_DEVICE_ML_INFERENCE_OBJECT_H_

#include <cstdint>
#include <string>

#include "client/simple_object.h"

namespace lwcl::device {

struct ModelInfo {
  std::string name;
  std::string version;
  int64_t window_samples = 0;
  int64_t stride_samples = 0;
  double sample_rate_hz = 0.0;
};

class MlInferenceObject : public client::SimpleObject {
 public:
  static constexpr uint16_t kObjectId = 33651;
  static constexpr uint16_t kModelName = 0;
  static constexpr uint16_t kModelVersion = 1;
  static constexpr uint16_t kWindowLength = 2;
  static constexpr uint16_t kWindowStride = 3;
  static constexpr uint16_t kSampleRate = 4;
  static constexpr uint16_t kClassificationCount = 5;
  static constexpr uint16_t kMeanConfidence = 6;
  static constexpr uint16_t kDriftScore = 7;
  static constexpr uint16_t kDriftThreshold = 13;
  static constexpr double kDefaultDriftThreshold = 5.0;

  MlInferenceObject();
  void SetModel(const ModelInfo& model);
  // After each window: the counters and the drift score (a window above the
  // threshold counts as drifted).
  void SetStatistics(uint64_t classifications, double mean_confidence, double drift_score);
  double drift_threshold() const;
  uint64_t drifted_windows() const { return drifted_windows_; }
  // A Drift Threshold that is not a finite number >= 0 is refused (4.00).
  lwm2m::CoapCode Write(uint16_t iid, const lwm2m::Record& record) override;

 private:
  uint64_t drifted_windows_ = 0;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_ML_INFERENCE_OBJECT_H_
