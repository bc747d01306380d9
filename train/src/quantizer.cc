#include "train/quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "tinyml/kernels/dense.h"
#include "tinyml/kernels/quantization.h"
#include "tinyml/kernels/softmax.h"
#include "train/float_forward.h"

namespace lwcl::train {
namespace {

struct Range {
  float min = 0.0f;  // starts at 0: every range includes real 0
  float max = 0.0f;
};

// Affine int8 parameters covering [r.min, r.max] with 0 exactly representable.
void ChooseQuantization(const Range& r, float* scale, int32_t* zero_point) {
  float span = r.max - r.min;
  // A tensor that was always 0: any scale represents it; pick a small one.
  if (!(span > 0.0f)) span = 1e-6f;
  *scale = span / 255.0f;
  const double zp = std::round(-128.0 - static_cast<double>(r.min) / static_cast<double>(*scale));
  *zero_point = static_cast<int32_t>(std::clamp(zp, -128.0, 127.0));
}

int32_t SaturatingRound(double v) {
  constexpr double kMax = std::numeric_limits<int32_t>::max();
  constexpr double kMin = std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(std::clamp(std::round(v), kMin, kMax));
}

}  // namespace

void QuantizeMultiplier(double real, int32_t* multiplier, int32_t* shift) {
  if (tinyml::QuantizeMultiplier(real, multiplier, shift) != tinyml::Status::kOk) {
    throw std::invalid_argument("quantizer: rescale factor out of range: " + std::to_string(real));
  }
}

QuantizedModel QuantizeModel(const FloatModel& model,
                             std::span<const std::vector<float>> calibration_raw_features) {
  CheckFloatModel(model);
  if (calibration_raw_features.empty()) {
    throw std::invalid_argument("quantizer: no calibration vectors");
  }
  // ranges[0]: normalised input; ranges[l + 1]: output of layer l.
  std::vector<Range> ranges(model.layers.size() + 1);
  for (const std::vector<float>& raw : calibration_raw_features) {
    const std::vector<std::vector<float>> acts = FloatActivations(model, raw);
    for (size_t t = 0; t < acts.size(); ++t) {
      for (float v : acts[t]) {
        if (!std::isfinite(v)) throw std::invalid_argument("quantizer: non-finite activation");
        ranges[t].min = std::min(ranges[t].min, v);
        ranges[t].max = std::max(ranges[t].max, v);
      }
    }
  }

  QuantizedModel q;
  float in_scale = 0.0f;
  int32_t in_zp = 0;
  ChooseQuantization(ranges[0], &in_scale, &in_zp);
  for (size_t l = 0; l < model.layers.size(); ++l) {
    const FloatLayer& f = model.layers[l];
    QuantizedLayer ql;
    ql.in = f.in;
    ql.out = f.out;
    ql.relu = f.activation == Activation::kRelu;
    ql.input_scale = in_scale;
    ql.input_zero_point = in_zp;
    ChooseQuantization(ranges[l + 1], &ql.output_scale, &ql.output_zero_point);
    const size_t in = static_cast<size_t>(f.in);
    const size_t out = static_cast<size_t>(f.out);
    ql.weights.resize(in * out);
    ql.weight_scales.resize(out);
    ql.bias.resize(out);
    ql.multiplier.resize(out);
    ql.shift.resize(out);
    for (size_t o = 0; o < out; ++o) {
      const float* row = f.weights.data() + o * in;
      float peak = 0.0f;
      for (size_t i = 0; i < in; ++i) peak = std::max(peak, std::fabs(row[i]));
      if (!std::isfinite(peak)) throw std::invalid_argument("quantizer: non-finite weight");
      const float w_scale = peak > 0.0f ? peak / 127.0f : 1.0f;
      ql.weight_scales[o] = w_scale;
      for (size_t i = 0; i < in; ++i) {
        const double v = std::round(static_cast<double>(row[i]) / static_cast<double>(w_scale));
        ql.weights[o * in + i] = static_cast<int8_t>(std::clamp(v, -127.0, 127.0));
      }
      // Scales as the device sees them: the stored floats, widened exactly.
      const double bias_scale = static_cast<double>(in_scale) * static_cast<double>(w_scale);
      ql.bias[o] = SaturatingRound(static_cast<double>(f.bias[o]) / bias_scale);
      QuantizeMultiplier(bias_scale / static_cast<double>(ql.output_scale), &ql.multiplier[o],
                         &ql.shift[o]);
    }
    in_scale = ql.output_scale;
    in_zp = ql.output_zero_point;
    q.layers.push_back(std::move(ql));
  }
  return q;
}

std::vector<float> QuantizedForward(const FloatModel& model, const QuantizedModel& quantized,
                                    std::span<const float> raw_features,
                                    std::vector<float>* logits) {
  if (quantized.layers.empty() || raw_features.size() != model.feature_mean.size() ||
      model.feature_std.size() != model.feature_mean.size()) {
    throw std::invalid_argument("quantized forward: model and input do not fit");
  }
  const QuantizedLayer& first = quantized.layers.front();
  std::vector<int8_t> x(raw_features.size());
  for (size_t i = 0; i < x.size(); ++i) {
    // Same float operations, in the same order, as Classifier.
    const float normalised = (raw_features[i] - model.feature_mean[i]) / model.feature_std[i];
    x[i] = tinyml::QuantizeToInt8(normalised, first.input_scale, first.input_zero_point);
  }
  for (const QuantizedLayer& l : quantized.layers) {
    if (static_cast<size_t>(l.in) != x.size() ||
        l.weights.size() != x.size() * static_cast<size_t>(l.out) ||
        l.bias.size() != static_cast<size_t>(l.out) || l.multiplier.size() != l.bias.size() ||
        l.shift.size() != l.bias.size()) {
      throw std::invalid_argument("quantized forward: inconsistent layer");
    }
    std::vector<int8_t> y(static_cast<size_t>(l.out));
    tinyml::Int8DenseParams p;
    p.input_zero_point = l.input_zero_point;
    p.output_zero_point = l.output_zero_point;
    p.multiplier = tinyml::Span<const int32_t>(l.multiplier.data(), l.multiplier.size());
    p.shift = tinyml::Span<const int32_t>(l.shift.data(), l.shift.size());
    p.relu = l.relu;
    tinyml::DenseInt8(tinyml::Span<const int8_t>(l.weights.data(), l.weights.size()),
                      tinyml::Span<const int32_t>(l.bias.data(), l.bias.size()), p,
                      tinyml::Span<const int8_t>(x.data(), x.size()),
                      tinyml::Span<int8_t>(y.data(), y.size()));
    x = std::move(y);
  }
  const QuantizedLayer& last = quantized.layers.back();
  std::vector<float> out(x.size());
  for (size_t c = 0; c < x.size(); ++c) {
    out[c] = tinyml::DequantizeInt8(x[c], last.output_scale, last.output_zero_point);
  }
  if (logits != nullptr) *logits = out;
  std::vector<float> probabilities(out.size());
  tinyml::Softmax(tinyml::Span<const float>(out.data(), out.size()),
                  tinyml::Span<float>(probabilities.data(), probabilities.size()));
  return probabilities;
}

}  // namespace lwcl::train
