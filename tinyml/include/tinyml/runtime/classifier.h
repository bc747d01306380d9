// Classifier: the interpreter that runs a model package on sample streams.
//
// Per window: spectral features (the package's DSP config) -> normalise with
// the package's mean/std -> quantise with layer 0's input scale/zero point
// -> int8 dense layers -> dequantised logits -> float softmax. Alongside, the
// anomaly score (distance of the normalised features to the nearest class
// centroid over the package's radius). Kernels (dense.h, softmax.h), memory
// planning (memory_plan.h) and this interpreter are kept apart.
//
// Promises: Init takes exactly RequiredArenaBytes(package) from the arena and
// nothing else, ever; no heap. The PackageView (and the package bytes it
// points into) and the arena must outlive the Classifier. Not thread-safe.
#ifndef LWCL_TINYML_RUNTIME_CLASSIFIER_H_
#define LWCL_TINYML_RUNTIME_CLASSIFIER_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/package/model_package.h"
#include "tinyml/span.h"
#include "tinyml/status.h"
#include "tinyml/dsp/windower.h"

namespace lwcl::tinyml {

struct Result {
  size_t label = 0;                 // index into the package's labels
  float confidence = 0.0f;          // probability of `label` (the maximum)
  float anomaly = 0.0f;             // ~1 at the edge of the training data
  Span<const float> probabilities;  // one per label; points into the arena
};

class Classifier {
 public:
  // kArenaTooSmall when arena.size < RequiredArenaBytes(package);
  // kInvalidArgument when the arena is not 4-byte aligned; PlanMemory's
  // status when the package cannot run (delta, DSP mismatch).
  Status Init(const PackageView& package, Span<uint8_t> arena, size_t extra_classes = 0);

  // Feeds one sample (axes floats, in the sensor's units) to the windower;
  // on a full window classifies it and returns true when result() is new.
  bool PushSample(Span<const float> sample);
  // Forgets the partial window (e.g. after a gap in the stream).
  void ResetStream();

  // Classifies one window (window_samples * axes floats, [sample][axis]).
  Status ClassifyWindow(Span<const float> window, Result* out);
  // Classifies an already computed raw feature vector (feature_count floats),
  // skipping the DSP: for evaluation on stored features.
  Status ClassifyFeatures(Span<const float> raw_features, Result* out);

  // Replaces the package's normalisation (on-device re-normalisation). Both
  // spans hold feature_count floats, std all > 0, and must outlive their use;
  // empty spans restore the package's own.
  Status SetNormalization(Span<const float> mean, Span<const float> std);
  // Runs `head` in place of the package's last layer (on-device
  // fine-tuning, learn/head_tuner.h); it must have the last layer's inputs
  // and input quantisation, as many outputs or up to the `extra_classes`
  // Init planned more (classes taught on the device: results then name
  // labels past the package's), and outlive its use. nullptr restores the
  // package's. kInvalidArgument (nothing changes) for another shape.
  Status SetHead(const LayerView* head);
  // The normalisation in force: raw feature i = features()[i] * std[i] + mean[i].
  Span<const float> feature_mean() const { return mean_; }
  Span<const float> feature_std() const { return std_; }

  const Result& result() const { return result_; }
  Span<const float> features() const { return features_; }  // last, normalised
  // The window PushSample last classified ([sample][axis], in the sensor's
  // units), valid until the next PushSample or ResetStream.
  Span<const float> window() const { return windower_.Window(); }
  Span<const float> logits() const { return logits_; }      // last, dequantised
  // The last layer's int8 output of the last classification (one value per
  // output of the head in force, before dequantisation; empty before the
  // first one).
  Span<const int8_t> output() const { return output_; }
  // The int8 input of the last layer in the last classification (what a
  // head tuner learns from; empty before the first one).
  Span<const int8_t> head_input() const { return head_input_; }
  const PackageView* package() const { return package_; }

 private:
  Status Run(Result* out);  // from normalised features_ to a result

  const PackageView* package_ = nullptr;
  Windower windower_;
  Span<float> scratch_;
  Span<float> features_;
  Span<float> logits_;         // as many as the head in force has outputs
  Span<float> probabilities_;
  size_t class_capacity_ = 0;  // label_count + extra_classes
  Span<int8_t> activations_[2];
  Span<const int8_t> output_;
  Span<const int8_t> head_input_;
  const LayerView* head_ = nullptr;  // overrides the last layer when set
  Span<const float> mean_;
  Span<const float> std_;
  Result result_;
};

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_RUNTIME_CLASSIFIER_H_
