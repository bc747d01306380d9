// Softmax: turns logits into class probabilities, in float.
//
// Numerically safe (the maximum logit is subtracted first), so any finite
// logits give probabilities in [0, 1] that sum to 1 within rounding.
#ifndef LWCL_TINYML_KERNELS_SOFTMAX_H_
#define LWCL_TINYML_KERNELS_SOFTMAX_H_

#include "tinyml/span.h"

namespace lwcl::tinyml {

// probabilities[i] = exp(logits[i]) / sum_j exp(logits[j]). The spans have the
// same size and may be the same buffer.
void Softmax(Span<const float> logits, Span<float> probabilities);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_KERNELS_SOFTMAX_H_
