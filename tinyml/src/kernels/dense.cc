#include "tinyml/kernels/dense.h"

#include "tinyml/kernels/quantization.h"

namespace lwcl::tinyml {

void DenseFloat(Span<const float> weights, Span<const float> bias, Span<const float> input,
                bool relu, Span<float> output) {
  const size_t in = input.size;
  for (size_t o = 0; o < output.size; ++o) {
    const float* row = weights.data + o * in;
    float acc = bias[o];
    for (size_t i = 0; i < in; ++i) acc += row[i] * input[i];
    output[o] = (relu && acc < 0.0f) ? 0.0f : acc;
  }
}

void DenseInt8(Span<const int8_t> weights, Span<const int32_t> bias, const Int8DenseParams& params,
               Span<const int8_t> input, Span<int8_t> output) {
  const size_t in = input.size;
  const int32_t in_zp = params.input_zero_point;
  const int32_t out_zp = params.output_zero_point;
  // ReLU is fused by clamping: real 0 is the output zero point.
  const int32_t low = params.relu && out_zp > -128 ? out_zp : -128;
  for (size_t o = 0; o < output.size; ++o) {
    const int8_t* row = weights.data + o * in;
    // An int32 accumulator, summed as uint32 so that a hostile package that
    // overflows it wraps (defined) instead of invoking undefined behaviour;
    // for every non-overflowing sum the result is the plain int32 one.
    uint32_t acc = static_cast<uint32_t>(bias[o]);
    for (size_t i = 0; i < in; ++i) {
      acc += static_cast<uint32_t>(static_cast<int32_t>(row[i]) *
                                   (static_cast<int32_t>(input[i]) - in_zp));
    }
    const int32_t v = MultiplyByQuantizedMultiplier(static_cast<int32_t>(acc), params.multiplier[o],
                                                    params.shift[o]);
    // Add the zero point in 64 bits: v may be near INT32_MAX.
    int64_t q = static_cast<int64_t>(v) + out_zp;
    if (q < low) q = low;
    if (q > 127) q = 127;
    output[o] = static_cast<int8_t>(q);
  }
}

}  // namespace lwcl::tinyml
