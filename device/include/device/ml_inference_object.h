// MlInferenceObject: the ML Inference & Learning object /33651 (single
// instance 0; lwm2m/objects/33651.xml), the inference half of it: which model
// runs and how it is doing.
//   0 Model Name (String)       1 Model Version (String)
//   2 Window Length (Integer, samples)   3 Window Stride (Integer, samples)
//   4 Sample Rate (Float, Hz)   5 Classification Count (Integer)
//   6 Mean Confidence (Float, over every window of this model)
// All read-only here. The learning resources (drift score, learning mode,
// teach label, adapt/reset/upload, ...) are declared by whoever implements
// on-device learning; this object leaves them absent.
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

  MlInferenceObject();
  void SetModel(const ModelInfo& model);
  void SetStatistics(uint64_t classifications, double mean_confidence);
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_ML_INFERENCE_OBJECT_H_
