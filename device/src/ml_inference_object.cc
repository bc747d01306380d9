#include "device/ml_inference_object.h"

#include <cmath>
#include <optional>
#include <variant>

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
                    {kMeanConfidence, Operations::kRead, DataType::kFloat},
                    {kDriftScore, Operations::kRead, DataType::kFloat},
                    {kLearningMode, Operations::kReadWrite, DataType::kInteger},
                    {kCaptureThreshold, Operations::kReadWrite, DataType::kFloat},
                    {kDriftThreshold, Operations::kReadWrite, DataType::kFloat},
                    {kAdaptNow, Operations::kExecute, DataType::kNone},
                    {kResetToBaseline, Operations::kExecute, DataType::kNone},
                    {kUploadSamples, Operations::kExecute, DataType::kNone},
                    {kUpdateCount, Operations::kRead, DataType::kInteger},
                    {kBufferedSamples, Operations::kRead, DataType::kInteger},
                    {kLearningRate, Operations::kReadWrite, DataType::kFloat},
                    {kLearningEpochs, Operations::kReadWrite, DataType::kInteger},
                    {kReplayBufferSize, Operations::kReadWrite, DataType::kInteger},
                    {kValidationAccuracy, Operations::kRead, DataType::kFloat},
                    {kHeadWeightDelta, Operations::kRead, DataType::kOpaque},
                    {kTeachLabel, Operations::kReadWrite, DataType::kString}}) {
  AddInstance(0);
  Set(0, kCaptureThreshold, kDefaultCaptureThreshold);
  Set(0, kDriftThreshold, kDefaultDriftThreshold);
  SetBufferedSamples(0);
  Set(0, kLearningMode, int64_t{kLearningOff});
  SetUpdateCount(0);
  SetStatistics(0, 0.0, 0.0);
  Set(0, kLearningRate, kDefaultLearningRate);
  Set(0, kLearningEpochs, kDefaultLearningEpochs);
  Set(0, kReplayBufferSize, kDefaultReplayBufferSize);
  Set(0, kValidationAccuracy, 0.0);
  Set(0, kHeadWeightDelta, lwm2m::Opaque{});
  Set(0, kTeachLabel, std::string());
}

std::string MlInferenceObject::teach_label() const {
  const std::optional<lwm2m::Value> v = Get(0, kTeachLabel);
  const std::string* s = v ? std::get_if<std::string>(&*v) : nullptr;
  return s ? *s : std::string();
}

void MlInferenceObject::SetModel(const ModelInfo& model) {
  Set(0, kModelName, model.name);
  Set(0, kModelVersion, model.version);
  Set(0, kWindowLength, model.window_samples);
  Set(0, kWindowStride, model.stride_samples);
  Set(0, kSampleRate, model.sample_rate_hz);
}

void MlInferenceObject::SetStatistics(uint64_t classifications, double mean_confidence, double drift_score) {
  Set(0, kClassificationCount, static_cast<int64_t>(classifications));
  Set(0, kMeanConfidence, mean_confidence);
  Set(0, kDriftScore, drift_score);
  if (classifications > 0 && drift_score > drift_threshold()) ++drifted_windows_;
}

double MlInferenceObject::GetFloat(uint16_t rid, double fallback) const {
  const std::optional<lwm2m::Value> v = Get(0, rid);
  const double* d = v ? std::get_if<double>(&*v) : nullptr;
  return d != nullptr ? *d : fallback;
}

double MlInferenceObject::drift_threshold() const { return GetFloat(kDriftThreshold, kDefaultDriftThreshold); }
double MlInferenceObject::capture_threshold() const {
  return GetFloat(kCaptureThreshold, kDefaultCaptureThreshold);
}

void MlInferenceObject::SetBufferedSamples(size_t count) { Set(0, kBufferedSamples, static_cast<int64_t>(count)); }
void MlInferenceObject::SetUpdateCount(uint64_t count) { Set(0, kUpdateCount, static_cast<int64_t>(count)); }

int64_t MlInferenceObject::GetInteger(uint16_t rid, int64_t fallback) const {
  const std::optional<lwm2m::Value> v = Get(0, rid);
  const int64_t* i = v ? std::get_if<int64_t>(&*v) : nullptr;
  return i != nullptr ? *i : fallback;
}

int64_t MlInferenceObject::learning_mode() const { return GetInteger(kLearningMode, kLearningOff); }

lwm2m::CoapCode MlInferenceObject::Write(uint16_t iid, const lwm2m::Record& record) {
  if (record.path.resource() == kDriftThreshold) {
    const double* d = std::get_if<double>(&record.value);
    if (d == nullptr || !std::isfinite(*d) || *d < 0.0) return lwm2m::CoapCode::kBadRequest;
  }
  if (record.path.resource() == kLearningMode) {
    const int64_t* i = std::get_if<int64_t>(&record.value);
    if (i == nullptr || *i < kLearningOff || *i > kFineTuning) return lwm2m::CoapCode::kBadRequest;
  }
  if (record.path.resource() == kLearningRate) {
    const double* d = std::get_if<double>(&record.value);
    if (d == nullptr || !(*d > 0.0 && *d <= 10.0)) return lwm2m::CoapCode::kBadRequest;
  }
  if (record.path.resource() == kLearningEpochs || record.path.resource() == kReplayBufferSize) {
    const int64_t* i = std::get_if<int64_t>(&record.value);
    const int64_t lo = record.path.resource() == kLearningEpochs ? 1 : 0;
    const int64_t hi = record.path.resource() == kLearningEpochs ? 100 : 1024;
    if (i == nullptr || *i < lo || *i > hi) return lwm2m::CoapCode::kBadRequest;
  }
  if (record.path.resource() == kCaptureThreshold) {
    const double* d = std::get_if<double>(&record.value);
    if (d == nullptr || !(*d >= 0.0 && *d <= 1.0)) return lwm2m::CoapCode::kBadRequest;
  }
  if (record.path.resource() == kTeachLabel) {
    const std::string* label = std::get_if<std::string>(&record.value);
    if (label == nullptr) return lwm2m::CoapCode::kBadRequest;
    if (teach_check_) {
      if (const lwm2m::CoapCode c = teach_check_(*label); c != lwm2m::CoapCode::kChanged) return c;
    }
  }
  return SimpleObject::Write(iid, record);
}

}  // namespace lwcl::device
