#include "tinyml/kernels/softmax.h"

#include <cmath>

namespace lwcl::tinyml {

void Softmax(Span<const float> logits, Span<float> probabilities) {
  if (logits.size == 0) return;
  float max = logits[0];
  for (size_t i = 1; i < logits.size; ++i) {
    if (logits[i] > max) max = logits[i];
  }
  float sum = 0.0f;
  for (size_t i = 0; i < logits.size; ++i) {
    probabilities[i] = std::exp(logits[i] - max);
    sum += probabilities[i];
  }
  // sum >= 1 (the max term is exp(0)), so the division is always safe.
  for (size_t i = 0; i < logits.size; ++i) probabilities[i] /= sum;
}

}  // namespace lwcl::tinyml
