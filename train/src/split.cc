#include "train/split.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "train/rng.h"

namespace lwcl::train {

RecordingSplit SplitByRecording(const Dataset& dataset, const SplitOptions& options) {
  const double total = options.train_fraction + options.validation_fraction + options.test_fraction;
  if (options.train_fraction <= 0.0 || options.validation_fraction < 0.0 ||
      options.test_fraction < 0.0 || total <= 0.0) {
    throw std::invalid_argument("split fractions must be >= 0 with a positive train fraction");
  }
  const double val_frac = options.validation_fraction / total;
  const double test_frac = options.test_fraction / total;

  RecordingSplit split;
  Rng rng(options.seed);
  for (size_t c = 0; c < dataset.labels.size(); ++c) {
    std::vector<size_t> members;
    for (size_t r = 0; r < dataset.recordings.size(); ++r) {
      if (dataset.recordings[r].label == dataset.labels[c]) members.push_back(r);
    }
    const size_t n = members.size();
    rng.Shuffle(std::span<size_t>(members));

    auto n_test = static_cast<size_t>(std::lround(static_cast<double>(n) * test_frac));
    auto n_val = static_cast<size_t>(std::lround(static_cast<double>(n) * val_frac));
    if (n >= 3) {
      if (test_frac > 0.0) n_test = std::max<size_t>(n_test, 1);
      if (val_frac > 0.0) n_val = std::max<size_t>(n_val, 1);
    } else if (n == 2) {
      n_test = test_frac > 0.0 ? 1 : 0;
      n_val = n_test == 0 && val_frac > 0.0 ? 1 : 0;
    } else {
      n_test = 0;
      n_val = 0;
    }
    // Train keeps at least one recording: take back from validation first.
    while (n > 0 && n_test + n_val >= n) {
      if (n_val > 0) {
        --n_val;
      } else {
        --n_test;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      if (i < n_test) {
        split.test.push_back(members[i]);
      } else if (i < n_test + n_val) {
        split.validation.push_back(members[i]);
      } else {
        split.train.push_back(members[i]);
      }
    }
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.validation.begin(), split.validation.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

bool HasTestingCategory(const Dataset& dataset) {
  for (const Recording& r : dataset.recordings) {
    if (r.category == "testing" && dataset.LabelIndex(r.label) >= 0) return true;
  }
  return false;
}

RecordingSplit SplitByCategory(const Dataset& dataset, const SplitOptions& options) {
  // Split the training category on its own, then map indices back.
  Dataset training;
  training.labels = dataset.labels;
  std::vector<size_t> original;
  RecordingSplit split;
  split.by_category = true;
  for (size_t r = 0; r < dataset.recordings.size(); ++r) {
    const Recording& rec = dataset.recordings[r];
    if (dataset.LabelIndex(rec.label) < 0) continue;
    if (rec.category == "testing") {
      split.test.push_back(r);
    } else {
      // Only the label matters to the split; samples are not copied.
      Recording stub;
      stub.label = rec.label;
      training.recordings.push_back(std::move(stub));
      original.push_back(r);
    }
  }
  SplitOptions inner = options;
  inner.test_fraction = 0.0;
  const RecordingSplit part = SplitByRecording(training, inner);
  for (size_t i : part.train) split.train.push_back(original[i]);
  for (size_t i : part.validation) split.validation.push_back(original[i]);
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.validation.begin(), split.validation.end());
  return split;
}

RecordingSplit SplitDataset(const Dataset& dataset, const SplitOptions& options,
                            bool use_categories) {
  RecordingSplit split = use_categories && HasTestingCategory(dataset)
                             ? SplitByCategory(dataset, options)
                             : SplitByRecording(dataset, options);
  split.unlabelled = dataset.UnlabelledRecordings();
  return split;
}

}  // namespace lwcl::train
