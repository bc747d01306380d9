#include "train/predictors.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "tinyml/runtime/classifier.h"
#include "tinyml/runtime/memory_plan.h"
#include "tinyml/package/model_package.h"
#include "train/float_forward.h"

namespace lwcl::train {

std::vector<int> PredictFloat(const FloatModel& model, const FeatureMatrix& features) {
  std::vector<int> predicted;
  predicted.reserve(features.rows());
  for (size_t r = 0; r < features.rows(); ++r) {
    const std::vector<float> out = FloatForward(model, features.row(r));
    predicted.push_back(static_cast<int>(std::max_element(out.begin(), out.end()) - out.begin()));
  }
  return predicted;
}

struct Int8Predictor::State {
  // uint32_t storage: the reader and the arena both need 4-byte alignment.
  std::vector<uint32_t> package_words;
  std::vector<uint32_t> arena_words;
  tinyml::PackageView view;
  tinyml::Classifier classifier;
  size_t arena_bytes = 0;
  size_t window_floats = 0;
};

Int8Predictor::Int8Predictor(std::span<const uint8_t> package) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.package_words.resize((package.size() + 3) / 4);
  if (!package.empty()) std::memcpy(s.package_words.data(), package.data(), package.size());
  const tinyml::Span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(s.package_words.data()),
                                          package.size());
  tinyml::Status st = tinyml::ReadPackage(bytes, &s.view);
  if (st != tinyml::Status::kOk) {
    throw std::runtime_error(std::string("model package refused by the core: ") +
                             tinyml::StatusName(st));
  }
  s.arena_bytes = tinyml::RequiredArenaBytes(s.view);
  s.arena_words.resize((s.arena_bytes + 3) / 4);
  st = s.classifier.Init(
      s.view,
      tinyml::Span<uint8_t>(reinterpret_cast<uint8_t*>(s.arena_words.data()), s.arena_bytes));
  if (st != tinyml::Status::kOk) {
    throw std::runtime_error(std::string("classifier cannot run the package: ") +
                             tinyml::StatusName(st));
  }
  s.window_floats = static_cast<size_t>(s.view.dsp.window_samples) * s.view.dsp.axes;
}

Int8Predictor::~Int8Predictor() = default;

size_t Int8Predictor::arena_bytes() const { return state_->arena_bytes; }

int Int8Predictor::Classify(std::span<const float> window) {
  tinyml::Result result;
  const tinyml::Status st = state_->classifier.ClassifyWindow(
      tinyml::Span<const float>(window.data(), window.size()), &result);
  if (st != tinyml::Status::kOk) {
    throw std::runtime_error(std::string("int8 classification failed: ") + tinyml::StatusName(st));
  }
  return static_cast<int>(result.label);
}

std::vector<int> Int8Predictor::Classify(const Dataset& dataset,
                                         std::span<const WindowRef> windows) {
  std::vector<int> predicted;
  predicted.reserve(windows.size());
  for (const WindowRef& w : windows) {
    predicted.push_back(Classify(WindowSamples(dataset, w, state_->view.dsp.window_samples)));
  }
  return predicted;
}

}  // namespace lwcl::train
