// Evaluation: how good a set of predictions is, as numbers a user can act on.
//
// A ConfusionMatrix counts (true class, predicted class) pairs; rows are the
// true class, columns the prediction. Metrics derive accuracy, per-class
// precision / recall / F1 and their macro average from it. Agreement is the
// fraction of windows on which two predictors (float and int8) chose the same
// class, which is what "int8 is faithful to float" means per window.
#ifndef LWCL_TRAIN_EVALUATION_H_
#define LWCL_TRAIN_EVALUATION_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lwcl::train {

struct ConfusionMatrix {
  size_t classes = 0;
  std::vector<uint32_t> counts;  // classes * classes, [true][predicted]

  ConfusionMatrix() = default;
  explicit ConfusionMatrix(size_t n) : classes(n), counts(n * n, 0) {}
  void Add(size_t truth, size_t predicted) { ++counts.at(truth * classes + predicted); }
  uint32_t at(size_t truth, size_t predicted) const {
    return counts.at(truth * classes + predicted);
  }
  uint64_t Total() const;
};

struct ClassMetrics {
  double precision = 0.0;  // 0 when the class was never predicted
  double recall = 0.0;     // 0 when the class never occurs
  double f1 = 0.0;         // 0 when precision + recall is 0
  uint64_t support = 0;    // true occurrences
};

struct Metrics {
  double accuracy = 0.0;  // 0 for an empty matrix
  double macro_f1 = 0.0;  // mean F1 over classes that occur
  std::vector<ClassMetrics> per_class;
  ConfusionMatrix confusion;
};

// Confusion of `predicted` against `truth` (same length, values in
// [0, classes)); throws std::invalid_argument otherwise.
ConfusionMatrix Confuse(std::span<const int> truth, std::span<const int> predicted, size_t classes);

Metrics ComputeMetrics(const ConfusionMatrix& confusion);

// Fraction of positions where a[i] == b[i]; 1 for empty inputs. Throws
// std::invalid_argument when the lengths differ.
double Agreement(std::span<const int> a, std::span<const int> b);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_EVALUATION_H_
