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
//   8 Learning Mode (Integer, RW: 0 off, 1 re-normalisation, 2 last-layer
//     fine-tuning with replay; 3 federated is refused (4.00) until the
//     device takes part in rounds)
//   9 Learning Rate (Float, RW, (0, 10], default 0.05)
//   10 Learning Epochs (Integer, RW, 1..100, default 50)
//   11 Replay Buffer Size (Integer, RW, 0..1024, default 48: windows of the
//     original classes; a new size takes effect with the next model)
//   18 Validation Accuracy (Float: on the labelled windows the last
//     fine-tuning held back; 0 until one had any)
//   19 Head Weight Delta (Opaque: the head's change since the package,
//     device/head_weight_delta.h)
//   12 Capture Threshold (Float, RW, 0..1, default 0.5: windows less
//     confident than this, or above the drift threshold, become /33652
//     Training Samples; device/sample_capture.h)
//   15 Adapt Now (E: runs the Learning Mode's adaptation; 4.00 when it is
//     off or has too few windows yet)
//   16 Reset to Baseline (E: the package's normalisation again)
//   17 Upload Samples (E: sends every buffered sample with LwM2M Send;
//     once the server acknowledged them the unlabelled ones are dropped,
//     labelled ones stay to learn from. 5.03 when the Send cannot go)
//   20 Update Count (Integer: adaptations since the model or the last reset)
//   21 Buffered Samples (Integer, observable: /33652 instances held)
//   14 Teach Label (String, RW: the class the device is being taught now,
//     empty when it is not; a write goes through OnTeach, which may refuse)
// 0-7, 18-21 are read-only.
#ifndef LWCL_DEVICE_ML_INFERENCE_OBJECT_H_
#define LWCL_DEVICE_ML_INFERENCE_OBJECT_H_

#include <cstdint>
#include <functional>
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
  static constexpr uint16_t kLearningMode = 8;
  static constexpr uint16_t kCaptureThreshold = 12;
  static constexpr uint16_t kAdaptNow = 15;
  static constexpr uint16_t kResetToBaseline = 16;
  static constexpr uint16_t kUpdateCount = 20;
  static constexpr uint16_t kUploadSamples = 17;
  static constexpr uint16_t kBufferedSamples = 21;
  static constexpr uint16_t kLearningRate = 9;
  static constexpr uint16_t kLearningEpochs = 10;
  static constexpr uint16_t kReplayBufferSize = 11;
  static constexpr uint16_t kValidationAccuracy = 18;
  static constexpr uint16_t kHeadWeightDelta = 19;
  static constexpr uint16_t kTeachLabel = 14;
  static constexpr double kDefaultLearningRate = 0.05;
  static constexpr int64_t kDefaultLearningEpochs = 50;
  static constexpr int64_t kDefaultReplayBufferSize = 48;
  static constexpr double kDefaultDriftThreshold = 5.0;
  static constexpr double kDefaultCaptureThreshold = 0.5;
  enum LearningMode : int64_t { kLearningOff = 0, kRenormalization = 1, kFineTuning = 2, kFederated = 3 };

  MlInferenceObject();
  // Asked before a written Teach Label is stored: kChanged to take it.
  using TeachCheck = std::function<lwm2m::CoapCode(const std::string& label)>;
  void OnTeach(TeachCheck check) { teach_check_ = std::move(check); }
  std::string teach_label() const;
  void SetModel(const ModelInfo& model);
  // After each window: the counters and the drift score (a window above the
  // threshold counts as drifted).
  void SetStatistics(uint64_t classifications, double mean_confidence, double drift_score);
  double drift_threshold() const;
  double capture_threshold() const;
  void SetBufferedSamples(size_t count);
  int64_t learning_mode() const;
  void SetUpdateCount(uint64_t count);
  double learning_rate() const { return GetFloat(kLearningRate, kDefaultLearningRate); }
  int64_t learning_epochs() const { return GetInteger(kLearningEpochs, kDefaultLearningEpochs); }
  int64_t replay_buffer_size() const { return GetInteger(kReplayBufferSize, kDefaultReplayBufferSize); }
  uint64_t drifted_windows() const { return drifted_windows_; }
  // A Drift Threshold that is not a finite number >= 0, a Capture
  // Threshold outside 0..1, a Learning Mode other than 0, 1 or 2, or a
  // hyper-parameter outside its range is refused (4.00).
  lwm2m::CoapCode Write(uint16_t iid, const lwm2m::Record& record) override;

 private:
  double GetFloat(uint16_t rid, double fallback) const;
  int64_t GetInteger(uint16_t rid, int64_t fallback) const;
  uint64_t drifted_windows_ = 0;
  TeachCheck teach_check_;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_ML_INFERENCE_OBJECT_H_
