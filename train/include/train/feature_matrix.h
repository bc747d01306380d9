// FeatureMatrix: a table of feature vectors, one row per window, with the
// class and the source window of every row.
//
// It is what the trainer fits and the evaluator scores. Rows are raw
// (un-normalised) DSP outputs, exactly what the device computes before its
// normalisation step; the window reference lets int8 evaluation go back to the
// raw samples and run the device's whole pipeline on them.
#ifndef LWCL_TRAIN_FEATURE_MATRIX_H_
#define LWCL_TRAIN_FEATURE_MATRIX_H_

#include <cstddef>
#include <span>
#include <vector>

#include "train/windowing.h"

namespace lwcl::train {

struct FeatureMatrix {
  size_t dim = 0;                  // features per row
  std::vector<float> values;       // rows * dim, row-major
  std::vector<int> labels;         // class id per row
  std::vector<WindowRef> windows;  // source window per row (empty for synthetic data)

  size_t rows() const { return dim == 0 ? 0 : values.size() / dim; }
  std::span<const float> row(size_t i) const {
    return std::span<const float>(values).subspan(i * dim, dim);
  }
  void AddRow(std::span<const float> features, int label) {
    values.insert(values.end(), features.begin(), features.end());
    labels.push_back(label);
  }
  // Removes rows holding NaN or infinity (nothing can learn from them, and
  // one would poison the normalisation); returns how many went.
  size_t DropNonFiniteRows();
};

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_FEATURE_MATRIX_H_
