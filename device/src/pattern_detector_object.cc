#include "device/pattern_detector_object.h"

#include <algorithm>

namespace lwcl::device {

using lwm2m::DataType;
using lwm2m::Operations;

PatternDetectorObject::PatternDetectorObject()
    : SimpleObject(kObjectId, true,
                   {{kDetectorState, Operations::kRead, DataType::kBoolean},
                    {kDetectorCounter, Operations::kRead, DataType::kInteger},
                    {kPatternName, Operations::kRead, DataType::kString}}) {}

bool PatternDetectorObject::SetLabels(std::span<const std::string> labels) {
  bool changed = false;
  for (uint16_t iid : Instances()) {
    if (iid >= labels.size()) {
      RemoveInstance(iid);
      MarkChanged(lwm2m::Path::Instance(kObjectId, iid));
      changed = true;
    }
  }
  const std::vector<uint16_t> present = Instances();
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto iid = static_cast<uint16_t>(i);
    if (std::find(present.begin(), present.end(), iid) == present.end()) {
      AddInstance(iid);
      changed = true;
    }
    Set(iid, kDetectorState, false);
    Set(iid, kDetectorCounter, int64_t{0});
    Set(iid, kPatternName, labels[i]);
  }
  return changed;
}

void PatternDetectorObject::SetState(uint16_t iid, bool detected) { Set(iid, kDetectorState, detected); }

void PatternDetectorObject::SetCounter(uint16_t iid, uint64_t count) {
  Set(iid, kDetectorCounter, static_cast<int64_t>(count));
}

}  // namespace lwcl::device
