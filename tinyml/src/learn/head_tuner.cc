#include "tinyml/learn/head_tuner.h"

#include <cmath>
#include <cstdint>
#include <numeric>

#include "tinyml/kernels/dense.h"
#include "tinyml/kernels/quantization.h"
#include "tinyml/kernels/softmax.h"
#include "tinyml/learn/dense_gradient.h"
#include "tinyml/runtime/arena.h"

namespace lwcl::tinyml {
namespace {

template <typename T>
Span<T> Take(Arena& a, size_t count) {
  void* p = a.Allocate(count * sizeof(T), alignof(T) < 4 ? 4 : alignof(T));
  if (p == nullptr && count != 0) return {};
  return {static_cast<T*>(p), count};
}

// Bytes of every span Init takes, in the order it takes them.
size_t Layout(size_t in, size_t out, size_t replay, size_t fresh) {
  auto up4 = [](size_t n) { return (n + 3) / 4 * 4; };
  return up4(out * in) + 4 * out * 4 +              // q weights; q scales, bias, mult, shift
         4 * (out * in + out + in + 3 * out) +      // float weights, bias, x, logits, probs, delta
         up4(replay * in) + up4(replay * 2) + up4(fresh * in) + up4(fresh * 2);
}

int32_t ClampToInt32(double v) {
  if (!(v > -2147483648.0)) return INT32_MIN;
  if (v >= 2147483647.0) return INT32_MAX;
  return static_cast<int32_t>(std::lround(v));
}

}  // namespace

size_t HeadTuner::ArenaBytes(const LayerView& head, size_t replay, size_t fresh, size_t extra_outputs) {
  return Layout(head.in, head.out + extra_outputs, replay, fresh);
}

Status HeadTuner::Init(const LayerView& head, Span<uint8_t> arena, size_t replay, size_t fresh,
                       size_t extra_outputs) {
  if (head.in == 0 || head.out == 0 || head.relu || !(head.input_scale > 0.0f) || !(head.output_scale > 0.0f) ||
      head.weights.size != size_t{head.in} * head.out || head.weight_scales.size != head.out ||
      head.bias.size != head.out) {
    return Status::kInvalidArgument;
  }
  if (reinterpret_cast<uintptr_t>(arena.data) % 4 != 0) return Status::kInvalidArgument;
  if (arena.size < ArenaBytes(head, replay, fresh, extra_outputs)) return Status::kArenaTooSmall;
  const size_t in = head.in, out = head.out + extra_outputs;
  Arena a(arena);
  q_weights_ = Take<int8_t>(a, out * in);
  q_scales_ = Take<float>(a, out);
  q_bias_ = Take<int32_t>(a, out);
  q_mult_ = Take<int32_t>(a, out);
  q_shift_ = Take<int32_t>(a, out);
  weights_ = Take<float>(a, out * in);
  bias_ = Take<float>(a, out);
  x_ = Take<float>(a, in);
  logits_ = Take<float>(a, out);
  probs_ = Take<float>(a, out);
  delta_ = Take<float>(a, out);
  replay_ = Take<int8_t>(a, replay * in);
  replay_labels_ = Take<uint16_t>(a, replay);
  fresh_ = Take<int8_t>(a, fresh * in);
  fresh_labels_ = Take<uint16_t>(a, fresh);
  base_ = &head;
  max_outputs_ = out;
  replay_count_ = 0;
  fresh_count_ = 0;
  Reset();
  return Status::kOk;
}

void HeadTuner::Resize(size_t outputs) {
  const size_t in = base_->in;
  outputs_ = outputs;
  q_weights_ = {q_weights_.data, outputs * in};
  q_scales_ = {q_scales_.data, outputs};
  q_bias_ = {q_bias_.data, outputs};
  q_mult_ = {q_mult_.data, outputs};
  q_shift_ = {q_shift_.data, outputs};
  weights_ = {weights_.data, outputs * in};
  bias_ = {bias_.data, outputs};
  logits_ = {logits_.data, outputs};
  probs_ = {probs_.data, outputs};
  delta_ = {delta_.data, outputs};
}

Status HeadTuner::AddOutput() {
  if (base_ == nullptr) return Status::kNotReady;
  if (outputs_ == max_outputs_) return Status::kBufferTooSmall;
  const size_t row = outputs_;
  Resize(outputs_ + 1);
  // A new class starts with no opinion; training on its examples (and the
  // replay of the others) gives it its weights.
  for (size_t i = 0; i < base_->in; ++i) weights_[row * base_->in + i] = 0.0f;
  bias_[row] = 0.0f;
  return Status::kOk;
}

void HeadTuner::Reset() {
  const LayerView& h = *base_;
  Resize(h.out);
  // Examples of taught classes go with them.
  replay_count_ = DropTaught(replay_, replay_labels_, replay_count_);
  fresh_count_ = DropTaught(fresh_, fresh_labels_, fresh_count_);
  RestoreWeights();
}

// Keeps the first `count` examples of a pool whose class the package has,
// in order; returns how many that is.
size_t HeadTuner::DropTaught(Span<int8_t> examples, Span<uint16_t> labels, size_t count) const {
  const size_t in = base_->in;
  size_t kept = 0;
  for (size_t k = 0; k < count; ++k) {
    if (labels[k] >= base_->out) continue;
    for (size_t i = 0; i < in; ++i) examples[kept * in + i] = examples[k * in + i];
    labels[kept++] = labels[k];
  }
  return kept;
}

// The package's rows dequantised, taught rows (if any) back to zero.
void HeadTuner::RestoreWeights() {
  const LayerView& h = *base_;
  for (size_t o = 0; o < h.out; ++o) {
    const float ws = h.weight_scales[o];
    for (size_t i = 0; i < h.in; ++i) weights_[o * h.in + i] = static_cast<float>(h.weights[o * h.in + i]) * ws;
    bias_[o] = static_cast<float>(h.bias[o]) * h.input_scale * ws;
  }
  for (size_t j = h.out * h.in; j < weights_.size; ++j) weights_[j] = 0.0f;
  for (size_t o = h.out; o < outputs_; ++o) bias_[o] = 0.0f;
  imprinted_ = h.out;
  is_tuned_ = false;
}

Status HeadTuner::AddReplay(Span<const int8_t> input, size_t label) {
  if (input.size != inputs() || label >= outputs()) return Status::kInvalidArgument;
  if (replay_count_ == replay_labels_.size) return Status::kBufferTooSmall;
  for (size_t i = 0; i < input.size; ++i) replay_[replay_count_ * input.size + i] = input[i];
  replay_labels_[replay_count_++] = static_cast<uint16_t>(label);
  return Status::kOk;
}

Status HeadTuner::AddFresh(Span<const int8_t> input, size_t label) {
  if (input.size != inputs() || label >= outputs()) return Status::kInvalidArgument;
  if (fresh_count_ == fresh_labels_.size) return Status::kBufferTooSmall;
  for (size_t i = 0; i < input.size; ++i) fresh_[fresh_count_ * input.size + i] = input[i];
  fresh_labels_[fresh_count_++] = static_cast<uint16_t>(label);
  return Status::kOk;
}

void HeadTuner::Logits(Span<const int8_t> input, Span<float> logits) {
  for (size_t i = 0; i < x_.size; ++i) x_[i] = DequantizeInt8(input[i], base_->input_scale, base_->input_zero_point);
  DenseFloat(weights_, bias_, x_, /*relu=*/false, logits);
}

size_t HeadTuner::PredictFloat(Span<const int8_t> input) {
  if (base_ == nullptr || input.size != inputs()) return 0;
  Logits(input, logits_);
  size_t best = 0;
  for (size_t c = 1; c < logits_.size; ++c) {
    if (logits_[c] > logits_[best]) best = c;
  }
  return best;
}

void HeadTuner::SgdStep(Span<const int8_t> input, size_t label, float learning_rate) {
  Logits(input, logits_);
  Softmax(logits_, probs_);
  // A step against the gradient: the accumulated "gradient" is -lr times it.
  SoftmaxCrossEntropyDelta(probs_, label, -learning_rate, delta_);
  AccumulateDenseGradient(x_, delta_, weights_, bias_);
}

Status HeadTuner::Train(const TuneOptions& options) {
  if (base_ == nullptr) return Status::kNotReady;
  if (!(options.learning_rate > 0.0f) || options.learning_rate > 10.0f || options.epochs < 1 ||
      options.epochs > 100) {
    return Status::kInvalidArgument;
  }
  if (fresh_count_ == 0) return Status::kNotReady;
  while (imprinted_ < outputs_ && Imprint(imprinted_)) ++imprinted_;
  const size_t in = inputs();
  const size_t n = fresh_count_ + replay_count_;
  uint32_t state = 0x9E3779B9u;  // xorshift32, fixed seed: the same order on every target
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  };
  for (uint16_t e = 0; e < options.epochs; ++e) {
    // Visit every example once: start anywhere, step by a stride coprime to n.
    size_t stride = 1 + next() % n;
    while (std::gcd(stride, n) != 1) stride = stride % n + 1;
    size_t k = next() % n;
    for (size_t step = 0; step < n; ++step, k = (k + stride) % n) {
      if (k < fresh_count_) {
        SgdStep({fresh_.data + k * in, in}, fresh_labels_[k], options.learning_rate);
      } else {
        const size_t r = k - fresh_count_;
        SgdStep({replay_.data + r * in, in}, replay_labels_[r], options.learning_rate);
      }
    }
  }
  const Status s = Requantize();
  if (s != Status::kOk) RestoreWeights();  // the classes stay; their weights start over
  return s;
}

// A taught class's first weights, from the mean of its fresh examples
// ("weight imprinting"): the row points along that mean with the length of
// the package's rows, and its bias makes the mean itself win by one logit
// over the best old class. SGD then starts near a nearest-mean classifier
// instead of at zero, which is what lets a handful of examples suffice.
bool HeadTuner::Imprint(size_t row) {
  const size_t in = inputs();
  float* w = weights_.data + row * in;
  for (size_t i = 0; i < in; ++i) w[i] = 0.0f;
  size_t count = 0;
  for (size_t k = 0; k < fresh_count_; ++k) {
    if (fresh_labels_[k] != row) continue;
    ++count;
    for (size_t i = 0; i < in; ++i) {
      w[i] += DequantizeInt8(fresh_[k * in + i], base_->input_scale, base_->input_zero_point);
    }
  }
  if (count == 0) return false;
  float mean_norm = 0.0f, old_norm = 0.0f;
  for (size_t i = 0; i < in; ++i) {
    w[i] /= static_cast<float>(count);
    x_[i] = w[i];
    mean_norm += w[i] * w[i];
  }
  for (size_t j = 0; j < base_->out * in; ++j) old_norm += weights_[j] * weights_[j];
  mean_norm = std::sqrt(mean_norm);
  old_norm = std::sqrt(old_norm / static_cast<float>(base_->out));
  if (!(mean_norm > 0.0f)) return true;  // an all-zero mean: leave the row at zero
  float best = -INFINITY;
  for (size_t c = 0; c < base_->out; ++c) {
    float z = bias_[c];
    for (size_t i = 0; i < in; ++i) z += weights_[c * in + i] * x_[i];
    best = z > best ? z : best;
  }
  for (size_t i = 0; i < in; ++i) w[i] *= old_norm / mean_norm;
  bias_[row] = best + 1.0f - old_norm * mean_norm;
  return true;
}

Status HeadTuner::Requantize() {
  const LayerView& h = *base_;
  const size_t in = h.in, out = outputs_;
  for (size_t j = 0; j < weights_.size; ++j) {
    if (!std::isfinite(weights_[j])) return Status::kInvalidArgument;
  }
  // The output range: the package's, widened to every logit the examples now give.
  float lo = h.output_scale * static_cast<float>(-128 - h.output_zero_point);
  float hi = h.output_scale * static_cast<float>(127 - h.output_zero_point);
  const size_t n = fresh_count_ + replay_count_;
  for (size_t k = 0; k < n; ++k) {
    const int8_t* e = k < fresh_count_ ? fresh_.data + k * in : replay_.data + (k - fresh_count_) * in;
    Logits({e, in}, logits_);
    for (size_t c = 0; c < out; ++c) {
      if (!std::isfinite(logits_[c])) return Status::kInvalidArgument;
      lo = logits_[c] < lo ? logits_[c] : lo;
      hi = logits_[c] > hi ? logits_[c] : hi;
    }
  }
  const float out_scale = (hi - lo) / 255.0f;
  const long zp = std::lround(-128.0f - lo / out_scale);
  const int32_t out_zp = static_cast<int32_t>(zp < -128 ? -128 : zp > 127 ? 127 : zp);
  for (size_t o = 0; o < out; ++o) {
    float m = 0.0f;
    for (size_t i = 0; i < in; ++i) m = std::fabs(weights_[o * in + i]) > m ? std::fabs(weights_[o * in + i]) : m;
    const float ws = m > 0.0f ? m / 127.0f : 1.0e-8f;
    int32_t mult = 0, shift = 0;
    const double real = static_cast<double>(h.input_scale * ws / out_scale);
    if (QuantizeMultiplier(real, &mult, &shift) != Status::kOk) return Status::kInvalidArgument;
    for (size_t i = 0; i < in; ++i) {
      const long q = std::lround(weights_[o * in + i] / ws);
      q_weights_[o * in + i] = static_cast<int8_t>(q < -127 ? -127 : q > 127 ? 127 : q);
    }
    q_scales_[o] = ws;
    q_bias_[o] = ClampToInt32(static_cast<double>(bias_[o] / (h.input_scale * ws)));
    q_mult_[o] = mult;
    q_shift_[o] = shift;
  }
  tuned_ = h;
  tuned_.out = static_cast<uint16_t>(out);
  tuned_.output_scale = out_scale;
  tuned_.output_zero_point = out_zp;
  tuned_.weights = {q_weights_.data, q_weights_.size};
  tuned_.weight_scales = {q_scales_.data, q_scales_.size};
  tuned_.bias = {q_bias_.data, q_bias_.size};
  tuned_.multiplier = {q_mult_.data, q_mult_.size};
  tuned_.shift = {q_shift_.data, q_shift_.size};
  is_tuned_ = true;
  return Status::kOk;
}

Status HeadTuner::WeightDelta(Span<float> out) const {
  if (base_ == nullptr) return Status::kNotReady;
  const LayerView& h = *base_;
  if (out.size != weights_.size + bias_.size) return Status::kBufferTooSmall;
  for (size_t o = 0; o < outputs_; ++o) {
    // A taught class's row has no package weights: its delta is all of it.
    const bool taught = o >= h.out;
    const float ws = taught ? 0.0f : h.weight_scales[o];
    for (size_t i = 0; i < h.in; ++i) {
      const float base = taught ? 0.0f : static_cast<float>(h.weights[o * h.in + i]) * ws;
      out[o * h.in + i] = weights_[o * h.in + i] - base;
    }
    out[weights_.size + o] = bias_[o] - (taught ? 0.0f : static_cast<float>(h.bias[o]) * h.input_scale * ws);
  }
  return Status::kOk;
}

}  // namespace lwcl::tinyml
