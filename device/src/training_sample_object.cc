#include "device/training_sample_object.h"

#include <cstring>
#include <variant>

namespace lwcl::device {

using lwm2m::CoapCode;
using lwm2m::DataType;
using lwm2m::Operations;

TrainingSampleObject::TrainingSampleObject()
    : SimpleObject(kObjectId, true,
                   {{kTimestamp, Operations::kRead, DataType::kTime},
                    {kPredictedLabel, Operations::kRead, DataType::kString},
                    {kConfidence, Operations::kRead, DataType::kFloat},
                    {kDriftScore, Operations::kRead, DataType::kFloat},
                    {kAssignedLabel, Operations::kReadWrite, DataType::kString},
                    {kFeatures, Operations::kRead, DataType::kOpaque}}) {}

lwm2m::Opaque TrainingSampleObject::EncodeFeatures(std::span<const float> features) {
  lwm2m::Opaque out(features.size() * 4);
  for (size_t i = 0; i < features.size(); ++i) {
    uint32_t bits = 0;
    std::memcpy(&bits, &features[i], 4);
    for (size_t b = 0; b < 4; ++b) out[i * 4 + b] = static_cast<uint8_t>(bits >> (8 * b));
  }
  return out;
}

void TrainingSampleObject::Show(uint16_t iid, const SampleView& sample) {
  AddInstance(iid);
  Set(iid, kTimestamp, lwm2m::Time{sample.time_s});
  Set(iid, kPredictedLabel, sample.predicted);
  Set(iid, kConfidence, sample.confidence);
  Set(iid, kDriftScore, sample.drift);
  Set(iid, kAssignedLabel, sample.assigned);
  Set(iid, kFeatures, EncodeFeatures(sample.features));
}

void TrainingSampleObject::Clear() {
  for (uint16_t iid : Instances()) RemoveInstance(iid);
}

CoapCode TrainingSampleObject::Write(uint16_t iid, const lwm2m::Record& record) {
  if (record.path.resource() == kAssignedLabel && label_check_) {
    const std::string* label = std::get_if<std::string>(&record.value);
    if (label == nullptr) return CoapCode::kBadRequest;
    if (CoapCode c = label_check_(iid, *label); c != CoapCode::kChanged) return c;
  }
  return SimpleObject::Write(iid, record);
}

CoapCode TrainingSampleObject::Create(uint16_t) { return CoapCode::kMethodNotAllowed; }

CoapCode TrainingSampleObject::Delete(uint16_t iid) {
  const CoapCode c = SimpleObject::Delete(iid);
  if (c == CoapCode::kDeleted && delete_hook_) delete_hook_(iid);
  return c;
}

}  // namespace lwcl::device
