// HeadTuner: fine-tunes the head (the last dense layer) of a package's int8
// network on the device, from labelled windows mixed with a replay buffer of
// the original classes, and re-quantises it for the int8 kernel.
//
// Why the head only: the layers below it are a feature extractor that a
// drift (a re-mounted sensor, a new user) bends but rarely breaks, and the
// head is small enough to train in a few kilobytes. Why float master
// weights: one SGD step (learning rate × delta × input) is far below one
// int8 quantum of a weight, so training the int8 weights themselves would
// round almost every step away. The tuner dequantises the package's head
// into float at Init, trains the floats and derives a new int8 head from
// them after each Train.
//
// Examples are what the head reads: its int8 input activations
// (Classifier::head_input()), `in` bytes each, with a class index. Replay
// examples (the original classes, added once) and fresh ones (this
// adaptation's labelled windows) live in separate pools in the arena.
//
// Train runs `epochs` passes of per-example SGD with softmax cross-entropy
// (learn/dense_gradient.h, the same code the host trainer uses) over fresh
// and replay examples in an order a fixed-seed generator shuffles, so the
// same examples give the same head on every target. Re-quantisation:
// symmetric weights per output channel (scale = max |w| / 127), the bias as
// int32 at input_scale × weight_scale, an output scale and zero point that
// cover the logits the examples now produce (never narrower than the
// package's), multiplier and shift by QuantizeMultiplier.
//
// Teaching a new pattern: AddOutput gives the head one more class (up to
// the `extra_outputs` Init made room for). The first Train with fresh
// examples of it imprints its row from their mean (pointing along it, as
// long as the package's rows, the bias one logit above the best old class
// at the mean), then SGD learns it further while the replay keeps the others;
// the tuned head then has the extra outputs (Classifier::SetHead takes it
// when its arena planned as many extra classes). Reset drops them again.
//
// Promises: no heap, no I/O. Init takes exactly ArenaBytes(head, replay,
// fresh, extra_outputs) bytes, 4-byte aligned; `head` (the package's) must outlive the
// tuner. head() is the package's head until the first Train, then a
// LayerView over the arena. A Train that fails changes nothing.
#ifndef LWCL_TINYML_LEARN_HEAD_TUNER_H_
#define LWCL_TINYML_LEARN_HEAD_TUNER_H_

#include <cstddef>
#include <cstdint>

#include "tinyml/package/model_package.h"
#include "tinyml/span.h"
#include "tinyml/status.h"

namespace lwcl::tinyml {

struct TuneOptions {
  float learning_rate = 0.05f;  // (0, 10]
  uint16_t epochs = 50;         // 1..100
};

class HeadTuner {
 public:
  static size_t ArenaBytes(const LayerView& head, size_t replay, size_t fresh, size_t extra_outputs = 0);

  // kInvalidArgument for a head without inputs or outputs or with a
  // non-positive scale; kArenaTooSmall / kInvalidArgument for a short or
  // misaligned arena.
  Status Init(const LayerView& head, Span<uint8_t> arena, size_t replay, size_t fresh, size_t extra_outputs = 0);

  // One more class (index outputs() - 1 afterwards). kBufferTooSmall when
  // the extra outputs Init made room for are taken.
  Status AddOutput();

  // kBufferTooSmall when the pool is full; kInvalidArgument for a wrong
  // size or a class the head does not have.
  Status AddReplay(Span<const int8_t> input, size_t label);
  Status AddFresh(Span<const int8_t> input, size_t label);
  void ClearFresh() { fresh_count_ = 0; }
  size_t replay_count() const { return replay_count_; }
  size_t fresh_count() const { return fresh_count_; }
  size_t replay_capacity() const { return replay_labels_.size; }
  size_t fresh_capacity() const { return fresh_labels_.size; }

  // kNotReady without a fresh example; kInvalidArgument for options out of
  // range; kOk with head() the new int8 head.
  Status Train(const TuneOptions& options);
  // Back to the package's head (float and int8, and its outputs: taught
  // classes are dropped, with their examples); the pools keep the
  // examples of the package's classes.
  void Reset();

  // The float head's class for one example (what training optimises).
  size_t PredictFloat(Span<const int8_t> input);
  const LayerView& head() const { return is_tuned_ ? tuned_ : *base_; }
  bool tuned() const { return is_tuned_; }
  // The float head minus the package's, row-major weights (out × in) then
  // the biases (out): what a federated round averages. `out` holds
  // out × in + out floats.
  Status WeightDelta(Span<float> out) const;
  size_t inputs() const { return base_ ? base_->in : 0; }
  size_t outputs() const { return base_ ? outputs_ : 0; }
  size_t max_outputs() const { return max_outputs_; }

 private:
  void Logits(Span<const int8_t> input, Span<float> logits);
  void SgdStep(Span<const int8_t> input, size_t label, float learning_rate);
  Status Requantize();
  void Resize(size_t outputs);  // the per-output spans, over the arena's room
  bool Imprint(size_t row);
  void RestoreWeights();
  size_t DropTaught(Span<int8_t> examples, Span<uint16_t> labels, size_t count) const;     // a taught row's first weights; false without an example of it

  Span<int8_t> q_weights_;  // out × in
  Span<float> q_scales_;    // out
  Span<int32_t> q_bias_;    // out
  Span<int32_t> q_mult_;    // out
  Span<int32_t> q_shift_;   // out
  Span<float> weights_;     // out × in, float master
  Span<float> bias_;        // out
  Span<float> x_;           // in: one example, dequantised
  Span<float> logits_;      // out
  Span<float> probs_;       // out
  Span<float> delta_;       // out
  Span<int8_t> replay_;     // replay capacity × in
  Span<uint16_t> replay_labels_;
  Span<int8_t> fresh_;      // fresh capacity × in
  Span<uint16_t> fresh_labels_;
  size_t replay_count_ = 0;
  size_t fresh_count_ = 0;
  size_t outputs_ = 0;      // the package's, plus the classes taught
  size_t max_outputs_ = 0;  // the package's plus extra_outputs
  size_t imprinted_ = 0;    // rows below it have weights (the package's, or imprinted)
  const LayerView* base_ = nullptr;  // the package's head
  LayerView tuned_{};                // over the q_* spans
  bool is_tuned_ = false;
};

}  // namespace lwcl::tinyml

#endif  // LWCL_TINYML_LEARN_HEAD_TUNER_H_
