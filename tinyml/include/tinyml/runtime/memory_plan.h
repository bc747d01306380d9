// MemoryPlan: how many arena bytes a package needs to run, and for what.
//
// The Classifier takes every buffer it uses from one caller-provided arena,
// in this fixed order: window (window_samples * axes floats), DSP scratch,
// normalised features, logits, probabilities, then two int8 activation
// buffers that layers ping-pong between (each as wide as the widest layer
// input or output). Float buffers come first and the int8 ones last, so on a
// 4-byte aligned arena no padding is ever needed and the total below is
// exact: Init succeeds with RequiredArenaBytes bytes and fails with one less.
//
// `extra_classes` is room for classes taught on the device (a head tuner's
// added outputs, learn/head_tuner.h): the logits, the probabilities and the
// activations are planned that much wider.
#ifndef LWCL_TINYML_RUNTIME_MEMORY_PLAN_H_
#define LWCL_TINYML_RUNTIME_MEMORY_PLAN_H_

#include <cstddef>

#include "tinyml/package/model_package.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

struct MemoryPlan {
  size_t window_floats = 0;
  size_t scratch_floats = 0;
  size_t feature_floats = 0;
  size_t class_floats = 0;      // logits, and again probabilities
  size_t activation_bytes = 0;  // each of the two int8 buffers
  size_t total_bytes = 0;
};

// kUnsupported for a delta package; kMalformed when the DSP configuration is
// invalid or does not produce the package's feature count.
Status PlanMemory(const PackageView& package, MemoryPlan* plan, size_t extra_classes = 0);

// PlanMemory's total, or 0 when the package cannot run.
size_t RequiredArenaBytes(const PackageView& package, size_t extra_classes = 0);

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_RUNTIME_MEMORY_PLAN_H_
