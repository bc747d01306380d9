// Quantization: the integer arithmetic of int8 inference.
//
// Real value r and int8 value q are related by r = scale * (q - zero_point).
// A layer's int32 accumulator is rescaled to its output by a real factor
// (in_scale * w_scale / out_scale) that the host expresses as a Q31
// fixed-point multiplier and a power-of-two shift (the gemmlowp / TFLite
// scheme). Everything here is pure integer arithmetic, so the device and the
// host produce bit-identical results; the float helpers round half away from
// zero and saturate to int8.
#ifndef LWCL_TINYML_KERNELS_QUANTIZATION_H_
#define LWCL_TINYML_KERNELS_QUANTIZATION_H_

#include <cstdint>

#include "tinyml/status.h"

namespace lwcl::tinyml {

// x * multiplier * 2^shift / 2^31, rounded to nearest, saturating to int32.
// `multiplier` is a Q31 value in [2^30, 2^31) (or 0); `shift` is in [-31, 30]
// with positive values shifting left. Matches TFLite's reference
// MultiplyByQuantizedMultiplier except that a left shift that would overflow
// saturates instead of being undefined.
int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift);

// The inverse: real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31).
// A real below 2^-32 becomes (0, 0). kInvalidArgument (outputs untouched)
// unless real is finite, >= 0 and < 2^30. The host quantiser uses it for
// every layer; the device needs it when it re-quantises a head it adapted.
Status QuantizeMultiplier(double real, int32_t* multiplier, int32_t* shift);

// round(value / scale) + zero_point, saturated to [-128, 127]. NaN maps to the
// zero point. `scale` must be positive.
int8_t QuantizeToInt8(float value, float scale, int32_t zero_point);

// scale * (q - zero_point).
inline float DequantizeInt8(int8_t q, float scale, int32_t zero_point) {
  return scale * static_cast<float>(static_cast<int32_t>(q) - zero_point);
}

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_KERNELS_QUANTIZATION_H_
