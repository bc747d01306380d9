// GoldenSelfTest: checks, before a package is trusted, that this device runs
// its int8 network exactly as the trainer did.
//
// A package may carry up to kMaxGoldenWindows golden windows (GOLD): raw
// feature vectors with the class each must be classified as and the exact
// int8 output of the last layer the trainer's run produced. Int8 inference is
// bit-exact on every target (docs/model-package.md), so a correct device
// reproduces every byte. RunGoldenSelfTest runs each window through the
// Classifier's own feature path (ClassifyFeatures: the package's
// normalisation, quantisation, every layer) and requires both the arg-max
// class and the int8 output to match. It does not cover the DSP (the windows
// are features, not samples).
//
// Promises: no heap; a Classifier of its own (on the stack) over `arena`,
// which must hold RequiredArenaBytes(package) and is overwritten; the package
// is not modified. It stops at the first window that disagrees. A package
// without golden windows passes with windows == 0: nothing was checked, and
// the result says so.
#ifndef LWCL_TINYML_RUNTIME_GOLDEN_SELF_TEST_H_
#define LWCL_TINYML_RUNTIME_GOLDEN_SELF_TEST_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/package/model_package.h"
#include "tinyml/span.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

inline constexpr size_t kNoGoldenFailure = static_cast<size_t>(-1);

struct GoldenSelfTestResult {
  size_t windows = 0;  // golden windows the package carries; 0: none, nothing checked
  size_t checked = 0;  // windows classified, the failing one included
  size_t first_failure = kNoGoldenFailure;  // index of the first window that disagreed
  size_t got_class = 0;                     // the failing window's class on this device
  bool class_matched = true;                // the failing window's class was the expected one
  bool output_matched = true;               // its int8 output was byte for byte the recorded one
};

// kOk when every golden window matched (or there are none);
// kSelfTestFailed when one did not (see *result); otherwise the status of
// Classifier::Init (a delta, an arena too small or misaligned, a DSP mismatch).
Status RunGoldenSelfTest(const PackageView& package, Span<uint8_t> arena,
                         GoldenSelfTestResult* result);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_RUNTIME_GOLDEN_SELF_TEST_H_
