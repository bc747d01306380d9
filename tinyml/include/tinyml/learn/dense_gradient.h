// DenseGradient: the backward pass of a float dense layer and of a softmax
// with cross-entropy on top of it.
//
// The forward pass is kernels/dense.h's DenseFloat and kernels/softmax.h's
// Softmax. These are their derivatives, written once for both learners: the
// host trainer (train's MLP trainer backpropagates through every layer with
// them) and the on-device learner (which fine-tunes only the head, the last
// layer, inside its arena). Like the kernels they take already-shaped spans,
// never allocate and keep no state. Weights are row-major [out][in].
#ifndef LWCL_TINYML_LEARN_DENSE_GRADIENT_H_
#define LWCL_TINYML_LEARN_DENSE_GRADIENT_H_

#include <cstddef>

#include "tinyml/span.h"

namespace lwcl::tinyml {

// dLoss/dlogits of `weight` * cross-entropy(softmax(logits), label), given
// the softmax output: delta[i] = weight * (probabilities[i] - [i == label]).
// The spans have the same size; label < probabilities.size.
void SoftmaxCrossEntropyDelta(Span<const float> probabilities, size_t label, float weight,
                              Span<float> delta);

// Adds one sample's gradient to the running sums: bias_grad[o] += delta[o],
// weight_grad[o*in + i] += delta[o] * input[i]. Requires weight_grad.size ==
// delta.size * input.size and bias_grad.size == delta.size.
void AccumulateDenseGradient(Span<const float> input, Span<const float> delta,
                             Span<float> weight_grad, Span<float> bias_grad);

// dLoss/dinput of a dense layer: input_delta[i] = sum_o delta[o] * w[o, i],
// then 0 wherever input[i] <= 0 when `input_relu` (the input came out of a
// ReLU, whose derivative is 0 there). `input` is that ReLU's output;
// input_delta.size == input.size. input_delta may not alias delta.
void DenseInputDelta(Span<const float> weights, Span<const float> delta, Span<const float> input,
                     bool input_relu, Span<float> input_delta);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_LEARN_DENSE_GRADIENT_H_
