#include "tinyml/kernels/anomaly.h"

#include <cmath>

namespace lwcl::tinyml {

float AnomalyScore(Span<const float> features, Span<const float> centroids, float radius) {
  const size_t n = features.size;
  if (n == 0 || !(radius > 0.0f)) return 0.0f;
  const size_t count = centroids.size / n;
  if (count == 0) return 0.0f;
  float best = 0.0f;
  for (size_t c = 0; c < count; ++c) {
    const float* centroid = centroids.data + c * n;
    float d2 = 0.0f;
    for (size_t i = 0; i < n; ++i) {
      const float d = features[i] - centroid[i];
      d2 += d * d;
    }
    if (c == 0 || d2 < best) best = d2;
  }
  return std::sqrt(best) / radius;
}

}  // namespace lwcl::tinyml
