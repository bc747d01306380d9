// On-device fine-tuning cost: one SGD step on the default motion model's
// head shape (16 -> 5), and one whole adaptation as a device runs it (20
// labelled and 48 replay windows, 20 epochs, then re-quantisation). The head
// is random but well-formed; the cost does not depend on its values.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "tinyml/kernels/quantization.h"
#include "tinyml/learn/head_tuner.h"

namespace {

using lwcl::tinyml::HeadTuner;
using lwcl::tinyml::LayerView;
using lwcl::tinyml::Status;
using lwcl::tinyml::TuneOptions;

constexpr uint16_t kIn = 16, kOut = 5;

struct RandomHead {
  RandomHead() {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> w(-127, 127);
    for (size_t j = 0; j < size_t{kIn} * kOut; ++j) weights.push_back(static_cast<int8_t>(w(rng)));
    for (size_t o = 0; o < kOut; ++o) {
      scales.push_back(0.01f);
      bias.push_back(w(rng) * 10);
      int32_t m = 0, s = 0;
      lwcl::tinyml::QuantizeMultiplier(0.05 * 0.01 / 0.1, &m, &s);
      mult.push_back(m);
      shift.push_back(s);
    }
    view.in = kIn;
    view.out = kOut;
    view.input_scale = 0.05f;
    view.input_zero_point = -128;
    view.output_scale = 0.1f;
    view.weights = {weights.data(), weights.size()};
    view.weight_scales = {scales.data(), scales.size()};
    view.bias = {bias.data(), bias.size()};
    view.multiplier = {mult.data(), mult.size()};
    view.shift = {shift.data(), shift.size()};
  }
  std::vector<int8_t> weights;
  std::vector<float> scales;
  std::vector<int32_t> bias, mult, shift;
  LayerView view;
};

// A tuner over `head` holding `fresh` labelled and `replay` replay examples.
struct Loaded {
  Loaded(const LayerView& head, size_t replay, size_t fresh) : arena(HeadTuner::ArenaBytes(head, replay, fresh) / 4 + 1) {
    tuner.Init(head, {reinterpret_cast<uint8_t*>(arena.data()), arena.size() * 4}, replay, fresh);
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> x(-128, 127);
    std::vector<int8_t> e(kIn);
    for (size_t k = 0; k < replay + fresh; ++k) {
      for (auto& v : e) v = static_cast<int8_t>(x(rng));
      if (k < fresh) {
        tuner.AddFresh({e.data(), e.size()}, k % kOut);
      } else {
        tuner.AddReplay({e.data(), e.size()}, k % kOut);
      }
    }
  }
  std::vector<uint32_t> arena;
  HeadTuner tuner;
};

// 100 epochs over one example: 100 SGD steps and one re-quantisation per
// iteration; the per-step time is the iteration time / 100.
void BM_HeadTunerSgdStep(benchmark::State& state) {
  const RandomHead head;
  Loaded l(head.view, 0, 1);
  for (auto _ : state) {
    l.tuner.Reset();
    if (l.tuner.Train({.learning_rate = 0.01f, .epochs = 100}) != Status::kOk) state.SkipWithError("train failed");
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_HeadTunerSgdStep);

void BM_HeadTunerAdaptation(benchmark::State& state) {
  const RandomHead head;
  Loaded l(head.view, 48, 20);
  for (auto _ : state) {
    l.tuner.Reset();
    if (l.tuner.Train({.learning_rate = 0.05f, .epochs = 20}) != Status::kOk) state.SkipWithError("train failed");
  }
  state.SetItemsProcessed(state.iterations() * 20 * 68);
}
BENCHMARK(BM_HeadTunerAdaptation)->Unit(benchmark::kMicrosecond);

}  // namespace
