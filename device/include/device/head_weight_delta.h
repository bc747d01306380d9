// HeadWeightDelta: the bytes of /33651/0/19, the head's float change since
// the package, for a federated round to average. Little-endian:
//   uint16 outputs, uint16 inputs, uint32 examples (the labelled windows the
//   change was trained on: a FedAvg weight), then outputs × inputs float32
//   weight changes ([out][in]) and outputs float32 bias changes.
// Decode refuses (returns false) anything whose length does not match its
// shape or that holds a non-finite value.
#ifndef LWCL_DEVICE_HEAD_WEIGHT_DELTA_H_
#define LWCL_DEVICE_HEAD_WEIGHT_DELTA_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lwcl::device {

struct HeadDelta {
  uint16_t outputs = 0;
  uint16_t inputs = 0;
  uint32_t examples = 0;
  std::vector<float> values;  // outputs * inputs + outputs
};

std::vector<uint8_t> EncodeHeadDelta(const HeadDelta& delta);
bool DecodeHeadDelta(std::span<const uint8_t> bytes, HeadDelta* out);

}  // namespace lwcl::device

#endif  // LWCL_DEVICE_HEAD_WEIGHT_DELTA_H_
