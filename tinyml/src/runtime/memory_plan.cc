#include "tinyml/runtime/memory_plan.h"

#include "tinyml/dsp/spectral_features.h"

namespace lwcl::tinyml {

Status PlanMemory(const PackageView& package, MemoryPlan* plan, size_t extra_classes) {
  *plan = MemoryPlan();
  if (package.is_delta) return Status::kUnsupported;
  if (package.layer_count == 0) return Status::kInvalidArgument;
  if (ValidateSpectralConfig(package.dsp) != Status::kOk ||
      SpectralFeatureCount(package.dsp) != package.feature_count) {
    return Status::kMalformed;
  }
  plan->window_floats = static_cast<size_t>(package.dsp.window_samples) * package.dsp.axes;
  plan->scratch_floats = SpectralScratchFloats(package.dsp);
  plan->feature_floats = package.feature_count;
  plan->class_floats = package.label_count + extra_classes;
  size_t widest = package.feature_count;
  for (size_t i = 0; i < package.layer_count; ++i) {
    if (package.layers[i].out > widest) widest = package.layers[i].out;
  }
  if (plan->class_floats > widest) widest = plan->class_floats;
  plan->activation_bytes = widest;
  plan->total_bytes = sizeof(float) * (plan->window_floats + plan->scratch_floats +
                                       plan->feature_floats + 2 * plan->class_floats) +
                      2 * plan->activation_bytes;
  return Status::kOk;
}

size_t RequiredArenaBytes(const PackageView& package, size_t extra_classes) {
  MemoryPlan plan;
  return PlanMemory(package, &plan, extra_classes) == Status::kOk ? plan.total_bytes : 0;
}

}  // namespace lwcl::tinyml
