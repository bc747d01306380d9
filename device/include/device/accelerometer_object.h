// AccelerometerObject: the IPSO Accelerometer /3313 (multiple instances; the
// constructor makes instance 0), the device's motion sensor as the server
// sees it. It lives in device/, whose sensor it is, on the client's
// SimpleObject. SetAcceleration writes the three axes and marks changed only the
// axes whose value moved, so an observation of X with a threshold is not
// woken by Z.
//
// Resources (lwm2m/objects/3313.xml, all R): 5702 X Value, 5703 Y Value,
// 5704 Z Value, 5701 Sensor Units, 5603 Min Range Value, 5604 Max Range
// Value (Float but 5701).
#ifndef LWCL_DEVICE_ACCELEROMETER_OBJECT_H_
#define LWCL_DEVICE_ACCELEROMETER_OBJECT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "client/simple_object.h"

namespace lwcl::device {

struct AccelerometerInfo {
  std::string units = "m/s2";  // 5701 (absent when empty)
  std::optional<double> min_range = -16.0 * 9.80665;  // 5603
  std::optional<double> max_range = 16.0 * 9.80665;   // 5604
};

class AccelerometerObject : public client::SimpleObject {
 public:
  static constexpr uint16_t kObjectId = 3313;
  static constexpr uint16_t kXValue = 5702;
  static constexpr uint16_t kYValue = 5703;
  static constexpr uint16_t kZValue = 5704;
  static constexpr uint16_t kSensorUnits = 5701;
  static constexpr uint16_t kMinRange = 5603;
  static constexpr uint16_t kMaxRange = 5604;

  explicit AccelerometerObject(const AccelerometerInfo& info = {});
  // Adds instance `iid` with the same units and range (a second sensor).
  void AddSensor(uint16_t iid, const AccelerometerInfo& info);
  // Sets X, Y, Z of instance `iid`; each axis is marked changed only when its
  // value differs from the last one.
  void SetAcceleration(double x, double y, double z, uint16_t iid = 0);
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_ACCELEROMETER_OBJECT_H_
