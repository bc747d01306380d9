#include "train/feature_matrix.h"

#include <cmath>

namespace lwcl::train {

size_t FeatureMatrix::DropNonFiniteRows() {
  const size_t n = rows();
  size_t kept = 0;
  for (size_t r = 0; r < n; ++r) {
    bool finite = true;
    for (size_t j = 0; j < dim; ++j) finite = finite && std::isfinite(values[r * dim + j]);
    if (!finite) continue;
    if (kept != r) {
      for (size_t j = 0; j < dim; ++j) values[kept * dim + j] = values[r * dim + j];
      labels[kept] = labels[r];
      if (!windows.empty()) windows[kept] = windows[r];
    }
    ++kept;
  }
  values.resize(kept * dim);
  labels.resize(kept);
  if (!windows.empty()) windows.resize(kept);
  return n - kept;
}

}  // namespace lwcl::train
