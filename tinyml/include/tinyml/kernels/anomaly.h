// Anomaly: how far a window's features are from everything the model knows.
//
// The score is the Euclidean distance from the normalised feature vector to
// the nearest class centroid, divided by the package's anomaly radius (the
// training-set distance quantile the trainer chose). So about 1 means "at the
// edge of the training data" and much more means "something new".
#ifndef LWCL_TINYML_KERNELS_ANOMALY_H_
#define LWCL_TINYML_KERNELS_ANOMALY_H_

#include "tinyml/span.h"

namespace lwcl::tinyml {

// `centroids` holds centroids.size / features.size vectors of features.size
// floats each. Returns 0 when there are no centroids or the radius is not
// positive.
float AnomalyScore(Span<const float> features, Span<const float> centroids, float radius);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_KERNELS_ANOMALY_H_
