// TrainingSampleObject: the Training Sample object /33652
// (lwm2m/objects/33652.xml), one instance per window the device keeps to
// learn from (device/sample_capture.h), instance id = the sample's id:
//   0 Timestamp        (R, Time)    when the window ended
//   1 Predicted Label  (R, String)  the model's top class
//   2 Confidence       (R, Float)   that class's probability
//   3 Drift Score      (R, Float)   /33651/0/7 when the window was taken
//   4 Assigned Label   (RW, String) the true label; empty while unlabelled
//   5 Features         (R, Opaque)  little-endian float32, raw (not
//                                   normalised), in the model's feature order
// The device creates and drops instances; the server may Delete one (the
// sample is forgotten) but not Create. A written label goes through the
// label check first, so a label the device cannot use is refused (4.00) and
// nothing changes. Instances come and go without a Registration Update (a
// drifted device captures a window every stride): observe /33651/0/21
// Buffered Samples to hear of them, or let Upload Samples send them.
#ifndef LWCL_DEVICE_TRAINING_SAMPLE_OBJECT_H_
#define LWCL_DEVICE_TRAINING_SAMPLE_OBJECT_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "client/simple_object.h"

namespace lwcl::device {

struct SampleView {
  int64_t time_s = 0;
  std::string predicted;
  double confidence = 0.0;
  double drift = 0.0;
  std::span<const float> features;
  std::string assigned;  // the Assigned Label it starts with (Teach Label's); empty: unlabelled
};

class TrainingSampleObject : public client::SimpleObject {
 public:
  static constexpr uint16_t kObjectId = 33652;
  static constexpr uint16_t kTimestamp = 0;
  static constexpr uint16_t kPredictedLabel = 1;
  static constexpr uint16_t kConfidence = 2;
  static constexpr uint16_t kDriftScore = 3;
  static constexpr uint16_t kAssignedLabel = 4;
  static constexpr uint16_t kFeatures = 5;

  // Asked before a written label is stored: kChanged to take it.
  using LabelCheck = std::function<lwm2m::CoapCode(uint16_t iid, const std::string& label)>;
  // Told after the server deleted an instance.
  using DeleteHook = std::function<void(uint16_t iid)>;

  TrainingSampleObject();
  void OnLabel(LabelCheck check) { label_check_ = std::move(check); }
  void OnDelete(DeleteHook hook) { delete_hook_ = std::move(hook); }

  // Adds instance `iid` showing `sample`.
  void Show(uint16_t iid, const SampleView& sample);
  void Forget(uint16_t iid) { RemoveInstance(iid); }
  void Clear();

  // Features as they go on the wire: little-endian float32.
  static lwm2m::Opaque EncodeFeatures(std::span<const float> features);

  lwm2m::CoapCode Write(uint16_t iid, const lwm2m::Record& record) override;
  lwm2m::CoapCode Create(uint16_t iid) override;
  lwm2m::CoapCode Delete(uint16_t iid) override;

 private:
  LabelCheck label_check_;
  DeleteHook delete_hook_;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_TRAINING_SAMPLE_OBJECT_H_
