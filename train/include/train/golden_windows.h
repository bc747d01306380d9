// GoldenWindows: picks the golden self-test windows a package records (GOLD),
// so a device can check it runs the package exactly as the trainer did
// before activating it (tinyml/runtime/golden_self_test.h).
//
// For each class in label order, the first row of the given features whose
// int8 classification by the package itself (the core's Classifier, the
// device's own code) is its true class; classes with no such row are left
// out, and at most tinyml::kMaxGoldenWindows are kept. The recorded output
// is that run's int8 last-layer output. Deterministic: same package and rows,
// same windows.
#ifndef LWCL_TRAIN_GOLDEN_WINDOWS_H_
#define LWCL_TRAIN_GOLDEN_WINDOWS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "train/feature_matrix.h"
#include "train/package_writer.h"

namespace lwcl::train {

// `package` is a full package (golden windows of its own are ignored);
// `rows` hold raw features of its feature count. Throws std::invalid_argument
// when the package is refused or the feature count differs.
std::vector<GoldenWindowRecord> PickGoldenWindows(std::span<const uint8_t> package,
                                                  const FeatureMatrix& rows);

}  // namespace lwcl::train

#endif  // LWCL_TRAIN_GOLDEN_WINDOWS_H_
