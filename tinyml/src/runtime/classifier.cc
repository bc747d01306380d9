#include "tinyml/runtime/classifier.h"

#include <cstdint>

#include "tinyml/kernels/anomaly.h"
#include "tinyml/runtime/arena.h"
#include "tinyml/kernels/dense.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/kernels/quantization.h"
#include "tinyml/kernels/softmax.h"
#include "tinyml/dsp/spectral_features.h"

namespace lwcl::tinyml {

Status Classifier::Init(const PackageView& package, Span<uint8_t> arena, size_t extra_classes) {
  package_ = nullptr;
  MemoryPlan plan;
  const Status planned = PlanMemory(package, &plan, extra_classes);
  if (planned != Status::kOk) return planned;
  if (reinterpret_cast<uintptr_t>(arena.data) % alignof(float) != 0) {
    return Status::kInvalidArgument;
  }
  if (arena.size < plan.total_bytes) return Status::kArenaTooSmall;

  // Same order as MemoryPlan documents: floats first, int8 last (no padding).
  Arena a(arena.subspan(0, plan.total_bytes));
  const Span<float> window = a.AllocateFloats(plan.window_floats);
  scratch_ = a.AllocateFloats(plan.scratch_floats);
  features_ = a.AllocateFloats(plan.feature_floats);
  logits_ = a.AllocateFloats(plan.class_floats);
  probabilities_ = a.AllocateFloats(plan.class_floats);
  activations_[0] = a.AllocateInt8(plan.activation_bytes);
  activations_[1] = a.AllocateInt8(plan.activation_bytes);
  if (a.used() != plan.total_bytes) return Status::kArenaTooSmall;  // cannot happen
  class_capacity_ = plan.class_floats;
  logits_ = logits_.subspan(0, package.label_count);
  probabilities_ = probabilities_.subspan(0, package.label_count);

  const Status s =
      windower_.Init(package.dsp.axes, package.dsp.window_samples, package.stride_samples, window);
  if (s != Status::kOk) return s;
  mean_ = package.feature_mean;
  std_ = package.feature_std;
  output_ = Span<const int8_t>();
  head_input_ = Span<const int8_t>();
  head_ = nullptr;
  result_ = Result();
  result_.probabilities = probabilities_;
  package_ = &package;
  return Status::kOk;
}

bool Classifier::PushSample(Span<const float> sample) {
  if (package_ == nullptr || !windower_.Push(sample)) return false;
  return ClassifyWindow(windower_.Window(), &result_) == Status::kOk;
}

void Classifier::ResetStream() { windower_.Reset(); }

Status Classifier::ClassifyWindow(Span<const float> window, Result* out) {
  if (package_ == nullptr) return Status::kNotReady;
  const SpectralConfig& dsp = package_->dsp;
  if (window.size != static_cast<size_t>(dsp.window_samples) * dsp.axes) {
    return Status::kInvalidArgument;
  }
  const Status s = ComputeSpectralFeatures(dsp, window, scratch_, features_);
  if (s != Status::kOk) return s;
  for (size_t i = 0; i < features_.size; ++i) features_[i] = (features_[i] - mean_[i]) / std_[i];
  return Run(out);
}

Status Classifier::ClassifyFeatures(Span<const float> raw_features, Result* out) {
  if (package_ == nullptr) return Status::kNotReady;
  if (raw_features.size != features_.size) return Status::kInvalidArgument;
  for (size_t i = 0; i < features_.size; ++i) {
    features_[i] = (raw_features[i] - mean_[i]) / std_[i];
  }
  return Run(out);
}

Status Classifier::SetNormalization(Span<const float> mean, Span<const float> std) {
  if (package_ == nullptr) return Status::kNotReady;
  if (mean.empty() && std.empty()) {
    mean_ = package_->feature_mean;
    std_ = package_->feature_std;
    return Status::kOk;
  }
  if (mean.size != features_.size || std.size != features_.size) return Status::kInvalidArgument;
  for (size_t i = 0; i < std.size; ++i) {
    if (!(std[i] > 0.0f)) return Status::kInvalidArgument;
  }
  mean_ = mean;
  std_ = std;
  return Status::kOk;
}

Status Classifier::SetHead(const LayerView* head) {
  if (package_ == nullptr) return Status::kNotReady;
  const LayerView& last = package_->layers[package_->layer_count - 1];
  if (head != nullptr && (head->in != last.in || head->out < last.out || head->out > class_capacity_ ||
                          head->input_scale != last.input_scale || head->input_zero_point != last.input_zero_point ||
                          head->weights.size != size_t{head->in} * head->out || head->bias.size != head->out ||
                          head->multiplier.size != head->out || head->shift.size != head->out)) {
    return Status::kInvalidArgument;
  }
  head_ = head;
  const size_t classes = head != nullptr ? head->out : last.out;
  logits_ = {logits_.data, classes};
  probabilities_ = {probabilities_.data, classes};
  result_.probabilities = probabilities_;
  return Status::kOk;
}

Status Classifier::Run(Result* out) {
  const PackageView& p = *package_;
  const LayerView& first = p.layers[0];
  Span<int8_t> in = activations_[0].subspan(0, features_.size);
  for (size_t i = 0; i < features_.size; ++i) {
    in[i] = QuantizeToInt8(features_[i], first.input_scale, first.input_zero_point);
  }
  size_t current = 0;
  for (size_t l = 0; l < p.layer_count; ++l) {
    const bool last_layer = l + 1 == p.layer_count;
    const LayerView& layer = last_layer && head_ != nullptr ? *head_ : p.layers[l];
    if (last_layer) head_input_ = in;
    Int8DenseParams params;
    params.input_zero_point = layer.input_zero_point;
    params.output_zero_point = layer.output_zero_point;
    params.multiplier = layer.multiplier;
    params.shift = layer.shift;
    params.relu = layer.relu;
    Span<int8_t> next = activations_[1 - current].subspan(0, layer.out);
    DenseInt8(layer.weights, layer.bias, params, in, next);
    in = next;
    current = 1 - current;
  }
  output_ = in;
  const LayerView& last = head_ != nullptr ? *head_ : p.layers[p.layer_count - 1];
  for (size_t c = 0; c < logits_.size; ++c) {
    logits_[c] = DequantizeInt8(in[c], last.output_scale, last.output_zero_point);
  }
  Softmax(logits_, probabilities_);

  Result r;
  for (size_t c = 1; c < probabilities_.size; ++c) {
    if (probabilities_[c] > probabilities_[r.label]) r.label = c;
  }
  r.confidence = probabilities_[r.label];
  r.anomaly = AnomalyScore(features_, p.centroids, p.anomaly_radius);
  r.probabilities = probabilities_;
  result_ = r;
  if (out != &result_) *out = r;
  return Status::kOk;
}

}  // namespace lwcl::tinyml
