// Split: dividing a dataset into train / validation / test BY RECORDING.
//
// Windows of one recording overlap and share a wearer, a placement and a
// session, so splitting by window leaks the test set into training and
// overstates accuracy. Here every recording lands in exactly one split. The
// split is stratified (each class is divided on its own, so rare classes are
// represented everywhere) and deterministic for a seed.
//
// When the source has its own split (Edge Impulse's training/testing
// categories), that split is the user's and is kept: the testing category is
// the test set, and validation is carved out of the training category, again
// by recording. Unlabelled recordings are in no split; they are listed apart.
#ifndef LWCL_TRAIN_SPLIT_H_
#define LWCL_TRAIN_SPLIT_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "train/dataset.h"

namespace lwcl::train {

struct SplitOptions {
  // Fractions of each class's recordings; normalised to sum to 1.
  double train_fraction = 0.70;
  double validation_fraction = 0.15;
  double test_fraction = 0.15;
  uint32_t seed = 1;
};

struct RecordingSplit {
  std::vector<size_t> train;  // indices into Dataset::recordings, ascending
  std::vector<size_t> validation;
  std::vector<size_t> test;
  std::vector<size_t> unlabelled;  // recordings with no class: never scored
  bool by_category = false;        // test = the source's testing category
};

// Per class with n recordings: test and validation get round(n * fraction),
// each at least one when n >= 3 (test first when n == 2), and train keeps at
// least one. Recordings whose label is not in Dataset::labels are left out.
RecordingSplit SplitByRecording(const Dataset& dataset, const SplitOptions& options);

// True when some labelled recording has category "testing".
bool HasTestingCategory(const Dataset& dataset);

// Test = the labelled recordings of category "testing"; the rest is divided
// into train and validation by SplitByRecording's rules with the
// validation fraction taken relative to train + validation.
RecordingSplit SplitByCategory(const Dataset& dataset, const SplitOptions& options);

// SplitByCategory when `use_categories` and the dataset has a testing
// category, else SplitByRecording; either way `unlabelled` is filled.
RecordingSplit SplitDataset(const Dataset& dataset, const SplitOptions& options,
                            bool use_categories);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_SPLIT_H_
