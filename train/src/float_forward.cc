#include "train/float_forward.h"

#include <stdexcept>
#include <string>

#include "tinyml/kernels/dense.h"
#include "tinyml/kernels/softmax.h"

namespace lwcl::train {
namespace {

tinyml::Span<const float> View(const std::vector<float>& v) {
  return tinyml::Span<const float>(v.data(), v.size());
}

void Fail(const std::string& what) { throw std::invalid_argument("float model: " + what); }

}  // namespace

void CheckFloatModel(const FloatModel& model) {
  if (model.layers.empty()) Fail("no layers");
  const size_t features = model.feature_mean.size();
  if (features == 0 || model.feature_std.size() != features) Fail("feature mean/std sizes differ");
  for (float s : model.feature_std) {
    if (!(s > 0.0f)) Fail("feature std must be > 0");
  }
  size_t width = features;
  for (size_t l = 0; l < model.layers.size(); ++l) {
    const FloatLayer& layer = model.layers[l];
    const std::string name = "layer " + std::to_string(l) + ": ";
    if (layer.in <= 0 || layer.out <= 0 || static_cast<size_t>(layer.in) != width) {
      Fail(name + "input size does not match the previous output");
    }
    if (layer.weights.size() != static_cast<size_t>(layer.in) * static_cast<size_t>(layer.out) ||
        layer.bias.size() != static_cast<size_t>(layer.out)) {
      Fail(name + "weights or bias have the wrong size");
    }
    if (layer.activation == Activation::kSoftmax && l + 1 != model.layers.size()) {
      Fail(name + "softmax is only allowed on the output layer");
    }
    width = static_cast<size_t>(layer.out);
  }
  if (!model.labels.empty() && width != model.labels.size()) {
    Fail("output width " + std::to_string(width) + " != " + std::to_string(model.labels.size()) +
         " labels");
  }
}

std::vector<std::vector<float>> FloatActivations(const FloatModel& model,
                                                 std::span<const float> raw_features) {
  CheckFloatModel(model);
  if (raw_features.size() != model.feature_mean.size()) Fail("input has the wrong size");
  std::vector<std::vector<float>> acts;
  acts.reserve(model.layers.size() + 1);
  std::vector<float> input(raw_features.size());
  for (size_t i = 0; i < raw_features.size(); ++i) {
    input[i] = (raw_features[i] - model.feature_mean[i]) / model.feature_std[i];
  }
  acts.push_back(std::move(input));
  for (const FloatLayer& layer : model.layers) {
    std::vector<float> output(static_cast<size_t>(layer.out));
    tinyml::DenseFloat(View(layer.weights), View(layer.bias), View(acts.back()),
                       layer.activation == Activation::kRelu,
                       tinyml::Span<float>(output.data(), output.size()));
    acts.push_back(std::move(output));
  }
  return acts;
}

std::vector<float> FloatForward(const FloatModel& model, std::span<const float> raw_features) {
  std::vector<float> logits = std::move(FloatActivations(model, raw_features).back());
  std::vector<float> probabilities(logits.size());
  tinyml::Softmax(View(logits), tinyml::Span<float>(probabilities.data(), probabilities.size()));
  return probabilities;
}

}  // namespace lwcl::train
