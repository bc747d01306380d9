#include "train/dataset.h"

namespace lwcl::train {

int Dataset::LabelIndex(std::string_view label) const {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == label) return static_cast<int>(i);
  }
  return -1;
}

std::vector<size_t> Dataset::RecordingsPerClass() const {
  std::vector<size_t> counts(labels.size(), 0);
  for (const Recording& r : recordings) {
    const int c = LabelIndex(r.label);
    if (c >= 0) ++counts[static_cast<size_t>(c)];
  }
  return counts;
}

std::vector<size_t> Dataset::UnlabelledRecordings() const {
  std::vector<size_t> out;
  for (size_t r = 0; r < recordings.size(); ++r) {
    if (LabelIndex(recordings[r].label) < 0) out.push_back(r);
  }
  return out;
}

}  // namespace lwcl::train
