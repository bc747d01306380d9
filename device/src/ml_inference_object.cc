#include "device/ml_inference_object.h"

namespace lwcl::device {

using lwm2m::DataType;
using lwm2m::Operations;

MlInferenceObject::MlInferenceObject()
    : SimpleObject(kObjectId, false,
                   {{kModelName, Operations::kRead, DataType::kString},
                    {kModelVersion, Operations::kRead, DataType::kString},
                    {kWindowLength, Operations::kRead, DataType::kInteger},
                    {kWindowStride, Operations::kRead, DataType::kInteger},
                    {kSampleRate, Operations::kRead, DataType::kFloat},
                    {kClassificationCount, Operations::kRead, DataType::kInteger},
                    {kMeanConfidence, Operations::kRead, DataType::kFloat}}) {
  AddInstance(0);
  SetStatistics(0, 0.0);
}

void MlInferenceObject::SetModel(const ModelInfo& model) {
  Set(0, kModelName, model.name);
  Set(0, kModelVersion, model.version);
  Set(0, kWindowLength, model.window_samples);
  Set(0, kWindowStride, model.stride_samples);
  Set(0, kSampleRate, model.sample_rate_hz);
}

void MlInferenceObject::SetStatistics(uint64_t classifications, double mean_confidence) {
  Set(0, kClassificationCount, static_cast<int64_t>(classifications));
  Set(0, kMeanConfidence, mean_confidence);
}

}  // namespace lwcl::device
