#include "train/evaluation.h"

#include <stdexcept>

namespace lwcl::train {

uint64_t ConfusionMatrix::Total() const {
  uint64_t total = 0;
  for (uint32_t c : counts) total += c;
  return total;
}

ConfusionMatrix Confuse(std::span<const int> truth, std::span<const int> predicted,
                        size_t classes) {
  if (truth.size() != predicted.size()) {
    throw std::invalid_argument("truth and predictions differ in length");
  }
  ConfusionMatrix m(classes);
  for (size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] < 0 || predicted[i] < 0 || static_cast<size_t>(truth[i]) >= classes ||
        static_cast<size_t>(predicted[i]) >= classes) {
      throw std::invalid_argument("class id outside [0, classes)");
    }
    m.Add(static_cast<size_t>(truth[i]), static_cast<size_t>(predicted[i]));
  }
  return m;
}

Metrics ComputeMetrics(const ConfusionMatrix& confusion) {
  Metrics m;
  m.confusion = confusion;
  const size_t n = confusion.classes;
  m.per_class.resize(n);
  uint64_t correct = 0;
  const uint64_t total = confusion.Total();
  double f1_sum = 0.0;
  size_t present = 0;
  for (size_t c = 0; c < n; ++c) {
    uint64_t row = 0;
    uint64_t column = 0;
    for (size_t k = 0; k < n; ++k) {
      row += confusion.at(c, k);
      column += confusion.at(k, c);
    }
    const auto tp = static_cast<double>(confusion.at(c, c));
    correct += confusion.at(c, c);
    ClassMetrics& cm = m.per_class[c];
    cm.support = row;
    cm.precision = column > 0 ? tp / static_cast<double>(column) : 0.0;
    cm.recall = row > 0 ? tp / static_cast<double>(row) : 0.0;
    cm.f1 = cm.precision + cm.recall > 0.0
                ? 2.0 * cm.precision * cm.recall / (cm.precision + cm.recall)
                : 0.0;
    if (row > 0) {
      f1_sum += cm.f1;
      ++present;
    }
  }
  m.accuracy = total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0;
  m.macro_f1 = present > 0 ? f1_sum / static_cast<double>(present) : 0.0;
  return m;
}

double Agreement(std::span<const int> a, std::span<const int> b) {
  if (a.size() != b.size()) throw std::invalid_argument("agreement of different lengths");
  if (a.empty()) return 1.0;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(same) / static_cast<double>(a.size());
}

}  // namespace lwcl::train
