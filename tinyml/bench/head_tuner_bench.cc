// On-device fine-tuning cost: one SGD step on the default motion model's
// head shape (16 -> 5), and one whole adaptation as a device runs it (20
// labelled and 48 replay windows, 20 epochs, then re-quantisation). The head
// is random but well-formed; the cost does not depend on its values.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "int8_test_models.h"
#include "tinyml/kernels/quantization.h"
#include "tinyml/learn/head_tuner.h"

namespace {

using lwcl::tinyml::HeadTuner;
using lwcl::tinyml::LayerView;
using lwcl::tinyml::Status;
using lwcl::tinyml::TuneOptions;

constexpr uint16_t kIn = 16, kOut = 5;

// The default motion model's head shape with random int8 weights.
lwcl::testing::Int8TestLayer RandomHead() {
  lwcl::testing::Int8TestLayer l;
  l.in = kIn;
  l.out = kOut;
  l.input_scale = 0.05f;
  l.input_zero_point = -128;
  l.output_scale = 0.1f;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> w(-127, 127);
  for (size_t j = 0; j < size_t{kIn} * kOut; ++j) l.weights.push_back(static_cast<int8_t>(w(rng)));
  for (size_t o = 0; o < kOut; ++o) {
    l.weight_scales.push_back(0.01f);
    l.bias.push_back(w(rng) * 10);
    int32_t m = 0, s = 0;
    lwcl::tinyml::QuantizeMultiplier(0.05 * 0.01 / 0.1, &m, &s);
    l.multiplier.push_back(m);
    l.shift.push_back(s);
  }
  return l;
}

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
// Trains from the package's head each iteration; counts `steps` SGD steps per iteration.
void TrainRepeatedly(benchmark::State& state, size_t replay, size_t fresh, const TuneOptions& o, int64_t steps) {
  const lwcl::testing::Int8TestLayer head = RandomHead();
  const LayerView view = head.View();  // the tuner keeps a pointer to it
  Loaded l(view, replay, fresh);
  for (auto _ : state) {
    l.tuner.Reset();
    if (l.tuner.Train(o) != Status::kOk) state.SkipWithError("train failed");
  }
  state.SetItemsProcessed(state.iterations() * steps);
}

void BM_HeadTunerSgdStep(benchmark::State& state) {
  TrainRepeatedly(state, 0, 1, {.learning_rate = 0.01f, .epochs = 100}, 100);
}
BENCHMARK(BM_HeadTunerSgdStep);

void BM_HeadTunerAdaptation(benchmark::State& state) {
  TrainRepeatedly(state, 48, 20, {.learning_rate = 0.05f, .epochs = 20}, 20 * 68);
}
BENCHMARK(BM_HeadTunerAdaptation)->Unit(benchmark::kMicrosecond);

}  // namespace
