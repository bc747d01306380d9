// PatternDetectorObject: the Pattern Detector object /33650, exactly as
// AVSystem's reference demo defines it (lwm2m/objects/33650.xml), so existing
// dashboards read it: multiple instances, one per class label of the active
// model (instance i = label i), each with
//   2000 Detector State   (R, Boolean)  true while that pattern is detected
//   2001 Detector Counter (R, Integer)  detections so far, cumulative
//   2002 Pattern Name     (R, String)   the label
// Values change through SimpleObject::Set, so observations of the object, an
// instance or a resource are notified as the attributes say.
#ifndef LWCL_DEVICE_PATTERN_DETECTOR_OBJECT_H_
#define LWCL_DEVICE_PATTERN_DETECTOR_OBJECT_H_

#include <cstdint>
#include <span>
#include <string>

#include "client/simple_object.h"

namespace lwcl::device {

class PatternDetectorObject : public client::SimpleObject {
 public:
  static constexpr uint16_t kObjectId = 33650;
  static constexpr uint16_t kDetectorState = 2000;
  static constexpr uint16_t kDetectorCounter = 2001;
  static constexpr uint16_t kPatternName = 2002;

  PatternDetectorObject();

  // Makes the instances follow `labels`: instance i named labels[i], state
  // false, counter 0; instances beyond the list are removed. Returns true
  // when the instance set changed (the registration's object list then
  // changed too: send an Update).
  bool SetLabels(std::span<const std::string> labels);
  void SetState(uint16_t iid, bool detected);
  void SetCounter(uint16_t iid, uint64_t count);
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_PATTERN_DETECTOR_OBJECT_H_
