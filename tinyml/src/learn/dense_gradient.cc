#include "tinyml/learn/dense_gradient.h"

namespace lwcl::tinyml {

void SoftmaxCrossEntropyDelta(Span<const float> probabilities, size_t label, float weight,
                              Span<float> delta) {
  for (size_t i = 0; i < probabilities.size; ++i) {
    const float target = i == label ? 1.0f : 0.0f;
    delta[i] = (probabilities[i] - target) * weight;
  }
}

void AccumulateDenseGradient(Span<const float> input, Span<const float> delta,
                             Span<float> weight_grad, Span<float> bias_grad) {
  const size_t in = input.size;
  for (size_t o = 0; o < delta.size; ++o) {
    const float d = delta[o];
    if (d == 0.0f) continue;  // ReLU zeros many deltas: skip their rows
    bias_grad[o] += d;
    float* row = weight_grad.data + o * in;
    for (size_t i = 0; i < in; ++i) row[i] += d * input[i];
  }
}

void DenseInputDelta(Span<const float> weights, Span<const float> delta, Span<const float> input,
                     bool input_relu, Span<float> input_delta) {
  const size_t in = input.size;
  for (size_t i = 0; i < in; ++i) input_delta[i] = 0.0f;
  for (size_t o = 0; o < delta.size; ++o) {
    const float d = delta[o];
    if (d == 0.0f) continue;
    const float* row = weights.data + o * in;
    for (size_t i = 0; i < in; ++i) input_delta[i] += d * row[i];
  }
  if (!input_relu) return;
  for (size_t i = 0; i < in; ++i) {
    if (input[i] <= 0.0f) input_delta[i] = 0.0f;
  }
}

}  // namespace lwcl::tinyml
