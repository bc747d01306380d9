#include "device/accelerometer_object.h"

namespace lwcl::device {

using lwm2m::DataType;
using lwm2m::Operations;

AccelerometerObject::AccelerometerObject(const AccelerometerInfo& info)
    : SimpleObject(kObjectId, true,
                   {
                       {kXValue, Operations::kRead, DataType::kFloat, false},
                       {kYValue, Operations::kRead, DataType::kFloat, false},
                       {kZValue, Operations::kRead, DataType::kFloat, false},
                       {kSensorUnits, Operations::kRead, DataType::kString, false},
                       {kMinRange, Operations::kRead, DataType::kFloat, false},
                       {kMaxRange, Operations::kRead, DataType::kFloat, false},
                   }) {
  AddSensor(0, info);
}

void AccelerometerObject::AddSensor(uint16_t iid, const AccelerometerInfo& info) {
  AddInstance(iid);
  // X is mandatory: present (0) before the first sample arrives.
  Set(iid, kXValue, 0.0);
  Set(iid, kYValue, 0.0);
  Set(iid, kZValue, 0.0);
  if (!info.units.empty()) Set(iid, kSensorUnits, info.units);
  if (info.min_range) Set(iid, kMinRange, *info.min_range);
  if (info.max_range) Set(iid, kMaxRange, *info.max_range);
}

void AccelerometerObject::SetAcceleration(double x, double y, double z, uint16_t iid) {
  // SimpleObject::Set marks a path changed only when its value differs.
  Set(iid, kXValue, x);
  Set(iid, kYValue, y);
  Set(iid, kZValue, z);
}

}  // namespace lwcl::device
