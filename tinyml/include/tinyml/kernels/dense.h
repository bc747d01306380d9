// Dense: the fully-connected layer kernels, float and int8.
//
// Kernels only compute: they take already-validated buffers and never check
// shapes beyond what their spans say, never allocate and keep no state. The
// interpreter (Classifier) and the host reference (train's FloatForward) both
// call these, so the host measures exactly the arithmetic the device runs.
// Weights are row-major [out][in]; a layer's input size is input.size and
// its output size is output.size.
#ifndef LWCL_TINYML_KERNELS_DENSE_H_
#define LWCL_TINYML_KERNELS_DENSE_H_

#include <cstdint>

#include "tinyml/span.h"

namespace lwcl::tinyml {

// output[o] = bias[o] + sum_i weights[o*in + i] * input[i], then max(0, .)
// when `relu`. Requires weights.size == in*out and bias.size == out.
void DenseFloat(Span<const float> weights, Span<const float> bias, Span<const float> input,
                bool relu, Span<float> output);

// Per-layer constants of the int8 kernel. Weights are symmetric per output
// channel (zero point 0); the bias is int32 at scale in_scale * w_scale[o];
// multiplier/shift (one per output channel) rescale the accumulator to the
// output scale (see quantization.h).
struct Int8DenseParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  Span<const int32_t> multiplier;  // out
  Span<const int32_t> shift;       // out
  bool relu = false;               // fused: clamps below at the output zero point
};

// output[o] = clamp(MBQM(bias[o] + sum_i w[o,i] * (input[i] - in_zp)) + out_zp).
// Requires weights.size == in*out and bias/multiplier/shift of size out.
void DenseInt8(Span<const int8_t> weights, Span<const int32_t> bias, const Int8DenseParams& params,
               Span<const int8_t> input, Span<int8_t> output);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_KERNELS_DENSE_H_
