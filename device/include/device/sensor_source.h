// SensorSource: where a virtual device's accelerometer samples come from
// (the motion simulator, a replayed recording, ...), behind one interface so
// the pattern-detector application does not care which.
//
// It promises: samples come in time order at rate_hz(), three axes (x, y, z)
// in g (gravity included, as a real accelerometer reports it); Next never
// blocks and never allocates once the source is built; truth() names the
// pattern being produced right now when the source knows it (for tests and
// the dashboard), empty otherwise. A source may end (a recording without
// loop): Next then returns false for good.
#ifndef LWCL_DEVICE_SENSOR_SOURCE_H_
#define LWCL_DEVICE_SENSOR_SOURCE_H_

#include <array>
#include <string_view>

namespace lwcl::device {

using Sample = std::array<float, 3>;  // x, y, z in g

class SensorSource {
 public:
  virtual ~SensorSource() = default;
  // Samples per second.
  virtual float rate_hz() const = 0;
  // The next sample; false when the source has ended.
  virtual bool Next(Sample* out) = 0;
  // The pattern being produced now ("idle", "wave", ...), or empty.
  virtual std::string_view truth() const = 0;
};

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_SENSOR_SOURCE_H_
